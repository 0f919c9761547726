using System.CommandLine;
using System.Globalization;
using OrleansRecovery.Cli.Errors;
using OrleansRecovery.Cli.Input;
using OrleansRecovery.Cli.Rendering;
using OrleansRecovery.Client;
using Spectre.Console;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// <c>campaign create|start|complete|show|members</c>: a recovery campaign over an explicit list of transactions. Create it from a
/// file of ids, start it (members enter recovery in order, resumed after a crash), complete every entered member with one recovery
/// message, and follow its progress.
/// </summary>
internal static class CampaignCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("campaign",
            "Recovery campaigns over an explicit list of transactions: create from a file of ids, start, complete in bulk, show progress, list members");
        command.Add(CreateCommand(context));
        command.Add(Start(context));
        command.Add(Complete(context));
        command.Add(Show(context));
        command.Add(Members(context));
        return command;
    }

    private static Command CreateCommand(CliContext context)
    {
        var campaign = NameArguments.Campaign();
        var reason = new Option<string>("--reason") { Description = "Why (kept with the campaign and with each member's recovery)", Required = true };
        var idsFile = new Option<FileInfo>("--ids-file")
        {
            Description = "Transaction ids, one a line; blank lines and # comments are skipped. Checked whole before anything is sent.",
            Required = true,
        };
        var command = new Command("create",
            $"Create a campaign (a draft: nobody enters recovery until 'campaign start') and add up to {IRecoveryCampaignGrain.MaxMembers:#,0} " +
            $"members from a file, in pages of {IRecoveryCampaignGrain.MaxMembersPerCall:#,0}. Repeatable while a draft: ids already added are skipped.")
        {
            campaign,
            reason,
            idsFile,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            // The whole file is checked before connecting: a bad line creates nothing.
            var file = parse.GetRequiredValue(idsFile);
            var (ids, repeats) = TransactionIdFile.Read(file.FullName, IRecoveryCampaignGrain.MaxMembers);
            return context.RunAsync(parse, async (client, token) =>
            {
                var id = parse.GetRequiredValue(campaign);
                var grain = client.GetRecoveryCampaign(id);
                await OperatorAction.RunAsync("create campaign", id, () => grain.CreateAsync(parse.GetRequiredValue(reason)));
                long members = 0;
                foreach (var page in ids.Chunk(IRecoveryCampaignGrain.MaxMembersPerCall))
                {
                    token.ThrowIfCancellationRequested();
                    members = await OperatorAction.RunAsync("add members to campaign", id, () => grain.AddMembersAsync(page));
                }

                var progress = await grain.GetProgressAsync();
                context.Console.MarkupLine($"{Formats.Text(id)}: {progress.State}, {Formats.Count(members)} members " +
                    $"({Formats.Count(ids.Count)} ids read from {Formats.Text(file.Name)}" +
                    (repeats > 0 ? $", {Formats.Count(repeats)} repeated ids skipped" : "") + ")");
                context.Console.MarkupLine($"  reason: {Formats.Text(progress.Reason)}");
                if (progress.State == CampaignState.Draft)
                {
                    context.Console.MarkupLine($"  Nobody is in recovery yet. Next: recoveryctl campaign start {Formats.Text(id)} --wait");
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Start(CliContext context)
    {
        var campaign = NameArguments.Campaign();
        var wait = new WaitOptions("--wait", "Follow progress until every member has entered recovery");
        var reason = OperatorAction.OptionalReason("the campaign's record");
        var command = new Command("start",
            "Start a campaign: its members enter recovery in order, in the background (resumed after a crash; nobody is put in twice). Idempotent.")
        {
            campaign,
            reason,
        };
        wait.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var (follow, interval, timeout) = wait.Read(parse);
            return context.RunAsync(parse, async (client, token) =>
            {
                var id = parse.GetRequiredValue(campaign);
                var grain = client.GetRecoveryCampaign(id);
                var recorded = OperatorAction.Recorded(parse.GetValue(reason));
                var progress = await OperatorAction.RunAsync("start campaign", id,
                    () => recorded is null ? grain.StartAsync() : grain.StartAsync(recorded));
                context.Console.MarkupLine($"{Formats.Text(id)}: started; {Formats.Count(progress.Members)} members enter recovery in order.");
                if (!follow)
                {
                    context.Console.MarkupLine($"  {ProgressView.Line(progress)}");
                    context.Console.MarkupLine($"  Follow it: recoveryctl campaign show {Formats.Text(id)}");
                    return ExitCodes.Ok;
                }

                await FollowAsync(context.Console, grain, p => p.State is CampaignState.Entered or CampaignState.Done,
                    "Entered (every member in recovery)", interval, timeout, token);
                context.Console.MarkupLine($"  Complete them with their recovery messages, or all at once: recoveryctl campaign complete {Formats.Text(id)} --type T --payload P");
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Complete(CliContext context)
    {
        var campaign = NameArguments.Campaign();
        var type = new Option<string>("--type") { Description = "The recovery message type, e.g. reconciled", Required = true };
        var payload = new Option<string>("--payload")
        {
            Description = "The recovery message payload (usually JSON), the same for every member",
            DefaultValueFactory = _ => "{}",
        };
        var wait = new WaitOptions("--wait", "Follow progress until the message was sent to every entered member");
        var reason = OperatorAction.OptionalReason("the campaign's record");
        var command = new Command("complete",
            "Bulk completion: the cluster sends one recovery message (type and payload) to every entered member, in the background " +
            "(message id campaign-{id}-complete, so members that had it answer Duplicate). Members the application refuses stay recovering.")
        {
            campaign,
            type,
            payload,
            reason,
        };
        wait.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var (follow, interval, timeout) = wait.Read(parse);
            var messageType = parse.GetRequiredValue(type);
            var messagePayload = parse.GetValue(payload) ?? "{}";
            try
            {
                TransactionClientValidation.ValidateMessage(TransactionMessage.Recovery("campaign-complete", messageType, messagePayload));
            }
            catch (ArgumentException ex)
            {
                throw CommandFailedException.Usage($"the completion message is invalid: {ErrorReport.FirstLine(ex.Message).Split(" (Parameter", 2)[0]}");
            }

            return context.RunAsync(parse, async (client, token) =>
            {
                var id = parse.GetRequiredValue(campaign);
                var grain = client.GetRecoveryCampaign(id);
                var recorded = OperatorAction.Recorded(parse.GetValue(reason));
                var progress = await OperatorAction.RunAsync("complete campaign", id, () => recorded is null
                    ? grain.CompleteAllAsync(messageType, messagePayload)
                    : grain.CompleteAllAsync(messageType, messagePayload, recorded));
                context.Console.MarkupLine($"{Formats.Text(id)}: completion requested; '{Formats.Text(messageType)}' goes to each of " +
                    $"{Formats.Count(progress.Entered)} entered members in the background.");
                if (!follow)
                {
                    context.Console.MarkupLine($"  {ProgressView.Line(progress)}");
                    context.Console.MarkupLine($"  Follow it: recoveryctl campaign show {Formats.Text(id)}");
                    return ExitCodes.Ok;
                }

                await FollowAsync(context.Console, grain,
                    p => p.State == CampaignState.Done || (p.State == CampaignState.Entered && p.Completed >= p.Entered),
                    "the completion sent to every entered member", interval, timeout, token);
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var campaign = NameArguments.Campaign();
        var command = new Command("show", "Show a campaign's progress: members, entered, recovering, stuck, faulted, replaying, back to normal, rate, oldest, ETA")
        {
            campaign,
        };
        command.SetAction((parse, cancellationToken) => context.RunAsync(parse, async (client, _) =>
        {
            var id = parse.GetRequiredValue(campaign);
            var progress = await OperatorAction.RunAsync("show campaign", id, client.GetRecoveryCampaign(id).GetProgressAsync);
            context.Console.Write(ProgressView.Create(progress));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Members(CliContext context)
    {
        var campaign = NameArguments.Campaign();
        var from = new Option<long>("--from") { Description = "First member to print (0-based, in the order they were added)", DefaultValueFactory = _ => 0 };
        var take = new Option<int>("--take") { Description = "Most members to print", DefaultValueFactory = _ => 100 };
        var command = new Command("members",
            "Print a campaign's members, one id a line (then a # line with the count, so the output reads back as an --ids-file)")
        {
            campaign,
            from,
            take,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var first = parse.GetValue(from);
            var most = parse.GetValue(take);
            if (first < 0)
            {
                throw CommandFailedException.Usage($"--from is {first}; it must be 0 or more.");
            }

            if (most < 1)
            {
                throw CommandFailedException.Usage($"--take is {most}; it must be at least 1.");
            }

            return context.RunAsync(parse, async (client, token) =>
            {
                var id = parse.GetRequiredValue(campaign);
                var grain = client.GetRecoveryCampaign(id);
                var progress = await OperatorAction.RunAsync("list the members of campaign", id, grain.GetProgressAsync);
                var printed = 0;
                while (printed < most)
                {
                    token.ThrowIfCancellationRequested();
                    var page = await grain.GetMembersAsync(first + printed, Math.Min(most - printed, IRecoveryCampaignGrain.MaxMembersPerCall));
                    foreach (var member in page)
                    {
                        context.Console.WriteLine(member);
                    }

                    printed += page.Count;
                    if (page.Count == 0)
                    {
                        break;
                    }
                }

                var where = printed > 0 ? string.Create(CultureInfo.InvariantCulture, $", from {first:#,0}") : "";
                context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {printed:#,0} of {progress.Members:#,0} members of {id}{where}"));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Polls the campaign's progress, printing a line whenever it changes, until <paramref name="reached"/> or the timeout.</summary>
    private static async Task FollowAsync(IAnsiConsole console, IRecoveryCampaignGrain grain, Func<CampaignProgress, bool> reached,
        string goal, TimeSpan interval, TimeSpan timeout, CancellationToken token)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string? last = null;
        while (true)
        {
            var progress = await grain.GetProgressAsync();
            var line = ProgressView.Line(progress);
            if (line != last)
            {
                console.MarkupLine($"{Formats.Time(DateTimeOffset.UtcNow)}  {line}");
                last = line;
            }

            if (reached(progress))
            {
                return;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new CommandFailedException(
                    $"campaign '{progress.CampaignId}' did not reach {goal} within {Formats.Age(timeout)}; it goes on in the background ({line.RemoveMarkup()}).");
            }

            await Task.Delay(interval, token);
        }
    }

    /// <summary><c>--wait</c>, <c>--interval</c> and <c>--timeout</c>.</summary>
    private sealed class WaitOptions(string name, string description)
    {
        private readonly Option<bool> _wait = new(name) { Description = description };

        private readonly Option<TimeSpan> _interval = new("--interval")
        {
            Description = "With --wait: time between progress reads, e.g. 1s or 500ms",
            CustomParser = DurationParser.Parse,
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
        };

        private readonly Option<TimeSpan> _timeout = new("--timeout")
        {
            Description = "With --wait: give up waiting after this long (exit code 1; the campaign goes on)",
            CustomParser = DurationParser.Parse,
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        };

        public void AddTo(Command command)
        {
            command.Add(_wait);
            command.Add(_interval);
            command.Add(_timeout);
        }

        public (bool Wait, TimeSpan Interval, TimeSpan Timeout) Read(ParseResult parse)
        {
            var wait = parse.GetValue(_wait);
            if (!wait && (parse.GetResult(_interval) is { Implicit: false } || parse.GetResult(_timeout) is { Implicit: false }))
            {
                throw CommandFailedException.Usage("--interval and --timeout are for --wait; add --wait.");
            }

            return (wait, parse.GetValue(_interval), parse.GetValue(_timeout));
        }
    }
}
