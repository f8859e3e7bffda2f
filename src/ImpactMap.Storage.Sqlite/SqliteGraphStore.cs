using System.Text.Json;
using System.Globalization;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ImpactMap.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a write is on disk before its
/// task completes, and every write is one transaction, so a failed or killed write leaves nothing half done.
/// </summary>
public sealed class SqliteGraphStore : IGraphStore, IIncidentStore, IIdempotencyStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last_version INTEGER NOT NULL);
        INSERT OR IGNORE INTO sequence (id, last_version) VALUES (1, 0);
        CREATE TABLE IF NOT EXISTS graphs (
            name TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            next_position INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS nodes (
            graph TEXT NOT NULL,
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            attributes TEXT,
            groups TEXT,
            PRIMARY KEY (graph, id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS dependencies (
            graph TEXT NOT NULL,
            from_id TEXT NOT NULL,
            to_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            group_name TEXT,
            effect TEXT NOT NULL,
            tolerance_seconds INTEGER NOT NULL,
            PRIMARY KEY (graph, from_id, to_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS incidents (
            graph TEXT NOT NULL,
            id TEXT NOT NULL,
            status TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            revision INTEGER NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (graph, id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            graph TEXT NOT NULL,
            type TEXT NOT NULL,
            data TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_graph ON events (graph, id);
        CREATE TABLE IF NOT EXISTS idempotency (
            key TEXT PRIMARY KEY,
            request_hash TEXT NOT NULL,
            status INTEGER NOT NULL,
            content_type TEXT,
            location TEXT,
            etag TEXT,
            body BLOB NOT NULL,
            at TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    /// <summary>A store in <paramref name="file"/>, created when missing.</summary>
    public SqliteGraphStore(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, Schema, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT g.name, g.version,
                   (SELECT count(*) FROM nodes n WHERE n.graph = g.name),
                   (SELECT count(*) FROM dependencies d WHERE d.graph = g.name)
            FROM graphs g ORDER BY g.name
            """;
        var graphs = new List<GraphSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            graphs.Add(new GraphSummary(reader.GetString(0), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(1)));
        }

        return graphs;
    }

    /// <inheritdoc />
    public async Task<long?> GetVersionAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await VersionOfAsync(connection, null, name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredGraph?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One read transaction, so nodes, dependencies and version belong to the same moment.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var version = await VersionOfAsync(connection, transaction, name, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var nodes = new List<Node>();
        await using (var command = Command(connection, transaction,
            "SELECT id, name, kind, attributes, groups FROM nodes WHERE graph = $graph ORDER BY position", ("$graph", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(new Node(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    ReadMap<string>(reader, 3), ReadMap<int>(reader, 4)));
            }
        }

        var dependencies = new List<Dependency>();
        await using (var command = Command(connection, transaction,
            "SELECT from_id, to_id, group_name, effect, tolerance_seconds FROM dependencies WHERE graph = $graph ORDER BY position",
            ("$graph", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                NodeStates.TryParse(reader.GetString(3), out var effect);
                dependencies.Add(new Dependency(reader.GetString(0), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), effect, TimeSpan.FromSeconds(reader.GetInt64(4))));
            }
        }

        return new StoredGraph(name, DependencyGraph.Create(nodes, dependencies), version.Value);
    }

    /// <inheritdoc />
    public async Task<ReplaceResult> ReplaceAsync(string name, DependencyGraph graph, long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var current = await VersionOfAsync(connection, transaction, name, cancellationToken);
        CheckVersion(name, expectedVersion, current);
        await DeleteContentAsync(connection, transaction, name, cancellationToken);

        await using (var insert = NodeCommand(connection, transaction, InsertNode, name))
        {
            insert.Prepare();
            for (var i = 0; i < graph.Nodes.Count; i++)
            {
                BindNode(insert, graph.Nodes[i], i);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insert = DependencyCommand(connection, transaction, name))
        {
            insert.Prepare();
            for (var i = 0; i < graph.Dependencies.Count; i++)
            {
                BindDependency(insert, graph.Dependencies[i], i);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var version = await NextVersionAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "INSERT INTO graphs (name, version, next_position) VALUES ($name, $version, $next) ON CONFLICT (name) DO UPDATE SET version = $version, next_position = $next",
            cancellationToken, ("$name", name), ("$version", version), ("$next", Math.Max(graph.Nodes.Count, graph.Dependencies.Count)));
        await transaction.CommitAsync(cancellationToken);
        return new ReplaceResult(version, current is null);
    }

    /// <inheritdoc />
    public async Task<long> ApplyAsync(string name, GraphChange change, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        CheckVersion(name, expectedVersion, await VersionOfAsync(connection, transaction, name, cancellationToken));
        var position = await ScalarAsync(connection, transaction,
            "UPDATE graphs SET next_position = next_position + 1 WHERE name = $graph RETURNING next_position", cancellationToken, ("$graph", name));
        switch (change)
        {
            case GraphChange.PutNode put:
                await using (var upsert = NodeCommand(connection, transaction,
                    InsertNode + " ON CONFLICT (graph, id) DO UPDATE SET name = $name, kind = $kind, attributes = $attributes, groups = $groups", name))
                {
                    BindNode(upsert, put.Node, position);
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }

                break;
            case GraphChange.RemoveNode remove:
                await ExecuteAsync(connection, transaction,
                    "DELETE FROM dependencies WHERE graph = $graph AND (from_id = $id OR to_id = $id); DELETE FROM nodes WHERE graph = $graph AND id = $id",
                    cancellationToken, ("$graph", name), ("$id", remove.Id));
                break;
            case GraphChange.AddDependency add:
                await using (var insert = DependencyCommand(connection, transaction, name))
                {
                    BindDependency(insert, add.Dependency, position);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                break;
            case GraphChange.RemoveDependency remove:
                await ExecuteAsync(connection, transaction,
                    "DELETE FROM dependencies WHERE graph = $graph AND from_id = $from AND to_id = $to",
                    cancellationToken, ("$graph", name), ("$from", remove.From), ("$to", remove.To));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name);
        }

        var version = await NextVersionAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, "UPDATE graphs SET version = $version WHERE name = $graph",
            cancellationToken, ("$graph", name), ("$version", version));
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, long? expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var current = await VersionOfAsync(connection, transaction, name, cancellationToken);
        if (current is null)
        {
            return false;
        }

        CheckVersion(name, expectedVersion, current);
        await DeleteContentAsync(connection, transaction, name, cancellationToken);
        await ExecuteAsync(connection, transaction, "DELETE FROM graphs WHERE name = $graph", cancellationToken, ("$graph", name));
        await NextVersionAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ScalarAsync(connection, null, "SELECT last_version FROM sequence", cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task CreateAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO incidents (graph, id, status, opened_at, revision, document) VALUES ($graph, $id, $status, $opened, $revision, $document)",
            cancellationToken, ("$graph", incident.Graph), ("$id", incident.Id), ("$status", incident.Status.ToWire()),
            ("$opened", incident.OpenedAt.ToString("O", CultureInfo.InvariantCulture)), ("$revision", incident.Revision), ("$document", IncidentJson.Write(incident)));
    }

    /// <inheritdoc />
    public async Task<Incident?> GetIncidentAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT document FROM incidents WHERE graph = $graph AND id = $id", ("$graph", graph), ("$id", id));
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? IncidentJson.Read(json) : null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Incident>> ListIncidentsAsync(string graph, IncidentStatus? status, CancellationToken cancellationToken) =>
        ReadIncidentsAsync(
            status is null
                ? "SELECT document FROM incidents WHERE graph = $graph ORDER BY opened_at DESC, id"
                : "SELECT document FROM incidents WHERE graph = $graph AND status = $status ORDER BY opened_at DESC, id",
            cancellationToken, ("$graph", graph), ("$status", status?.ToWire() ?? ""));

    /// <inheritdoc />
    public Task<IReadOnlyList<Incident>> ListOpenIncidentsAsync(CancellationToken cancellationToken) =>
        ReadIncidentsAsync("SELECT document FROM incidents WHERE status <> 'closed' ORDER BY graph, opened_at DESC, id", cancellationToken);

    /// <inheritdoc />
    public async Task SaveAsync(Incident incident, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "UPDATE incidents SET status = $status, revision = $revision, document = $document WHERE graph = $graph AND id = $id AND revision = $expected",
            ("$graph", incident.Graph), ("$id", incident.Id), ("$status", incident.Status.ToWire()), ("$revision", incident.Revision),
            ("$document", IncidentJson.Write(incident)), ("$expected", expectedRevision));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new VersionConflictException($"{incident.Graph}/{incident.Id}", expectedRevision, null);
        }
    }

    /// <inheritdoc />
    public async Task<long> AppendEventAsync(string graph, string type, string data, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null,
            "INSERT INTO events (graph, type, data, at) VALUES ($graph, $type, $data, $at) RETURNING id", cancellationToken,
            ("$graph", graph), ("$type", type), ("$data", data), ("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string graph, long afterId, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT id, graph, type, data, at FROM events WHERE graph = $graph AND id > $after ORDER BY id LIMIT $max",
            ("$graph", graph), ("$after", afterId), ("$max", max));
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        }

        return events;
    }

    /// <inheritdoc />
    public async Task<long> LastEventIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT coalesce(max(id), 0) FROM events");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindResponseAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT request_hash, status, content_type, location, etag, body FROM idempotency WHERE key = $key", ("$key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new IdempotentResponse(reader.GetString(0), reader.GetInt32(1), Text(reader, 2), Text(reader, 3), Text(reader, 4), (byte[])reader.GetValue(5))
            : null;

        static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
    }

    /// <inheritdoc />
    public async Task SaveResponseAsync(string key, IdempotentResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            INSERT OR IGNORE INTO idempotency (key, request_hash, status, content_type, location, etag, body, at)
            VALUES ($key, $hash, $status, $type, $location, $etag, $body, $at)
            """, cancellationToken, ("$key", key), ("$hash", response.RequestHash), ("$status", response.Status),
            ("$type", (object?)response.ContentType ?? DBNull.Value), ("$location", (object?)response.Location ?? DBNull.Value),
            ("$etag", (object?)response.ETag ?? DBNull.Value), ("$body", response.Body),
            ("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
    }

    private async Task<IReadOnlyList<Incident>> ReadIncidentsAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        var incidents = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(IncidentJson.Read(reader.GetString(0)));
        }

        return incidents;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // FULL: the WAL is synced at every commit, so an acknowledged write survives a crash or power loss.
        await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL", cancellationToken);
        return connection;
    }

    /// <summary>BEGIN IMMEDIATE: take the write lock first, so two writers cannot both pass the version check.</summary>
    private static Task<SqliteTransaction> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(connection.BeginTransaction(deferred: false));
    }

    private static void CheckVersion(string name, long? expected, long? current)
    {
        if (expected is not null && expected != (current ?? 0))
        {
            throw new VersionConflictException(name, expected, current);
        }
    }

    private static async Task<long> NextVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, "UPDATE sequence SET last_version = last_version + 1 RETURNING last_version", cancellationToken);

    private static async Task<long?> VersionOfAsync(SqliteConnection connection, SqliteTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT version FROM graphs WHERE name = $graph", ("$graph", name));
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    private static Task DeleteContentAsync(SqliteConnection connection, SqliteTransaction transaction, string name, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "DELETE FROM dependencies WHERE graph = $graph; DELETE FROM nodes WHERE graph = $graph",
            cancellationToken, ("$graph", name));

    private const string InsertNode =
        "INSERT INTO nodes (graph, id, position, name, kind, attributes, groups) VALUES ($graph, $id, $position, $name, $kind, $attributes, $groups)";

    /// <summary>A node insert (or upsert) with its parameters in place, for <see cref="BindNode"/> to fill.</summary>
    private static SqliteCommand NodeCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, string graph) =>
        Command(connection, transaction, sql,
            ("$graph", graph), ("$id", ""), ("$position", 0), ("$name", ""), ("$kind", ""), ("$attributes", DBNull.Value), ("$groups", DBNull.Value));

    /// <summary>A dependency insert with its parameters in place, for <see cref="BindDependency"/> to fill.</summary>
    private static SqliteCommand DependencyCommand(SqliteConnection connection, SqliteTransaction transaction, string graph) =>
        Command(connection, transaction,
            "INSERT INTO dependencies (graph, from_id, to_id, position, group_name, effect, tolerance_seconds) VALUES ($graph, $from, $to, $position, $group, $effect, $tolerance)",
            ("$graph", graph), ("$from", ""), ("$to", ""), ("$position", 0), ("$group", DBNull.Value), ("$effect", ""), ("$tolerance", 0));

    private static void BindNode(SqliteCommand command, Node node, long position)
    {
        command.Parameters["$id"].Value = node.Id;
        command.Parameters["$position"].Value = position;
        command.Parameters["$name"].Value = node.Name;
        command.Parameters["$kind"].Value = node.Kind;
        command.Parameters["$attributes"].Value = node.Attributes.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(node.Attributes);
        command.Parameters["$groups"].Value = node.Groups.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(node.Groups);
    }

    private static void BindDependency(SqliteCommand command, Dependency dependency, long position)
    {
        command.Parameters["$from"].Value = dependency.From;
        command.Parameters["$to"].Value = dependency.To;
        command.Parameters["$position"].Value = position;
        command.Parameters["$group"].Value = (object?)dependency.Group ?? DBNull.Value;
        command.Parameters["$effect"].Value = dependency.Effect.ToWire();
        command.Parameters["$tolerance"].Value = (long)dependency.Tolerance.TotalSeconds;
    }

    private static IReadOnlyDictionary<string, T> ReadMap<T>(SqliteDataReader reader, int column) =>
        reader.IsDBNull(column)
            ? new Dictionary<string, T>()
            : JsonSerializer.Deserialize<Dictionary<string, T>>(reader.GetString(column))!;

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
