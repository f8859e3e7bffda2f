using ImpactMap.Core.Storage;
using static ImpactMap.Storage.Sqlite.SqliteDatabase;

namespace ImpactMap.Storage.Sqlite;

/// <summary>Feature records in the embedded store: one row each, revision-checked, with a lease in milliseconds of the store's clock.</summary>
public sealed class SqliteRecordStore(SqliteDatabase database) : IRecordStore
{
    /// <inheritdoc />
    public async Task<StoredRecord?> GetAsync(string graph, string collection, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT revision, data FROM records WHERE collection = $collection AND graph = $graph AND id = $id",
            ("$collection", collection), ("$graph", graph), ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredRecord(graph, collection, id, reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRecord>> ListAsync(string? graph, string collection, string afterId, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, graph is null
                ? "SELECT graph, id, revision, data FROM records WHERE collection = $collection AND id > $after ORDER BY id, graph LIMIT $max"
                : "SELECT graph, id, revision, data FROM records WHERE collection = $collection AND graph = $graph AND id > $after ORDER BY id LIMIT $max",
            ("$collection", collection), ("$graph", graph ?? ""), ("$after", afterId), ("$max", max));
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new StoredRecord(reader.GetString(0), collection, reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<long> PutAsync(string graph, string collection, string id, string data, long? expectedRevision, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var read = Command(connection, transaction,
            "SELECT revision FROM records WHERE collection = $collection AND graph = $graph AND id = $id",
            ("$collection", collection), ("$graph", graph), ("$id", id));
        var current = await read.ExecuteScalarAsync(cancellationToken) as long?;
        StoredValues.CheckVersion($"{graph}/{collection}/{id}", expectedRevision, current);
        var revision = (current ?? 0) + 1;
        await ExecuteAsync(connection, transaction, """
            INSERT INTO records (graph, collection, id, revision, data) VALUES ($graph, $collection, $id, $revision, $data)
            ON CONFLICT (collection, graph, id) DO UPDATE SET revision = excluded.revision, data = excluded.data
            """, cancellationToken, ("$graph", graph), ("$collection", collection), ("$id", id), ("$revision", revision), ("$data", data));
        await transaction.CommitAsync(cancellationToken);
        return revision;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string graph, string collection, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "DELETE FROM records WHERE collection = $collection AND graph = $graph AND id = $id",
            ("$collection", collection), ("$graph", graph), ("$id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc />
    public async Task DeleteAllAsync(string graph, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "DELETE FROM records WHERE graph = $graph", cancellationToken, ("$graph", graph));
    }

    /// <inheritdoc />
    public async Task<bool> TryLeaseAsync(string graph, string collection, string id, string holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE records SET lease_holder = $holder, lease_until = $until
            WHERE collection = $collection AND graph = $graph AND id = $id
              AND (lease_holder IS NULL OR lease_holder = $holder OR lease_until < $now)
            """, ("$collection", collection), ("$graph", graph), ("$id", id), ("$holder", holder),
            ("$until", until.ToUnixTimeMilliseconds()), ("$now", database.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
