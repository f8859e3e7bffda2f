using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>The event feed in Neo4j: one <c>:ImpactMapEvent</c> per event, ids from the second sequence node, never reused.</summary>
public sealed class Neo4jEventStore(Neo4jDatabase database) : IEventStore
{
    /// <inheritdoc />
    public async Task<long> AppendAsync(string graph, string type, string data, CancellationToken cancellationToken)
    {
        var results = await database.WriteAsync([new Statement(Cypher.AppendEvent, new Dictionary<string, object?>
        {
            ["graph"] = graph,
            ["type"] = type,
            ["data"] = data,
            ["at"] = StoredValues.Timestamp(database.Clock.GetUtcNow()),
        })], cancellationToken);
        return results[0].Rows[0][0].GetInt64();
    }

    /// <summary>The statements that append events inside another store's write, in its transaction.</summary>
    internal static IEnumerable<Statement> Appends(Neo4jDatabase database, string graph, IReadOnlyList<NewEvent> events) =>
        events.Select(e => new Statement(Cypher.AppendEvent, new Dictionary<string, object?>
        {
            ["graph"] = graph, ["type"] = e.Type, ["data"] = e.Data, ["at"] = StoredValues.Timestamp(database.Clock.GetUtcNow()),
        }));

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string graph, long afterId, int max, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.ReadEvents,
            new Dictionary<string, object?> { ["graph"] = graph, ["after"] = afterId, ["max"] = max })], cancellationToken);
        return results[0].Rows.Select(r => new StoredEvent(r[0].GetInt64(), r[1].GetString()!, r[2].GetString()!, r[3].GetString()!,
            StoredValues.ParseTimestamp(r[4].GetString()!))).ToList();
    }

    /// <inheritdoc />
    public async Task DeleteAllAsync(string graph, long? upToId, CancellationToken cancellationToken) =>
        await database.WriteAsync([new Statement(Cypher.DeleteEvents,
            new Dictionary<string, object?> { ["graph"] = graph, ["upTo"] = upToId ?? long.MaxValue })], cancellationToken);

    /// <inheritdoc />
    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.LastEventId)], cancellationToken);
        return results[0].Rows.Count == 0 ? 0 : results[0].Rows[0][0].GetInt64();
    }
}
