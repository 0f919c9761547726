using System.Globalization;
using System.Text.Json;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Client;

namespace OrleansRecovery.Cli.Input;

/// <summary>
/// Reads a JSON-lines file of <see cref="TransactionMessage"/>s, one object a line:
/// <c>{"messageId":"m1","kind":"Normal","type":"credit","payload":{"amount":100}}</c>. Property names are case-insensitive;
/// <c>kind</c> is <c>Normal</c> (default) or <c>Recovery</c> (or 0/1); <c>payload</c> is a string, or any JSON value sent as its
/// text; <c>recoveryId</c> and <c>transactionId</c> are optional. A line without <c>messageId</c> gets <c>{file name}:{line}</c>,
/// so that sending the same file twice is answered with duplicates, not applied twice. Blank lines and lines starting with
/// <c>#</c> or <c>//</c> are skipped. The whole file is checked before anything is sent.
/// </summary>
internal static class MessageFile
{
    public static IReadOnlyList<TransactionMessage> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw CommandFailedException.Usage($"message file '{path}' does not exist.");
        }

        var name = Path.GetFileName(path);
        var messages = new List<TransactionMessage>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#') || text.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                var message = Parse(text, string.Create(CultureInfo.InvariantCulture, $"{name}:{number}"));
                TransactionClientValidation.ValidateMessage(message);
                messages.Add(message);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException)
            {
                throw CommandFailedException.Usage($"{name} line {number}: {ErrorReport.FirstLine(ex.Message).Split(" (Parameter", 2)[0]}");
            }
        }

        return messages;
    }

    /// <summary>Parses one line; <paramref name="defaultId"/> is the message id when the line has none.</summary>
    public static TransactionMessage Parse(string json, string defaultId)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object.");
        }

        string? messageId = null, type = null, payload = null, recoveryId = null, transactionId = null;
        var kind = MessageKind.Normal;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "MESSAGEID" or "ID":
                    messageId = String(property);
                    break;
                case "TYPE":
                    type = String(property);
                    break;
                case "PAYLOAD":
                    payload = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => property.Value.GetRawText(),
                    };
                    break;
                case "KIND":
                    kind = Kind(property.Value);
                    break;
                case "RECOVERYID":
                    recoveryId = String(property);
                    break;
                case "TRANSACTIONID":
                    transactionId = String(property);
                    break;
                default:
                    throw new FormatException($"unknown property '{property.Name}' (expected messageId, kind, type, payload, recoveryId, transactionId).");
            }
        }

        return new TransactionMessage(messageId ?? defaultId, kind, type ?? "", payload ?? "")
        {
            RecoveryId = recoveryId,
            TransactionId = transactionId,
        };
    }

    private static string? String(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw new FormatException($"'{property.Name}' must be a string."),
    };

    private static MessageKind Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when Enum.TryParse<MessageKind>(value.GetString(), ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            && !int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => kind,
        JsonValueKind.Number when value.TryGetInt32(out var n) && Enum.IsDefined((MessageKind)n) => (MessageKind)n,
        _ => throw new FormatException($"kind {value.GetRawText()} is not Normal or Recovery."),
    };
}
