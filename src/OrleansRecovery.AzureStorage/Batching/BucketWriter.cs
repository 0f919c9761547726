using Azure;
using Azure.Data.Tables;
using Orleans.Storage;

namespace OrleansRecovery.Batching;

/// <summary>
/// Sends the record writes of one silo's transactions to the batching table, one entity group transaction per bucket at a
/// time (group commit): a write arriving at an idle bucket is sent at once, and the writes arriving while a bucket's batch is in
/// flight form its next batch. Each operation keeps its own condition (insert, replace at an ETag, delete at an ETag), and each
/// caller is answered only after the batch holding its write succeeded.
/// </summary>
/// <remarks>
/// Failures are answered as a single write's would be. Azure refusing one operation (a stale ETag, a record it will not take)
/// stores nothing of that batch: the write holding it fails and the others are sent again without it. A batch whose answer was
/// lost (timeout, transport error) may or may not be stored: every write in it fails, as a single write whose answer was lost
/// does; each transaction then reloads what storage holds, and a retried message is answered Duplicate.
/// </remarks>
internal sealed class BucketWriter
{
    private readonly TableClient _table;
    private readonly int _maxOperations;
    private readonly int _maxBytes;
    private readonly TimeSpan _delay;
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public BucketWriter(TableClient table, int maxOperations, int maxBytes, TimeSpan delay)
    {
        _table = table;
        _maxOperations = maxOperations;
        _maxBytes = maxBytes;
        _delay = delay;
    }

    /// <summary>Entity group transactions sent (each one storage request), resent parts included.</summary>
    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    private long _batchesSent;

    /// <summary>Queues <paramref name="write"/> in <paramref name="partitionKey"/>'s bucket; completes once it is stored.</summary>
    public Task<IReadOnlyList<ETag?>> WriteAsync(string partitionKey, RecordWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Bucket bucket;
        bool start;
        lock (_buckets)
        {
            if (!_buckets.TryGetValue(partitionKey, out bucket!))
            {
                bucket = new Bucket(partitionKey);
                _buckets.Add(partitionKey, bucket);
            }

            bucket.Waiting.Add(write);
            start = !bucket.Flushing;
            bucket.Flushing = true;
        }

        if (start)
        {
            _ = Task.Run(() => FlushAsync(bucket));
        }

        return write.Completion;
    }

    private async Task FlushAsync(Bucket bucket)
    {
        try
        {
            await FlushWaitingAsync(bucket).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not expected (sending answers every write itself); but a bucket left "flushing" would hang every later write, so
            // whatever waits is failed and the bucket is idle again.
            List<RecordWrite> stranded;
            lock (_buckets)
            {
                stranded = bucket.Waiting;
                bucket.Waiting = [];
                bucket.Flushing = false;
            }

            foreach (var write in stranded)
            {
                write.Fail(ex);
            }
        }
    }

    private async Task FlushWaitingAsync(Bucket bucket)
    {
        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay).ConfigureAwait(false);
        }

        while (true)
        {
            List<RecordWrite> waiting;
            lock (_buckets)
            {
                if (bucket.Waiting.Count == 0)
                {
                    bucket.Flushing = false;
                    return;
                }

                waiting = bucket.Waiting;
                bucket.Waiting = [];
            }

            var (batches, deferred) = BatchPlan.Cut(waiting, _maxOperations, _maxBytes);
            if (deferred.Count > 0)
            {
                lock (_buckets)
                {
                    bucket.Waiting.InsertRange(0, deferred);
                }
            }

            await Task.WhenAll(batches.Select(batch => SendAsync(bucket.PartitionKey, batch))).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one planned batch and answers its writes; never throws.</summary>
    private async Task SendAsync(string partitionKey, List<RecordWrite> batch)
    {
        if (batch.Count == 1 && BatchPlan.IsOversized(batch[0], _maxOperations, _maxBytes))
        {
            await SendOneByOneAsync(batch[0]).ConfigureAwait(false);
            return;
        }

        while (batch.Count > 0)
        {
            try
            {
                Interlocked.Increment(ref _batchesSent);
                var responses = await _table.SubmitTransactionAsync(batch.SelectMany(w => w.Actions)).ConfigureAwait(false);
                var at = 0;
                foreach (var write in batch)
                {
                    var eTags = new ETag?[write.Actions.Count];
                    for (var i = 0; i < eTags.Length; i++, at++)
                    {
                        eTags[i] = responses.Value[at].Headers.ETag;
                    }

                    write.Succeed(eTags);
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is int index && index < batch.Sum(w => w.Actions.Count))
            {
                // Azure refused one operation and stored none: only the write holding it fails.
                var (failed, others) = BatchPlan.SplitAt(batch, index);
                failed.Fail(Refused(ex, partitionKey));
                batch = others;
            }
            catch (TableTransactionFailedException ex) when (batch.Count > 1 && ex.Status is >= 400 and < 500)
            {
                // Refused without naming the operation: nothing was stored, so halves are sent on their own until the write
                // that is refused stands alone.
                var half = batch.Count / 2;
                await Task.WhenAll(SendAsync(partitionKey, batch[..half]), SendAsync(partitionKey, batch[half..])).ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (batch.Count == 1 && ex.Status is >= 400 and < 500)
            {
                batch[0].Fail(Refused(ex, partitionKey));
                return;
            }
            catch (Exception ex)
            {
                // The answer was lost (or the service failed): the batch may be stored or not. Every write in it fails.
                foreach (var write in batch)
                {
                    write.Fail(ex);
                }

                return;
            }
        }
    }

    /// <summary>A write too large for one batch: its operations in order, each alone; the first failure fails the write.</summary>
    private async Task SendOneByOneAsync(RecordWrite write)
    {
        var eTags = new ETag?[write.Actions.Count];
        try
        {
            for (var i = 0; i < write.Actions.Count; i++)
            {
                Interlocked.Increment(ref _batchesSent);
                var responses = await _table.SubmitTransactionAsync([write.Actions[i]]).ConfigureAwait(false);
                eTags[i] = responses.Value[0].Headers.ETag;
            }

            write.Succeed(eTags);
        }
        catch (Exception ex)
        {
            write.Fail(ex is TableTransactionFailedException refused ? Refused(refused, write.Owner) : ex);
        }
    }

    /// <summary>
    /// A refused operation as Orleans' grain storage reports one: a stale or missing ETag (409, 412, 404) is an
    /// <see cref="InconsistentStateException"/>; anything else keeps Azure's error.
    /// </summary>
    private static Exception Refused(TableTransactionFailedException ex, string where) =>
        ex.Status is 409 or 412 or 404
            ? new InconsistentStateException($"A transaction record in {where} changed since it was read (HTTP {ex.Status}, {ex.ErrorCode}); reload and retry.", ex)
            : ex;

    private sealed class Bucket(string partitionKey)
    {
        public string PartitionKey { get; } = partitionKey;

        public List<RecordWrite> Waiting { get; set; } = [];

        public bool Flushing { get; set; }
    }
}
