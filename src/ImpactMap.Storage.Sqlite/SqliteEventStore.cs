using ImpactMap.Core.Storage;
using Microsoft.Data.Sqlite;
using static ImpactMap.Storage.Sqlite.SqliteDatabase;

namespace ImpactMap.Storage.Sqlite;

/// <summary>The event feed in the embedded store: one row per event, ids from SQLite's autoincrement, never reused.</summary>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    /// <inheritdoc />
    public async Task<long> AppendAsync(string graph, string type, string data, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null,
            "INSERT INTO events (graph, type, data, at) VALUES ($graph, $type, $data, $at) RETURNING id", cancellationToken,
            ("$graph", graph), ("$type", type), ("$data", data), ("$at", StoredValues.Timestamp(database.Clock.GetUtcNow())));
    }

    /// <summary>Appends events inside a write of another store, in its transaction.</summary>
    internal static async Task AppendAsync(
        SqliteConnection connection, SqliteTransaction transaction, TimeProvider clock, string graph, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO events (graph, type, data, at) VALUES ($graph, $type, $data, $at)", cancellationToken,
                ("$graph", graph), ("$type", e.Type), ("$data", e.Data), ("$at", StoredValues.Timestamp(clock.GetUtcNow())));
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string graph, long afterId, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT id, graph, type, data, at FROM events WHERE graph = $graph AND id > $after ORDER BY id LIMIT $max",
            ("$graph", graph), ("$after", afterId), ("$max", max));
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                StoredValues.ParseTimestamp(reader.GetString(4))));
        }

        return events;
    }

    /// <inheritdoc />
    public async Task DeleteAllAsync(string graph, long? upToId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "DELETE FROM events WHERE graph = $graph AND id <= $upTo", cancellationToken,
            ("$graph", graph), ("$upTo", upToId ?? long.MaxValue));
    }

    /// <inheritdoc />
    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT coalesce(max(id), 0) FROM events", cancellationToken);
    }
}
