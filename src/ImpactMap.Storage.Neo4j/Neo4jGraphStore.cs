using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// Graphs in Neo4j, readable with plain Cypher. Nodes are <c>:ImpactMapNode</c> (graph, id, name, kind,
/// attributes and groups as JSON text, key = graph/id, unique), dependencies are <c>DEPENDS_ON</c> from
/// dependent to provider (group, effect, toleranceSeconds), each graph has an <c>:ImpactMapGraph</c> with its
/// version. Every write is one Neo4j transaction: a failed import rolls back whole and leaves the previous
/// graph as it was.
/// </summary>
public sealed class Neo4jGraphStore(Neo4jDatabase database) : IGraphStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.ListGraphs)], cancellationToken);
        return results[0].Rows.Select(r => new GraphSummary(r[0].GetString()!, r[1].GetInt32(), r[2].GetInt32(), r[3].GetInt64())).ToList();
    }

    /// <inheritdoc />
    public async Task<long?> GetVersionAsync(string name, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.GraphVersion, Graph(name))], cancellationToken);
        return results[0].Rows.Count == 0 ? null : results[0].Rows[0][0].GetInt64();
    }

    /// <inheritdoc />
    public async Task<StoredGraph?> GetAsync(string name, CancellationToken cancellationToken)
    {
        // The graph node's lock is taken first (see LockGraphForRead); the version read again at the end still
        // tells whether anything moved, and then the read is simply done again.
        for (var attempt = 0; ; attempt++)
        {
            var parameters = Graph(name);
            var results = await database.ReadAsync(
            [
                new Statement(Cypher.LockGraphForRead, parameters),
                new Statement(Cypher.ReadNodes, parameters),
                new Statement(Cypher.ReadDependencies, parameters),
                new Statement(Cypher.GraphVersion, parameters),
            ], cancellationToken);
            if (results[0].Rows.Count == 0)
            {
                return null;
            }

            var version = results[0].Rows[0][0].GetInt64();
            if (results[3].Rows.Count == 0 || results[3].Rows[0][0].GetInt64() != version)
            {
                if (attempt < 5)
                {
                    continue;
                }

                throw new StoreUnavailableException($"graph '{name}' kept changing while being read");
            }

            var nodes = results[1].Rows.Select(r => new Node(
                r[0].GetString()!, r[1].GetString()!, r[2].GetString()!,
                StoredValues.Attributes(Neo4jHttp.TextOrNull(r[3])), StoredValues.Groups(Neo4jHttp.TextOrNull(r[4])))
            {
                Availability = r[5].ValueKind == System.Text.Json.JsonValueKind.Number ? r[5].GetDouble() : null,
            }).ToList();
            var dependencies = results[2].Rows.Select(r => new Dependency(r[0].GetString()!, r[1].GetString()!,
                Neo4jHttp.TextOrNull(r[2]), StoredValues.Effect(r[3].GetString()!), TimeSpan.FromSeconds(r[4].GetInt64()))).ToList();
            return new StoredGraph(name, DependencyGraph.Create(nodes, dependencies), version);
        }
    }

    /// <inheritdoc />
    public async Task<ReplaceResult> ReplaceAsync(
        string name, DependencyGraph graph, long? expectedVersion, Func<ReplaceResult, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return await InTransactionAsync(name, expectedVersion, async (transaction, version, current) =>
        {
            var statements = new List<Statement> { new(Cypher.DeleteContent, Graph(name)) };
            statements.AddRange(Batches(name, Cypher.CreateNodes, graph.Nodes.Select((n, i) => NodeRow(n, i))));
            statements.AddRange(Batches(name, Cypher.CreateDependencies, graph.Dependencies.Select((d, i) => DependencyRow(d, i))));
            // A few batches per request keeps each request small and the round trips few.
            foreach (var chunk in statements.Chunk(4))
            {
                await transaction.RunAsync(chunk, cancellationToken);
            }

            var result = new ReplaceResult(version, current is null);
            await transaction.CommitAsync([new Statement(Cypher.SaveGraph, new Dictionary<string, object?>
            {
                ["graph"] = name,
                ["version"] = version,
                ["next"] = Math.Max(graph.Nodes.Count, graph.Dependencies.Count),
            }), .. Neo4jEventStore.Appends(database, name, changed is null ? [] : [changed(result)])], cancellationToken);
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> ApplyAsync(
        string name, IReadOnlyList<GraphChange> changes, long expectedVersion, Func<long, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return await InTransactionAsync(name, expectedVersion, async (transaction, version, _) =>
        {
            var saved = await transaction.RunAsync(
                [new Statement(Cypher.SetGraphVersion, new Dictionary<string, object?> { ["graph"] = name, ["version"] = version, ["count"] = changes.Count })],
                cancellationToken);
            var position = saved[0].Rows[0][0].GetInt64() - changes.Count;
            // Runs of one kind of change go as one UNWIND statement each, in their order.
            var statements = new List<Statement>();
            foreach (var run in Runs(changes))
            {
                var cypher = run[0] switch
                {
                    GraphChange.PutNode => Cypher.PutNodes,
                    GraphChange.RemoveNode => Cypher.RemoveNodes,
                    GraphChange.PutDependency => Cypher.PutDependencies,
                    GraphChange.RemoveDependency => Cypher.RemoveDependencies,
                    var other => throw new ArgumentOutOfRangeException(nameof(changes), other.GetType().Name),
                };
                statements.AddRange(Batches(name, cypher, run.Select(change => Row(change, ++position))));
            }

            // The last few go with the commit, so a single change costs no extra round trip.
            var chunks = statements.Chunk(4).ToList();
            foreach (var chunk in chunks.SkipLast(1))
            {
                await transaction.RunAsync(chunk, cancellationToken);
            }

            await transaction.CommitAsync(
                [.. chunks.LastOrDefault() ?? [], .. Neo4jEventStore.Appends(database, name, changed is null ? [] : [changed(version)])], cancellationToken);
            return version;
        }, cancellationToken);
    }

    private static IEnumerable<List<GraphChange>> Runs(IReadOnlyList<GraphChange> changes)
    {
        var run = new List<GraphChange>();
        foreach (var change in changes)
        {
            if (run.Count > 0 && run[0].GetType() != change.GetType())
            {
                yield return run;
                run = [];
            }

            run.Add(change);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private static Dictionary<string, object?> Row(GraphChange change, long position) => change switch
    {
        GraphChange.PutNode put => NodeRow(put.Node, position),
        GraphChange.RemoveNode remove => new() { ["id"] = remove.Id },
        GraphChange.PutDependency put => DependencyRow(put.Dependency, position),
        GraphChange.RemoveDependency remove => new() { ["from"] = remove.From, ["to"] = remove.To },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name),
    };

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, long? expectedVersion, NewEvent? changed, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionAsync(name, expectedVersion, async (transaction, _, current) =>
            {
                if (current is null)
                {
                    await transaction.RollbackAsync();
                    return false;
                }

                await transaction.CommitAsync([new Statement(Cypher.DeleteContent, Graph(name)), new Statement(Cypher.DeleteGraph, Graph(name)),
                    .. Neo4jEventStore.Appends(database, name, changed is null ? [] : [changed])], cancellationToken);
                return true;
            }, cancellationToken, allowMissing: true);
        }
        catch (VersionConflictException e) when (e.Actual is null)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that first takes the next version (locking the sequence
    /// node, so writers queue) and reads the graph's version, and checks it.
    /// </summary>
    private Task<T> InTransactionAsync<T>(
        string name, long? expectedVersion, Func<Neo4jHttp.Transaction, long, long?, Task<T>> work,
        CancellationToken cancellationToken, bool allowMissing = false) =>
        database.InTransactionAsync([new Statement(Cypher.NextVersion), new Statement(Cypher.GraphVersion, Graph(name))], async (transaction, results, _) =>
        {
            var version = results[0].Rows[0][0].GetInt64();
            long? current = results[1].Rows.Count == 0 ? null : results[1].Rows[0][0].GetInt64();
            if (!(allowMissing && current is null))
            {
                StoredValues.CheckVersion(name, expectedVersion, current);
            }

            return await work(transaction, version, current);
        }, cancellationToken);

    private IEnumerable<Statement> Batches(string name, string cypher, IEnumerable<Dictionary<string, object?>> rows) =>
        rows.Chunk(database.Options.BatchSize).Select(batch => new Statement(cypher, new Dictionary<string, object?> { ["graph"] = name, ["rows"] = batch }));

    private static Dictionary<string, object?> NodeRow(Node node, long position) => new()
    {
        ["id"] = node.Id,
        ["name"] = node.Name,
        ["kind"] = node.Kind,
        ["attributes"] = StoredValues.AttributesText(node),
        ["groups"] = StoredValues.GroupsText(node),
        ["availability"] = node.Availability,
        ["position"] = position,
    };

    private static Dictionary<string, object?> DependencyRow(Dependency dependency, long position) => new()
    {
        ["from"] = dependency.From,
        ["to"] = dependency.To,
        ["group"] = dependency.Group,
        ["effect"] = dependency.Effect.ToWire(),
        ["tolerance"] = (long)dependency.Tolerance.TotalSeconds,
        ["position"] = position,
    };

    private static Dictionary<string, object?> With(Dictionary<string, object?> parameters, string name)
    {
        parameters["graph"] = name;
        return parameters;
    }

    private static Dictionary<string, object?> Graph(string name) => new() { ["graph"] = name };
}
