using Spectre.Console;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>Counts answers by outcome and keeps the first rejections (thread-safe: the load generator adds concurrently).</summary>
internal sealed class OutcomeTally
{
    private const int KeptRejections = 20;
    private readonly Lock _lock = new();
    private readonly long[] _counts = new long[Enum.GetValues<SubmitOutcome>().Length];
    private readonly List<(string TransactionId, SubmitResult Result)> _rejections = [];
    private long _rejected;

    public long Total { get; private set; }

    public long Rejected => Count(SubmitOutcome.Rejected);

    public long Count(SubmitOutcome outcome)
    {
        lock (_lock)
        {
            return _counts[(int)outcome];
        }
    }

    public void Add(string transactionId, IEnumerable<SubmitResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        lock (_lock)
        {
            foreach (var result in results)
            {
                Total++;
                _counts[(int)result.Outcome]++;
                if (result.Outcome == SubmitOutcome.Rejected && _rejected++ < KeptRejections)
                {
                    _rejections.Add((transactionId, result));
                }
            }
        }
    }

    /// <summary>Writes the counts as a table, then the first rejections with their reasons.</summary>
    public void Render(IAnsiConsole console, bool showTransaction)
    {
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Outcome").AddColumn(new TableColumn("Messages").RightAligned());
        foreach (var outcome in Enum.GetValues<SubmitOutcome>())
        {
            table.AddRow(outcome.ToString(), Formats.Count(Count(outcome)));
        }

        table.AddRow("[bold]Total[/]", $"[bold]{Formats.Count(Total)}[/]");
        console.Write(table);
        lock (_lock)
        {
            if (_rejections.Count == 0)
            {
                return;
            }

            console.MarkupLine(_rejected > _rejections.Count ? $"First {_rejections.Count} of {_rejected} rejections:" : "Rejections:");
            foreach (var (tx, r) in _rejections)
            {
                console.MarkupLine($"  {(showTransaction ? Formats.Text(tx) + " " : "")}{Formats.Text(r.MessageId)}: {r.Code}: {Formats.Text(r.Reason)}");
            }
        }
    }
}
