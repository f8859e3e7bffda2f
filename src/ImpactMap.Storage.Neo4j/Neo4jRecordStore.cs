using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// Feature records in Neo4j: one <c>:ImpactMapRecord</c> each (key = collection/graph/id), revision-checked
/// under the record's lock, with a lease in milliseconds of the service's clock.
/// </summary>
public sealed class Neo4jRecordStore(Neo4jDatabase database) : IRecordStore
{
    /// <inheritdoc />
    public async Task<StoredRecord?> GetAsync(string graph, string collection, string id, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.GetRecord, Key(graph, collection, id))], cancellationToken);
        // A record whose creating write is still open has no data yet: it does not exist for readers.
        return results[0].Rows is [var row, ..] && row[1].GetString() is { } data
            ? new StoredRecord(graph, collection, id, row[0].GetInt64(), data)
            : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRecord>> ListAsync(string? graph, string collection, string afterId, int max, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.ListRecords, new Dictionary<string, object?>
        {
            ["graph"] = graph, ["collection"] = collection, ["after"] = afterId, ["max"] = max,
        })], cancellationToken);
        return results[0].Rows.Where(r => r[3].GetString() is not null)
            .Select(r => new StoredRecord(r[0].GetString()!, collection, r[1].GetString()!, r[2].GetInt64(), r[3].GetString()!)).ToList();
    }

    /// <inheritdoc />
    public async Task<long> PutAsync(string graph, string collection, string id, string data, long? expectedRevision, CancellationToken cancellationToken) =>
        await database.InTransactionAsync([new Statement(Cypher.LockRecord, Key(graph, collection, id))], async (transaction, results, token) =>
        {
            var stored = results[0].Rows[0][0].GetInt64();
            StoredValues.CheckVersion($"{graph}/{collection}/{id}", expectedRevision, stored == 0 ? null : stored);
            var parameters = Key(graph, collection, id);
            parameters["revision"] = stored + 1;
            parameters["data"] = data;
            await transaction.CommitAsync([new Statement(Cypher.SaveRecord, parameters)], token);
            return stored + 1;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string graph, string collection, string id, CancellationToken cancellationToken)
    {
        var results = await database.WriteAsync([new Statement(Cypher.DeleteRecord, Key(graph, collection, id))], cancellationToken);
        return results[0].Rows[0][0].GetInt64() > 0;
    }

    /// <inheritdoc />
    public async Task DeleteAllAsync(string graph, CancellationToken cancellationToken) =>
        await database.WriteAsync([new Statement(Cypher.DeleteRecords, new Dictionary<string, object?> { ["graph"] = graph })], cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryLeaseAsync(string graph, string collection, string id, string holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var parameters = Key(graph, collection, id);
        parameters["holder"] = holder;
        parameters["until"] = until.ToUnixTimeMilliseconds();
        parameters["now"] = database.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var results = await database.WriteAsync([new Statement(Cypher.LeaseRecord, parameters)], cancellationToken);
        return results[0].Rows is [var row, ..] && row[0].GetBoolean();
    }

    private static Dictionary<string, object?> Key(string graph, string collection, string id) =>
        new() { ["graph"] = graph, ["collection"] = collection, ["id"] = id };
}
