using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>First answers to Idempotency-Key requests in Neo4j: one <c>:ImpactMapIdempotency</c> per key, the first one kept wins.</summary>
public sealed class Neo4jIdempotencyStore(Neo4jDatabase database) : IIdempotencyStore
{
    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.FindResponse, new Dictionary<string, object?> { ["key"] = key })], cancellationToken);
        if (results[0].Rows.Count == 0)
        {
            return null;
        }

        var r = results[0].Rows[0];
        return new IdempotentResponse(r[0].GetString()!, r[1].GetInt32(), Neo4jHttp.TextOrNull(r[2]), Neo4jHttp.TextOrNull(r[3]), Neo4jHttp.TextOrNull(r[4]),
            Convert.FromBase64String(r[5].GetString()!));
    }

    /// <inheritdoc />
    public async Task SaveAsync(string key, IdempotentResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await database.WriteAsync([new Statement(Cypher.SaveResponse, new Dictionary<string, object?>
        {
            ["key"] = key,
            ["hash"] = response.RequestHash,
            ["status"] = response.Status,
            ["type"] = response.ContentType,
            ["location"] = response.Location,
            ["etag"] = response.ETag,
            ["body"] = Convert.ToBase64String(response.Body),
            ["at"] = StoredValues.Timestamp(database.Clock.GetUtcNow()),
        })], cancellationToken);
    }
}
