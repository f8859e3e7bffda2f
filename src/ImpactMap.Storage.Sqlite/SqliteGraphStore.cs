using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Data.Sqlite;
using static ImpactMap.Storage.Sqlite.SqliteDatabase;

namespace ImpactMap.Storage.Sqlite;

/// <summary>Graphs in the embedded store: one row per graph, node and dependency, in their document order.</summary>
public sealed class SqliteGraphStore(SqliteDatabase database) : IGraphStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
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
        await using var connection = await database.OpenAsync(cancellationToken);
        return await VersionOfAsync(connection, null, name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredGraph?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // One read transaction, so nodes, dependencies and version belong to the same moment.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var version = await VersionOfAsync(connection, transaction, name, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var nodes = new List<Node>();
        await using (var command = Command(connection, transaction,
            "SELECT id, name, kind, attributes, groups, availability FROM nodes WHERE graph = $graph ORDER BY position", ("$graph", name)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(new Node(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    StoredValues.Attributes(TextOrNull(reader, 3)), StoredValues.Groups(TextOrNull(reader, 4)))
                {
                    Availability = reader.IsDBNull(5) ? null : reader.GetDouble(5),
                });
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
                dependencies.Add(new Dependency(reader.GetString(0), reader.GetString(1),
                    TextOrNull(reader, 2), StoredValues.Effect(reader.GetString(3)), TimeSpan.FromSeconds(reader.GetInt64(4))));
            }
        }

        return new StoredGraph(name, DependencyGraph.Load(nodes, dependencies), version.Value);
    }

    /// <inheritdoc />
    public async Task<ReplaceResult> ReplaceAsync(
        string name, DependencyGraph graph, long? expectedVersion, Func<ReplaceResult, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await SqliteDatabase.BeginWriteAsync(connection, cancellationToken);
        var current = await VersionOfAsync(connection, transaction, name, cancellationToken);
        StoredValues.CheckVersion(name, expectedVersion, current);
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

        await using (var insert = DependencyCommand(connection, transaction, InsertDependency, name))
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
        var result = new ReplaceResult(version, current is null);
        await SqliteEventStore.AppendAsync(connection, transaction, database.Clock, name, changed is null ? [] : [changed(result)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public async Task<long> ApplyAsync(
        string name, IReadOnlyList<GraphChange> changes, long expectedVersion, Func<long, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await SqliteDatabase.BeginWriteAsync(connection, cancellationToken);
        StoredValues.CheckVersion(name, expectedVersion, await VersionOfAsync(connection, transaction, name, cancellationToken));
        // Places for whatever the changes add, taken together: the first is just after the graph's last.
        var position = await ScalarAsync(connection, transaction,
            "UPDATE graphs SET next_position = next_position + $count WHERE name = $graph RETURNING next_position",
            cancellationToken, ("$graph", name), ("$count", changes.Count)) - changes.Count;
        await using var putNode = NodeCommand(connection, transaction,
            InsertNode + " ON CONFLICT (graph, id) DO UPDATE SET name = $name, kind = $kind, attributes = $attributes, groups = $groups, availability = $availability", name);
        await using var removeNode = Command(connection, transaction,
            "DELETE FROM dependencies WHERE graph = $graph AND (from_id = $id OR to_id = $id); DELETE FROM nodes WHERE graph = $graph AND id = $id",
            ("$graph", name), ("$id", ""));
        await using var putDependency = DependencyCommand(connection, transaction,
            InsertDependency + " ON CONFLICT (graph, from_id, to_id) DO UPDATE SET group_name = $group, effect = $effect, tolerance_seconds = $tolerance", name);
        await using var removeDependency = Command(connection, transaction,
            "DELETE FROM dependencies WHERE graph = $graph AND from_id = $from AND to_id = $to", ("$graph", name), ("$from", ""), ("$to", ""));
        foreach (var change in changes)
        {
            position++;
            switch (change)
            {
                case GraphChange.PutNode put:
                    BindNode(putNode, put.Node, position);
                    await putNode.ExecuteNonQueryAsync(cancellationToken);
                    break;
                case GraphChange.RemoveNode remove:
                    removeNode.Parameters["$id"].Value = remove.Id;
                    await removeNode.ExecuteNonQueryAsync(cancellationToken);
                    break;
                case GraphChange.PutDependency put:
                    BindDependency(putDependency, put.Dependency, position);
                    await putDependency.ExecuteNonQueryAsync(cancellationToken);
                    break;
                case GraphChange.RemoveDependency remove:
                    removeDependency.Parameters["$from"].Value = remove.From;
                    removeDependency.Parameters["$to"].Value = remove.To;
                    await removeDependency.ExecuteNonQueryAsync(cancellationToken);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(changes), change.GetType().Name);
            }
        }

        var version = await NextVersionAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, "UPDATE graphs SET version = $version WHERE name = $graph",
            cancellationToken, ("$graph", name), ("$version", version));
        await SqliteEventStore.AppendAsync(connection, transaction, database.Clock, name, changed is null ? [] : [changed(version)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, long? expectedVersion, NewEvent? changed, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await SqliteDatabase.BeginWriteAsync(connection, cancellationToken);
        var current = await VersionOfAsync(connection, transaction, name, cancellationToken);
        if (current is null)
        {
            return false;
        }

        StoredValues.CheckVersion(name, expectedVersion, current);
        await DeleteContentAsync(connection, transaction, name, cancellationToken);
        await ExecuteAsync(connection, transaction, "DELETE FROM graphs WHERE name = $graph", cancellationToken, ("$graph", name));
        await NextVersionAsync(connection, transaction, cancellationToken);
        await SqliteEventStore.AppendAsync(connection, transaction, database.Clock, name, changed is null ? [] : [changed], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
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
        "INSERT INTO nodes (graph, id, position, name, kind, attributes, groups, availability) VALUES ($graph, $id, $position, $name, $kind, $attributes, $groups, $availability)";

    /// <summary>A node insert (or upsert) with its parameters in place, for <see cref="BindNode"/> to fill.</summary>
    private static SqliteCommand NodeCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, string graph) =>
        Command(connection, transaction, sql,
            ("$graph", graph), ("$id", ""), ("$position", 0), ("$name", ""), ("$kind", ""), ("$attributes", DBNull.Value), ("$groups", DBNull.Value), ("$availability", DBNull.Value));

    private const string InsertDependency =
        "INSERT INTO dependencies (graph, from_id, to_id, position, group_name, effect, tolerance_seconds) VALUES ($graph, $from, $to, $position, $group, $effect, $tolerance)";

    /// <summary>A dependency insert (or upsert) with its parameters in place, for <see cref="BindDependency"/> to fill.</summary>
    private static SqliteCommand DependencyCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, string graph) =>
        Command(connection, transaction, sql,
            ("$graph", graph), ("$from", ""), ("$to", ""), ("$position", 0), ("$group", DBNull.Value), ("$effect", ""), ("$tolerance", 0));

    private static void BindNode(SqliteCommand command, Node node, long position)
    {
        command.Parameters["$id"].Value = node.Id;
        command.Parameters["$position"].Value = position;
        command.Parameters["$name"].Value = node.Name;
        command.Parameters["$kind"].Value = node.Kind;
        command.Parameters["$attributes"].Value = OrNull(StoredValues.AttributesText(node));
        command.Parameters["$groups"].Value = OrNull(StoredValues.GroupsText(node));
        command.Parameters["$availability"].Value = node.Availability is { } availability ? availability : DBNull.Value;
    }

    private static void BindDependency(SqliteCommand command, Dependency dependency, long position)
    {
        command.Parameters["$from"].Value = dependency.From;
        command.Parameters["$to"].Value = dependency.To;
        command.Parameters["$position"].Value = position;
        command.Parameters["$group"].Value = OrNull(dependency.Group);
        command.Parameters["$effect"].Value = dependency.Effect.ToWire();
        command.Parameters["$tolerance"].Value = (long)dependency.Tolerance.TotalSeconds;
    }
}
