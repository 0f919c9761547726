using System.Text;

namespace OrleansRecovery.Campaigns;

/// <summary>
/// The <see cref="RecoveryRequested"/> events of members a campaign has put into recovery, not yet published. They go out many
/// to a queue message on the campaign's stream (<see cref="TransactionStreams.RecoveryRequestsNamespace"/>, keyed by the campaign
/// id) rather than one message per member: a queue message — one storage request to send, one to delete — per 64 members instead of
/// per member. A member counts as finished, and the campaign's stored cursor may pass it, only once its request is published, so a
/// crash loses no announcement: the resumed campaign calls the member again and it answers with its recovery.
/// </summary>
internal sealed class CampaignAnnouncements
{
    /// <summary>Most bytes of text in one batch: well under an Azure queue message's 64 KiB once serialized and base64-encoded.</summary>
    internal const int MaxBatchBytes = 24 * 1024;

    /// <summary>
    /// Most batches being sent at once. Only the first may be partial (sent as soon as nothing else is under way, so a quiet
    /// campaign announces at once); further ones are sent only when full, so a busy campaign keeps its batches large while one
    /// slow queue write no longer holds every other member back.
    /// </summary>
    internal const int MaxConcurrentBatches = 4;

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;
    private readonly List<(Action Published, RecoveryRequested Request)> _pending = [];
    private int _sending;
    private DateTimeOffset _notBefore;

    /// <summary>Creates an empty set; <paramref name="time"/> paces retries.</summary>
    public CampaignAnnouncements(TimeProvider time) => _time = time;

    /// <summary>Requests waiting to be published.</summary>
    public int Pending => _pending.Count;

    /// <summary>Batches being sent now.</summary>
    public int Sending => _sending;

    /// <summary>Adds a member's request; <paramref name="published"/> runs once it is published.</summary>
    public void Add(RecoveryRequested request, Action published) => _pending.Add((published, request));

    /// <summary>
    /// Starts sending what is pending, in the background, unless the last send failed less than a second ago: a batch through
    /// <paramref name="send"/> when nothing is being sent, and further full batches while fewer than
    /// <see cref="MaxConcurrentBatches"/> are under way; once a batch is sent its members' callbacks run. A batch that fails goes
    /// back to the pending requests for a later call; <paramref name="failed"/> hears why. Call it from one thread at a time (the
    /// campaign grain's turns).
    /// </summary>
    public void Publish(Func<IReadOnlyList<RecoveryRequested>, Task> send, Action<Exception> failed)
    {
        while (_pending.Count > 0 && _sending < MaxConcurrentBatches && _time.GetUtcNow() >= _notBefore)
        {
            var batch = Batches(_pending, w => w.Request).First();
            // Full: cut short by the count or byte limit because more requests wait behind it.
            var full = batch.Count < _pending.Count || batch.Count >= TransactionStreams.CampaignAnnouncementBatch;
            if (_sending > 0 && !full)
            {
                return;
            }

            _pending.RemoveRange(0, batch.Count);
            _sending++;
            _ = SendAsync(batch, send, failed);
        }
    }

    /// <summary>Splits <paramref name="requests"/> into batches of at most <see cref="TransactionStreams.CampaignAnnouncementBatch"/> and <see cref="MaxBatchBytes"/>.</summary>
    internal static IEnumerable<List<T>> Batches<T>(IReadOnlyList<T> requests, Func<T, RecoveryRequested> request)
    {
        var batch = new List<T>();
        var bytes = 0;
        foreach (var item in requests)
        {
            var size = SizeOf(request(item));
            if (batch.Count > 0 && (batch.Count == TransactionStreams.CampaignAnnouncementBatch || bytes + size > MaxBatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(item);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static int SizeOf(RecoveryRequested r) => 64 + Encoding.UTF8.GetByteCount(r.TransactionId) + Encoding.UTF8.GetByteCount(r.RecoveryId)
        + Encoding.UTF8.GetByteCount(r.Reason) + Encoding.UTF8.GetByteCount(r.Scope ?? string.Empty)
        + Encoding.UTF8.GetByteCount(r.CampaignId ?? string.Empty);

    private async Task SendAsync(List<(Action Published, RecoveryRequested Request)> batch, Func<IReadOnlyList<RecoveryRequested>, Task> send,
        Action<Exception> failed)
    {
        try
        {
            await send([.. batch.Select(w => w.Request)]);
        }
        catch (Exception ex)
        {
            _pending.InsertRange(0, batch);
            _notBefore = _time.GetUtcNow() + RetryPause;
            failed(ex);
            return;
        }
        finally
        {
            _sending--;
        }

        batch.ForEach(w => w.Published());
    }
}
