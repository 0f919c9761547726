using Microsoft.Extensions.Logging;

namespace OrleansRecovery.Diagnostics;

/// <summary>Log messages of recovery scopes and campaigns (event ids 5xxx).</summary>
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Warning, "Recovery scope {Scope} opened (campaign {CampaignId}): {Reason}")]
    public static partial void ScopeOpened(ILogger logger, string scope, string campaignId, string reason);

    [LoggerMessage(5002, LogLevel.Warning, "Recovery scope {Scope} closed (campaign {CampaignId}); its members complete one by one")]
    public static partial void ScopeClosed(ILogger logger, string scope, string? campaignId);

    [LoggerMessage(5003, LogLevel.Warning, "Recovery scope {Scope} could not be read; its transactions park until it is: {Error}")]
    public static partial void ScopeReadFailed(ILogger logger, string scope, string error);

    [LoggerMessage(5010, LogLevel.Information, "Recovery campaign {CampaignId} created: {Reason}")]
    public static partial void CampaignCreated(ILogger logger, string campaignId, string reason);

    [LoggerMessage(5011, LogLevel.Warning, "Recovery campaign {CampaignId} started: putting {Members} transactions into recovery")]
    public static partial void CampaignStarted(ILogger logger, string campaignId, long members);

    [LoggerMessage(5012, LogLevel.Information, "Recovery campaign {CampaignId}: every member entered recovery ({Members}; {Faulted} faulted, {Failed} failed)")]
    public static partial void CampaignEntered(ILogger logger, string campaignId, long members, long faulted, long failed);

    [LoggerMessage(5013, LogLevel.Warning, "Recovery campaign {CampaignId} done: every member is back to Normal")]
    public static partial void CampaignDone(ILogger logger, string campaignId);

    [LoggerMessage(5014, LogLevel.Error, "Recovery campaign {CampaignId}: transaction {TransactionId} could not be reached for {Duration}; counted as failed and passed over: {Error}")]
    public static partial void CampaignMemberFailed(ILogger logger, string campaignId, string transactionId, TimeSpan duration, string error);

    [LoggerMessage(5015, LogLevel.Warning, "Recovery campaign {CampaignId} step failed; retried: {Error}")]
    public static partial void CampaignStepFailed(ILogger logger, string campaignId, string error);

    [LoggerMessage(5016, LogLevel.Information, "Recovery campaign {CampaignId}: bulk completion with recovery message type {Type} requested")]
    public static partial void CampaignCompletionRequested(ILogger logger, string campaignId, string type);

    [LoggerMessage(5017, LogLevel.Warning, "Recovery campaign {CampaignId}: publishing its members' recovery requests on stream provider {Provider} failed; retried, and the cursor waits for them")]
    public static partial void CampaignAnnounceFailed(ILogger logger, Exception exception, string campaignId, string provider);
}
