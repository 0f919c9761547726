using System.CommandLine;
using System.Globalization;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Client;
using OrleansRecovery.Cli.Input;
using OrleansRecovery.Cli.Rendering;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>send &lt;tx&gt; --type T [--payload JSON] [--id ID] [--recovery] [--recovery-id R]</c> sends one message;
/// <c>send &lt;tx&gt; --file messages.jsonl [--batch-size N]</c> sends a JSON-lines file in order, in batches, with a progress bar.
/// Exit code 1 when any message was rejected.
/// </summary>
internal static class SendCommand
{
    public static Command Create(CliContext context)
    {
        var transaction = TransactionArgument.Create();
        var type = new Option<string?>("--type") { Description = "The message type, e.g. credit (recoveryctl types lists those the logic accepts)" };
        var payload = new Option<string>("--payload")
        {
            Description = "The payload (usually JSON), e.g. {\"amount\":100}",
            DefaultValueFactory = _ => "{}",
        };
        var id = new Option<string?>("--id") { Description = "The message id (exactly-once key) [default: a new one]" };
        var recovery = new Option<bool>("--recovery") { Description = "Send a recovery message (only accepted while recovering)" };
        var recoveryId = new Option<string?>("--recovery-id") { Description = "The recovery this recovery message answers (stale ones are rejected)" };
        var file = new Option<FileInfo?>("--file")
        {
            Description = "A JSON-lines file of messages: {\"messageId\":..,\"kind\":\"Normal|Recovery\",\"type\":..,\"payload\":..}",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Messages per call when sending a file (one storage write covers a batch)",
            DefaultValueFactory = _ => 100,
        };
        var command = new Command("send", "Send one message (from options) or many (from a JSON-lines file) to a transaction")
        {
            transaction, type, payload, id, recovery, recoveryId, file, batchSize,
        };
        command.Validators.Add(result =>
        {
            var hasFile = result.GetResult(file) is not null;
            var hasType = result.GetResult(type) is not null;
            if (hasFile == hasType)
            {
                result.AddError("send needs either --type (one message) or --file (a JSON-lines file), not both.");
            }

            Option[] oneMessage = [payload, id, recovery, recoveryId];
            if (hasFile && oneMessage.Any(o => result.GetResult(o) is { Implicit: false }))
            {
                result.AddError("--payload, --id, --recovery and --recovery-id describe one message; with --file each line says them.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            // Everything is checked before connecting: a bad file or message is a usage error (exit 2), and nothing is sent.
            var tx = parse.GetRequiredValue(transaction);
            if (parse.GetValue(file) is { } messagesFile)
            {
                var size = parse.GetValue(batchSize);
                if (size < 1)
                {
                    throw CommandFailedException.Usage($"--batch-size is {size}; it must be at least 1.");
                }

                var messages = MessageFile.Read(messagesFile.FullName);
                if (messages.Count == 0)
                {
                    throw CommandFailedException.Usage("the message file holds no messages.");
                }

                return context.RunAsync(parse, (client, token) => SendFileAsync(context.Console, client, tx, messages, size, token), cancellationToken);
            }

            if (!parse.GetValue(recovery) && parse.GetValue(recoveryId) is not null)
            {
                throw CommandFailedException.Usage("--recovery-id is for recovery messages; add --recovery.");
            }

            var messageId = parse.GetValue(id) ?? "cli-" + Guid.NewGuid().ToString("N")[..12];
            var message = parse.GetValue(recovery)
                ? TransactionMessage.Recovery(messageId, parse.GetValue(type)!, parse.GetValue(payload) ?? "", parse.GetValue(recoveryId))
                : TransactionMessage.Normal(messageId, parse.GetValue(type)!, parse.GetValue(payload) ?? "");
            try
            {
                TransactionClientValidation.ValidateMessage(message);
            }
            catch (ArgumentException ex) when (ex is not ArgumentNullException)
            {
                throw CommandFailedException.Usage(ErrorReport.FirstLine(ex.Message).Split(" (Parameter", 2)[0]);
            }

            return context.RunAsync(parse, async (client, token) =>
            {
                var result = await client.SubmitAsync(tx, message);
                context.Console.MarkupLine($"{Formats.Text(tx)} {Formats.Text(message.MessageId)} ({message.Kind} {Formats.Text(message.Type)}) → " +
                    Describe(result));
                return result.Outcome == SubmitOutcome.Rejected ? ExitCodes.Failed : ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>One answer in words: the outcome, and the reason or the recovery it started.</summary>
    public static string Describe(SubmitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var outcome = result.Outcome switch
        {
            SubmitOutcome.Processed => "[green]Processed[/]",
            SubmitOutcome.Queued => "[yellow]Queued[/]",
            SubmitOutcome.Duplicate => "[grey]Duplicate[/]",
            _ => $"[red]Rejected[/] ({result.Code})",
        };
        if (result.StartedRecoveryId is { } started)
        {
            outcome += $", started recovery {Formats.Text(started)}";
        }

        return result.Reason is { } reason ? $"{outcome}: {Formats.Text(reason)}" : outcome;
    }

    private static async Task<int> SendFileAsync(IAnsiConsole console, IClusterClient client, string tx,
        IReadOnlyList<TransactionMessage> messages, int batchSize, CancellationToken cancellationToken)
    {
        var tally = new OutcomeTally();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new MessageRateColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Sending {Formats.Count(messages.Count)} messages to {Formats.Text(tx)}", maxValue: messages.Count);
                foreach (var batch in messages.Chunk(batchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    tally.Add(tx, await client.SubmitBatchAsync(tx, batch));
                    task.Increment(batch.Length);
                }
            });

        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Sent {Formats.Count(messages.Count)} messages to {Formats.Text(tx)} in {started.Elapsed.TotalSeconds:0.00} s " +
            $"({messages.Count / Math.Max(started.Elapsed.TotalSeconds, 0.001):0} msg/s)"));
        tally.Render(console, showTransaction: false);
        return tally.Rejected > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
