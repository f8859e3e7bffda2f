using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>First answers to Idempotency-Key requests in Neo4j: one <c>:ImpactMapIdempotency</c> per key, the first one kept wins until it expires.</summary>
public sealed class Neo4jIdempotencyStore(Neo4jDatabase database) : IIdempotencyStore
{
    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindAsync(string key, DateTimeOffset keptSince, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.FindResponse, new Dictionary<string, object?>
        {
            ["key"] = key, ["since"] = StoredValues.Timestamp(keptSince.ToUniversalTime()),
        })], cancellationToken);
        if (results[0].Rows.Count == 0)
        {
            return null;
        }

        var r = results[0].Rows[0];
        return new IdempotentResponse(r[0].GetString()!, r[1].GetInt32(), Neo4jHttp.TextOrNull(r[2]), Neo4jHttp.TextOrNull(r[3]), Neo4jHttp.TextOrNull(r[4]),
            Convert.FromBase64String(r[5].GetString()!));
    }

    /// <inheritdoc />
    public async Task SaveAsync(string key, IdempotentResponse response, DateTimeOffset keptSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var since = StoredValues.Timestamp(keptSince.ToUniversalTime());
        await database.WriteAsync(
        [
            new Statement(Cypher.ForgetExpiredResponse, new Dictionary<string, object?> { ["key"] = key, ["since"] = since }),
            new Statement(Cypher.SaveResponse, new Dictionary<string, object?>
            {
                ["key"] = key,
                ["hash"] = response.RequestHash,
                ["status"] = response.Status,
                ["type"] = response.ContentType,
                ["location"] = response.Location,
                ["etag"] = response.ETag,
                ["body"] = Convert.ToBase64String(response.Body),
                ["at"] = StoredValues.Timestamp(database.Clock.GetUtcNow()),
            }),
        ], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> ForgetBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var results = await database.WriteAsync([new Statement(Cypher.ForgetResponsesBefore, new Dictionary<string, object?>
        {
            ["before"] = StoredValues.Timestamp(before.ToUniversalTime()), ["batch"] = IIdempotencyStore.ForgetBatch,
        })], cancellationToken);
        return results[0].Rows[0][0].GetInt32();
    }
}
