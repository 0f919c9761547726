using System.Globalization;
using OrleansRecovery.Cli.Errors;

namespace OrleansRecovery.Cli.Input;

/// <summary>
/// Reads a file of transaction ids, one a line (surrounding spaces trimmed). Blank lines and lines starting with <c>#</c> are
/// skipped, so the output of <c>campaign members</c> reads back. The whole file is checked before anything is sent: the first bad
/// line is named by its number (exit code 2).
/// </summary>
internal static class TransactionIdFile
{
    /// <summary>The ids in file order, repeats dropped, and how many repeats there were.</summary>
    public static (IReadOnlyList<string> Ids, int Repeats) Read(string path, int maxIds)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw CommandFailedException.Usage($"ids file '{path}' does not exist.");
        }

        var name = Path.GetFileName(path);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeats = 0;
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var id = line.Trim();
            if (id.Length == 0 || id.StartsWith('#'))
            {
                continue;
            }

            if (TransactionIds.Problem(id) is { } problem)
            {
                throw CommandFailedException.Usage(string.Create(CultureInfo.InvariantCulture, $"{name} line {number}: {problem} Nothing was sent."));
            }

            if (!seen.Add(id))
            {
                repeats++;
                continue;
            }

            if (ids.Count == maxIds)
            {
                throw CommandFailedException.Usage(string.Create(CultureInfo.InvariantCulture,
                    $"{name} line {number}: more than {maxIds:#,0} transaction ids; a campaign holds at most {maxIds:#,0}. Nothing was sent."));
            }

            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            throw CommandFailedException.Usage($"{name} holds no transaction ids (one a line; blank lines and # comments are skipped).");
        }

        return (ids, repeats);
    }
}
