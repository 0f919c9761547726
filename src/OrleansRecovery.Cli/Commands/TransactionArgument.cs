using System.CommandLine;
using OrleansRecovery.Client;

namespace OrleansRecovery.Cli.Commands;

/// <summary>The <c>&lt;tx&gt;</c> argument: a transaction id, checked before anything is sent.</summary>
internal static class TransactionArgument
{
    public static Argument<string> Create()
    {
        var argument = new Argument<string>("tx") { Description = "The transaction id (the grain key)" };
        argument.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            try
            {
                TransactionClientValidation.ValidateTransactionId(value);
            }
            catch (ArgumentException ex)
            {
                result.AddError($"<tx> '{value}': {ex.Message.Split(" (Parameter", 2)[0]}");
            }
        });
        return argument;
    }
}
