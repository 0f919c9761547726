using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansRecovery.Diagnostics;

/// <summary>The instruments of recovery scopes and campaigns (names in <see cref="RecoveryInstruments"/>).</summary>
internal sealed class CampaignMetrics
{
    private readonly ConcurrentDictionary<string, CampaignProgress> _latest = new(StringComparer.Ordinal);
    private readonly Counter<long> _scopesOpened;
    private readonly Counter<long> _entered;

    public CampaignMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(RecoveryInstruments.MeterName);
        _scopesOpened = meter.CreateCounter<long>(RecoveryInstruments.ScopesOpened, "{scope}", "Recovery scopes opened.");
        _entered = meter.CreateCounter<long>(RecoveryInstruments.CampaignEntered, "{transaction}",
            "Transactions put into recovery by campaigns.");
        meter.CreateObservableGauge(RecoveryInstruments.CampaignMembers, Observe, "{transaction}",
            "Members of each campaign by state, as last computed on this silo.");
    }

    public void ScopeOpened() => _scopesOpened.Add(1);

    public void Entered(long count) => _entered.Add(count);

    /// <summary>Keeps <paramref name="progress"/> as the campaign's latest, for the gauge; a done campaign is reported once more, then dropped.</summary>
    public void Report(CampaignProgress progress) => _latest[progress.CampaignId] = progress;

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (campaign, p) in _latest)
        {
            var tag = new KeyValuePair<string, object?>("campaign", campaign);
            yield return Measure(p.Members, tag, "members");
            yield return Measure(p.Entered, tag, "entered");
            yield return Measure(p.Recovering, tag, "recovering");
            yield return Measure(p.Stuck, tag, "stuck");
            yield return Measure(p.Faulted, tag, "faulted");
            yield return Measure(p.Replaying, tag, "replaying");
            yield return Measure(p.BackToNormal, tag, "back_to_normal");
            if (p.State == CampaignState.Done)
            {
                _latest.TryRemove(campaign, out _);
            }
        }
    }

    private static Measurement<long> Measure(long value, KeyValuePair<string, object?> campaign, string state) =>
        new(value, campaign, new KeyValuePair<string, object?>("state", state));
}
