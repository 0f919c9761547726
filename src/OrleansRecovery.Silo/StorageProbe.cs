using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace OrleansRecovery.Silo;

/// <summary>
/// Asks the storage account's table and queue endpoints one cheap question each (list one table, list one queue) before the silo
/// starts, within a bounded time and without retries. Orleans' Azure providers retry an unreachable endpoint or a refused key
/// forever, logging a long stack trace every few seconds; this turns both into one line that names the endpoint, the setting and
/// the fix, so the silo can exit instead.
/// </summary>
public static class StorageProbe
{
    /// <summary>How long each endpoint has to answer: a local Azurite answers in milliseconds, a real account well within it.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Probes both endpoints of <paramref name="connectionString"/> concurrently; returns null when both answered, else one line
    /// describing the first failure (the table endpoint's when both failed).
    /// </summary>
    /// <param name="connectionString">An Azure Storage connection string.</param>
    /// <param name="setting">Where the connection string came from, for the message (e.g. <c>ConnectionStrings:storage</c>).</param>
    /// <param name="timeout">Per endpoint; default <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    public static async Task<string?> ProbeAsync(string connectionString, string setting, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var limit = timeout ?? DefaultTimeout;
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        tableOptions.Retry.NetworkTimeout = limit;
        var queueOptions = new QueueClientOptions();
        queueOptions.Retry.MaxRetries = 0;
        queueOptions.Retry.NetworkTimeout = limit;
        TableServiceClient tables;
        QueueServiceClient queues;
        try
        {
            tables = new TableServiceClient(connectionString, tableOptions);
            queues = new QueueServiceClient(connectionString, queueOptions);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // Never echo the connection string itself: it holds the account key.
            return $"{setting} is not a usable Azure Storage connection string: {ex.GetType().Name}: {FirstLine(ex.Message)}";
        }


        var table = ProbeOneAsync("table", tables.Uri, tables.AccountName, setting, limit, async token =>
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: token).AsPages(pageSizeHint: 1))
            {
                break;
            }
        }, cancellationToken);
        var queue = ProbeOneAsync("queue", queues.Uri, queues.AccountName, setting, limit, async token =>
        {
            await foreach (var _ in queues.GetQueuesAsync(cancellationToken: token).AsPages(pageSizeHint: 1))
            {
                break;
            }
        }, cancellationToken);
        return await table ?? await queue;
    }

    private static async Task<string?> ProbeOneAsync(string kind, Uri endpoint, string account, string setting, TimeSpan limit,
        Func<CancellationToken, Task> ask, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            // WaitAsync bounds the probe even if a connect attempt ignores the token.
            await ask(timeout.Token).WaitAsync(limit + TimeSpan.FromSeconds(1), cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            return $"Storage refused the credentials: the {kind} endpoint {endpoint} answered {ex.Status} ({ex.ErrorCode ?? "no error code"}) " +
                $"for account {account}. Check AccountName and AccountKey (or the SAS) in {setting}; Azurite's account is devstoreaccount1 " +
                "with its published key (see silo-config/appsettings.json).";
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            return $"Storage answered but refused the silo: the {kind} endpoint {endpoint} answered {ex.Status} " +
                $"({ex.ErrorCode ?? FirstLine(ex.Message)}) for account {account}. Check the endpoints and account in {setting}.";
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or TimeoutException
                                       or System.Net.Http.HttpRequestException or AggregateException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var why = ex is OperationCanceledException or TimeoutException ? "no answer" : FirstLine(Innermost(ex).Message);
            return string.Create(CultureInfo.InvariantCulture,
                $"Storage unreachable: the {kind} endpoint {endpoint} did not answer within {limit.TotalSeconds:0.#} s ({why}); " +
                $"it comes from {setting}. Is Azurite running? Start it with `npx azurite --silent --inMemoryPersistence` " +
                $"(ports 10000-10002, as silo-config/appsettings.json expects), or point {setting} at a reachable account.");
        }
    }

    private static Exception Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
