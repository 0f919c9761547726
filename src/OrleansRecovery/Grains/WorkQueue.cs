namespace OrleansRecovery.Grains;

/// <summary>
/// Runs a grain's state-changing work one item at a time, in arrival order, on the grain's own scheduler (so no locks), while
/// the grain stays reentrant for new arrivals. Consecutive submissions that wait together are handed to the flush delegate as
/// one group (group commit): they are decided in order and covered by one group of writes, and each caller is answered only
/// after that write succeeded.
/// </summary>
internal sealed class WorkQueue
{
    private readonly Queue<object> _items = new();
    private readonly Func<IReadOnlyList<Submission>, Task> _flush;
    private readonly int _maxGroupMessages;
    private bool _running;

    /// <param name="flush">Decides and stores a group of submissions, completing each one's <see cref="Submission.Done"/>.</param>
    /// <param name="maxGroupMessages">Most messages one group may hold (a single larger submission still forms its own group).</param>
    public WorkQueue(Func<IReadOnlyList<Submission>, Task> flush, int maxGroupMessages)
    {
        _flush = flush;
        _maxGroupMessages = maxGroupMessages;
    }

    /// <summary>Queues messages; completes with their answers after the write that covers them.</summary>
    public Task<IReadOnlyList<SubmitResult>> SubmitAsync(IReadOnlyList<TransactionMessage?> messages)
    {
        var submission = new Submission(messages);
        _items.Enqueue(submission);
        Pump();
        return submission.Done.Task;
    }

    /// <summary>Queues work that must see and change the state alone (begin recovery, a replay step, a reload).</summary>
    public Task<T> RunExclusiveAsync<T>(Func<Task<T>> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _items.Enqueue(new Func<Task>(async () =>
        {
            try
            {
                done.SetResult(await action());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }));
        Pump();
        return done.Task;
    }

    private void Pump()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _ = PumpAsync();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (_items.TryPeek(out var next))
            {
                if (next is Func<Task> exclusive)
                {
                    _items.Dequeue();
                    await exclusive();
                    continue;
                }

                var group = new List<Submission>();
                var messages = 0;
                while (_items.TryPeek(out var item) && item is Submission submission
                    && (group.Count == 0 || messages + submission.Messages.Count <= _maxGroupMessages))
                {
                    _items.Dequeue();
                    group.Add(submission);
                    messages += submission.Messages.Count;
                }

                try
                {
                    await _flush(group);
                }
                catch (Exception ex)
                {
                    // The flush failed as a whole: nothing of it was adopted, and every caller in the group learns it.
                    foreach (var submission in group)
                    {
                        submission.Done.TrySetException(ex);
                    }
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}

/// <summary>Messages from one call (or one stream event), waiting for their answers.</summary>
internal sealed class Submission
{
    public Submission(IReadOnlyList<TransactionMessage?> messages) => Messages = messages;

    /// <summary>The messages, in order.</summary>
    public IReadOnlyList<TransactionMessage?> Messages { get; }

    /// <summary>Completed with one answer per message after the covering write, or with the write's error.</summary>
    /// <remarks>
    /// Continuations run synchronously: the caller's continuation is on the same grain, so the grain's scheduler runs it inline
    /// during the flush (it only returns the answer). Running it asynchronously would queue one more work item per call.
    /// </remarks>
    public TaskCompletionSource<IReadOnlyList<SubmitResult>> Done { get; } = new();
}
