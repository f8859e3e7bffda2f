using ImpactMap.Core.Storage;
using static ImpactMap.Storage.Sqlite.SqliteDatabase;

namespace ImpactMap.Storage.Sqlite;

/// <summary>First answers to Idempotency-Key requests in the embedded store: the first one kept wins until it expires.</summary>
public sealed class SqliteIdempotencyStore(SqliteDatabase database) : IIdempotencyStore
{
    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindAsync(string key, DateTimeOffset keptSince, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT request_hash, status, content_type, location, etag, body FROM idempotency WHERE key = $key AND at >= $since",
            ("$key", key), ("$since", StoredValues.Timestamp(keptSince.ToUniversalTime())));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new IdempotentResponse(reader.GetString(0), reader.GetInt32(1), TextOrNull(reader, 2), TextOrNull(reader, 3), TextOrNull(reader, 4),
                (byte[])reader.GetValue(5))
            : null;
    }

    /// <inheritdoc />
    public async Task SaveAsync(string key, IdempotentResponse response, DateTimeOffset keptSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            DELETE FROM idempotency WHERE key = $key AND at < $since;
            INSERT OR IGNORE INTO idempotency (key, request_hash, status, content_type, location, etag, body, at)
            VALUES ($key, $hash, $status, $type, $location, $etag, $body, $at)
            """, cancellationToken, ("$key", key), ("$since", StoredValues.Timestamp(keptSince.ToUniversalTime())), ("$hash", response.RequestHash),
            ("$status", response.Status), ("$type", OrNull(response.ContentType)), ("$location", OrNull(response.Location)), ("$etag", OrNull(response.ETag)),
            ("$body", response.Body), ("$at", StoredValues.Timestamp(database.Clock.GetUtcNow())));
    }

    /// <inheritdoc />
    public async Task<int> ForgetBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE at < $before LIMIT $batch)",
            ("$before", StoredValues.Timestamp(before.ToUniversalTime())), ("$batch", IIdempotencyStore.ForgetBatch));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
