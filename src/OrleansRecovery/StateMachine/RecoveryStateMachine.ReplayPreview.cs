namespace OrleansRecovery.StateMachine;

/// <summary>The replay preview: what <see cref="RecoveryStateMachine.ReplayBatch(TransactionState, string, DateTimeOffset, Func{string}, ScopeView)"/> would do, decided without a transition.</summary>
internal sealed partial class RecoveryStateMachine
{
    /// <summary>
    /// Runs the application's logic over the first <paramref name="max"/> parked entries of <paramref name="state"/>, in replay order,
    /// against its current data, and says per entry what replay would do. Pure: the state is not changed and no write is produced.
    /// It follows replay's rules: a rejected entry is passed over, an entry in doubt keeps its data and stops replay (a recovery
    /// starts), an entry whose logic throws stops replay without its effect (the transaction is faulted); the entries after the
    /// stop are not reached. Recovery scopes are not consulted (see <see cref="ReplayPreview"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is out of range (<see cref="ReplayPreview.Validate"/>).</exception>
    public ReplayPreview PreviewReplay(TransactionState state, string transactionId, int max)
    {
        ArgumentNullException.ThrowIfNull(state);
        ReplayPreview.Validate(max);
        var data = state.Data;
        long? stopsAt = null;
        var entries = state.Pending.Page(0, max);
        var lines = new ReplayPreviewEntry[entries.Count];
        for (var position = 0; position < lines.Length; position++)
        {
            var entry = entries[position];
            var message = entry.Message;
            if (stopsAt is not null)
            {
                lines[position] = Line(position, entry, ReplayPreviewVerdict.NotReached, null);
                continue;
            }

            var decision = ApplyNormal(data, message);
            ReplayPreviewVerdict verdict;
            if (decision.Threw)
            {
                verdict = ReplayPreviewVerdict.WouldThrow;
                stopsAt = position;
            }
            else
            {
                switch (decision.Verdict)
                {
                    case Logic.NormalVerdict.Applied:
                        verdict = ReplayPreviewVerdict.Applied;
                        data = decision.Data;
                        break;
                    case Logic.NormalVerdict.InDoubt:
                        // Replay keeps the in-doubt entry's data (it becomes the new recovery's subject) and stops.
                        verdict = ReplayPreviewVerdict.InDoubt;
                        data = decision.Data;
                        stopsAt = position;
                        break;
                    default:
                        verdict = ReplayPreviewVerdict.Rejected;
                        break;
                }
            }

            lines[position] = Line(position, entry, verdict, decision.Reason);
        }

        return new ReplayPreview
        {
            TransactionId = transactionId,
            Mode = state.Mode,
            PendingCount = state.Pending.Count,
            Entries = lines,
            StopsAt = stopsAt,
            ResultingData = data,
        };
    }

    private static ReplayPreviewEntry Line(long position, PendingEntry entry, ReplayPreviewVerdict verdict, string? reason) =>
        new(position, entry.Sequence, entry.Message.MessageId, entry.Message.Type, verdict, reason);
}
