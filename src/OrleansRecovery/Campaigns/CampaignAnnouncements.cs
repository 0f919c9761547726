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

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;
    private readonly List<(Action Published, RecoveryRequested Request)> _pending = [];
    private Task _publishing = Task.CompletedTask;
    private DateTimeOffset _notBefore;

    /// <summary>Creates an empty set; <paramref name="time"/> paces retries.</summary>
    public CampaignAnnouncements(TimeProvider time) => _time = time;

    /// <summary>Requests waiting to be published.</summary>
    public int Pending => _pending.Count;

    /// <summary>Adds a member's request; <paramref name="published"/> runs once it is published.</summary>
    public void Add(RecoveryRequested request, Action published) => _pending.Add((published, request));

    /// <summary>
    /// Starts publishing what is pending, in the background, unless a publication is under way or the last one failed less than a
    /// second ago: each batch through <paramref name="send"/>, then each of its members' callbacks. A batch that fails goes back
    /// to the pending requests, with the rest, for a later call; <paramref name="failed"/> hears why.
    /// </summary>
    public void Publish(Func<IReadOnlyList<RecoveryRequested>, Task> send, Action<Exception> failed)
    {
        if (!_publishing.IsCompleted || _pending.Count == 0 || _time.GetUtcNow() < _notBefore)
        {
            return;
        }

        var work = _pending.ToList();
        _pending.Clear();
        _publishing = RunAsync(work, send, failed);
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

    private async Task RunAsync(List<(Action Published, RecoveryRequested Request)> work, Func<IReadOnlyList<RecoveryRequested>, Task> send,
        Action<Exception> failed)
    {
        var sent = 0;
        foreach (var batch in Batches(work, w => w.Request))
        {
            try
            {
                await send([.. batch.Select(w => w.Request)]);
            }
            catch (Exception ex)
            {
                _pending.AddRange(work.Skip(sent));
                _notBefore = _time.GetUtcNow() + RetryPause;
                failed(ex);
                return;
            }

            sent += batch.Count;
            batch.ForEach(w => w.Published());
        }
    }
}
