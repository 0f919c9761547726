using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace OrleansRecovery.Tests.Unit.Support;

/// <summary>
/// An Azure table in memory with the semantics the batching layout relies on: an entity group transaction is stored all or
/// none, an insert fails over an existing row (409), a replace or delete fails at a stale ETag (412) or a missing row (404), and
/// each stored row gets a new ETag. Queries return every row (the simulations store one transaction).
/// </summary>
internal sealed class SimulatedTableClient : TableClient
{
    private readonly Dictionary<(string Partition, string Row), (TableEntity Entity, string ETag)> _rows = [];
    private long _version;

    /// <summary>Batches refused for a condition.</summary>
    public int Conflicts { get; private set; }

    public override Task<Response<TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<Response<TableItem>>(null!);

    public override AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        List<T> rows;
        lock (_rows)
        {
            rows = [.. _rows.Values.Select(r => (T)(object)Copy(r.Entity, r.ETag))];
        }

        return AsyncPageable<T>.FromPages([Page<T>.FromValues(rows, null, new SimulatedResponse(200, null))]);
    }

    public override Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions,
        CancellationToken cancellationToken = default)
    {
        var actions = transactionActions.ToList();
        lock (_rows)
        {
            for (var i = 0; i < actions.Count; i++)
            {
                if (Refusal(actions[i]) is { } status)
                {
                    Conflicts++;
                    throw new TableTransactionFailedException(new RequestFailedException(status,
                        string.Create(CultureInfo.InvariantCulture, $"{i}:operation refused ({status})"), status == 409 ? "EntityAlreadyExists" : "UpdateConditionNotSatisfied", null));
                }
            }

            var responses = new List<Response>();
            foreach (var action in actions)
            {
                var key = (action.Entity.PartitionKey, action.Entity.RowKey);
                if (action.ActionType == TableTransactionActionType.Delete)
                {
                    _rows.Remove(key);
                    responses.Add(new SimulatedResponse(204, null));
                    continue;
                }

                var eTag = string.Create(CultureInfo.InvariantCulture, $"\"v{++_version}\"");
                _rows[key] = (Copy((TableEntity)action.Entity, null), eTag);
                responses.Add(new SimulatedResponse(204, eTag));
            }

            return Task.FromResult(Response.FromValue<IReadOnlyList<Response>>(responses, new SimulatedResponse(202, null)));
        }
    }

    private int? Refusal(TableTransactionAction action)
    {
        var exists = _rows.TryGetValue((action.Entity.PartitionKey, action.Entity.RowKey), out var stored);
        return action.ActionType switch
        {
            TableTransactionActionType.Add => exists ? 409 : null,
            TableTransactionActionType.UpdateReplace or TableTransactionActionType.Delete =>
                !exists ? 404 : action.ETag.ToString() != stored.ETag ? 412 : null,
            _ => throw new NotSupportedException($"The simulation does not model {action.ActionType}."),
        };
    }

    private static TableEntity Copy(TableEntity entity, string? eTag)
    {
        var copy = new TableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (key, value) in entity)
        {
            if (key is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))
            {
                copy[key] = value is byte[] bytes ? bytes.ToArray() : value;
            }
        }

        if (eTag is not null)
        {
            copy.ETag = new ETag(eTag);
        }

        return copy;
    }

    /// <summary>A response carrying only a status and, for a stored row, its ETag.</summary>
    private sealed class SimulatedResponse(int status, string? eTag) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => string.Empty;

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => eTag is not null && name == "ETag";

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => eTag is null ? [] : [new HttpHeader("ETag", eTag)];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = ContainsHeader(name) ? eTag : null;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = ContainsHeader(name) ? [eTag!] : null;
            return values is not null;
        }
    }
}
