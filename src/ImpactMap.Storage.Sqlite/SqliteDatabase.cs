using ImpactMap.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ImpactMap.Storage.Sqlite;

/// <summary>
/// The embedded store's one SQLite file, shared by its graph, incident, event, idempotency and record stores: WAL
/// mode with synchronous=FULL, so a write is on disk before its task completes, and every write one
/// transaction, so a failed or killed write leaves nothing half done.
/// </summary>
public sealed class SqliteDatabase : IStoreReadiness
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
            availability REAL,
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
            summary TEXT,
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
        CREATE TABLE IF NOT EXISTS records (
            graph TEXT NOT NULL,
            collection TEXT NOT NULL,
            id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            data TEXT NOT NULL,
            lease_holder TEXT,
            lease_until INTEGER,
            PRIMARY KEY (collection, graph, id)
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString;

    /// <summary>The database in <paramref name="file"/>, created when missing; times come from <paramref name="clock"/>.</summary>
    public SqliteDatabase(string file, TimeProvider clock)
    {
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Where the stores' timestamps come from.</summary>
    public TimeProvider Clock { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, Schema, cancellationToken);
        // A store written before nodes had an availability gets the column; its nodes have none.
        await AddColumnAsync(connection, "nodes", "availability", "REAL", cancellationToken);
        // A store written before incidents kept a summary gets the column; SqliteIncidentStore fills it in.
        if (await AddColumnAsync(connection, "incidents", "summary", "TEXT", cancellationToken))
        {
            await SqliteIncidentStore.SummarizeAsync(connection, cancellationToken);
        }

        // Incidents keep their impact beside the document; one stored before holds it in its document (impact NULL).
        await AddColumnAsync(connection, "incidents", "impact", "TEXT", cancellationToken);
    }

    /// <summary>Adds a column a table lacks; true when it was added.</summary>
    private static async Task<bool> AddColumnAsync(SqliteConnection connection, string table, string column, string type, CancellationToken cancellationToken)
    {
        var present = await ScalarAsync(connection, null, "SELECT count(*) FROM pragma_table_info($table) WHERE name = $column", cancellationToken,
            ("$table", table), ("$column", column));
        if (present > 0)
        {
            return false;
        }

        // Names from this class's own constants, never from input: DDL takes no parameters.
        await ExecuteAsync(connection, null, $"ALTER TABLE {table} ADD COLUMN {column} {type}", cancellationToken);
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

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // FULL: the WAL is synced at every commit, so an acknowledged write survives a crash or power loss.
        await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL", cancellationToken);
        return connection;
    }

    /// <summary>BEGIN IMMEDIATE: take the write lock first, so two writers cannot both pass the version check.</summary>
    internal static Task<SqliteTransaction> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(connection.BeginTransaction(deferred: false));
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
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

    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A nullable column's text, or null.</summary>
    internal static string? TextOrNull(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    /// <summary>A value for a nullable column.</summary>
    internal static object OrNull(object? value) => value ?? DBNull.Value;
}
