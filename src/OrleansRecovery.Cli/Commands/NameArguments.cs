using System.CommandLine;
using System.CommandLine.Parsing;

namespace OrleansRecovery.Cli.Commands;

/// <summary>
/// The <c>&lt;scope&gt;</c> and <c>&lt;campaign-id&gt;</c> arguments and the <c>--scope</c> / <c>--campaign</c> options, checked while the
/// command line is parsed, before anything connects (exit code 2 naming what is wrong).
/// </summary>
internal static class NameArguments
{
    /// <summary>A recovery scope name (<see cref="RecoveryScopes.Problem"/>).</summary>
    public static Argument<string> Scope()
    {
        var argument = new Argument<string>("scope") { Description = "The recovery scope's name (what a set of transactions depends on)" };
        argument.Validators.Add(result => Check(result, "<scope>", RecoveryScopes.Problem));
        return argument;
    }

    /// <summary>A campaign id (the transaction id rule).</summary>
    public static Argument<string> Campaign()
    {
        var argument = new Argument<string>("campaign-id") { Description = "The campaign's id (a name you choose, e.g. outage-2026-11-25)" };
        argument.Validators.Add(result => Check(result, "<campaign-id>", RecoveryCampaignClientExtensions.CampaignIdProblem));
        return argument;
    }

    /// <summary><c>--scope S</c> for registry listings.</summary>
    public static Option<string?> ScopeOption()
    {
        var option = new Option<string?>("--scope") { Description = "Only transactions whose current recovery belongs to this recovery scope" };
        option.Validators.Add(result => Check(result, "--scope", RecoveryScopes.Problem));
        return option;
    }

    /// <summary><c>--campaign C</c> for registry listings.</summary>
    public static Option<string?> CampaignOption()
    {
        var option = new Option<string?>("--campaign") { Description = "Only transactions whose current recovery (or replay) belongs to this campaign" };
        option.Validators.Add(result => Check(result, "--campaign", RecoveryCampaignClientExtensions.CampaignIdProblem));
        return option;
    }

    private static void Check(SymbolResult result, string name, Func<string?, string?> problemOf)
    {
        var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (problemOf(value) is { } problem)
        {
            result.AddError($"{name} '{value}': {problem}");
        }
    }
}
