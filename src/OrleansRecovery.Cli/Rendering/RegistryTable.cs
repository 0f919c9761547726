using Spectre.Console;

namespace OrleansRecovery.Cli.Rendering;

/// <summary>The registry as a table: one row per recovering, faulted or stuck transaction (used by <c>list</c> and <c>watch</c>).</summary>
internal static class RegistryTable
{
    /// <summary>Most characters of a reason shown in a cell (the full reason is in <c>show</c>); ids are never wrapped, so they can be grepped.</summary>
    private const int ReasonWidth = 48;

    public static Table Create(IReadOnlyList<RegistryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var now = DateTimeOffset.UtcNow;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Transaction").NoWrap())
            .AddColumn(new TableColumn("Mode").NoWrap())
            .AddColumn(new TableColumn("For").RightAligned())
            .AddColumn(new TableColumn("Pending").RightAligned())
            .AddColumn(new TableColumn("Oldest pending").RightAligned())
            .AddColumn(new TableColumn("Recovery / held message").NoWrap())
            .AddColumn("Reason")
            .AddColumn(new TableColumn("Updated").RightAligned());
        foreach (var e in entries)
        {
            table.AddRow(
                Formats.Text(e.TransactionId),
                Formats.ModeMarkup(e.Mode, e.Stuck),
                Formats.Age(now - e.Since),
                Formats.Count(e.PendingCount),
                e.OldestPendingSince is { } oldest ? Formats.Age(now - oldest) : "-",
                Formats.Text(e.Mode == TransactionMode.Faulted ? e.FaultMessageId : e.RecoveryId),
                Formats.Text(Formats.Truncate(e.Reason, ReasonWidth)),
                Formats.Age(now - e.UpdatedAt) + " ago");
        }

        return table;
    }

    /// <summary>One line of totals under the table.</summary>
    public static string Summary(IReadOnlyList<RegistryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return $"{entries.Count(e => e.Mode == TransactionMode.Recovering)} recovering ({entries.Count(e => e.Stuck)} stuck), " +
            $"{entries.Count(e => e.Mode == TransactionMode.Faulted)} faulted, " +
            $"{entries.Count(e => e.Mode == TransactionMode.Normal)} replaying; " +
            $"{Formats.Count(entries.Sum(e => e.PendingCount))} pending messages";
    }
}
