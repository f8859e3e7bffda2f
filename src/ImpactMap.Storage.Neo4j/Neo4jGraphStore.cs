using System.Text.Json;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// Graphs in Neo4j, readable with plain Cypher. Each graph has an <c>:ImpactMapGraph</c> with its version and
/// the part its content lives in; nodes are <c>:ImpactMapNode</c> (graph = the part, id, name, kind, attributes
/// and groups as JSON text, key = part/id, unique), dependencies are <c>DEPENDS_ON</c> from dependent to
/// provider (group, effect, toleranceSeconds). A replace writes a new part in transactions of one batch each,
/// which no reader sees, then switches the graph to it in one small transaction, and sweeps the part it
/// replaced in the background: however large the graph, no transaction holds more than a batch, and a crash
/// at any moment leaves the previous graph or the new one whole. Edits of a few items are one transaction.
/// </summary>
public sealed class Neo4jGraphStore(Neo4jDatabase database) : IGraphStore
{
    /// <summary>A part being written whose writer has been quiet this long is taken for abandoned (its writer died) and swept.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    private int _sweeping;
    private int _sweepAgain;

    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken);
        var results = await database.ReadAsync([new Statement(Cypher.ListGraphs(database.MajorVersion))], cancellationToken);
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
        // One transaction that takes the graph node's lock first (see LockGraphForRead), so nothing of the graph
        // moves while it is read, then reads it a page of node positions at a time: each request is bounded by
        // the write timeout and each answer by the page, where one answer of a million rows ran past both the
        // timeout and a gigabyte. Run again whole on Neo4j's transient failures and on reads tripped by a sweep.
        var parameters = Graph(name);
        return await database.InTransactionAsync(
            [new Statement(Cypher.LockGraphForRead, parameters), new Statement(Cypher.GraphContent, parameters)],
            async (transaction, first, token) =>
            {
                if (first[0].Rows.Count == 0)
                {
                    await transaction.RollbackAsync();
                    return null;
                }

                var version = first[0].Rows[0][0].GetInt64();
                var content = first[1].Rows[0];
                var (part, count) = (content[0].GetString()!, content[1].GetInt32());
                var highest = content[2].ValueKind == JsonValueKind.Number ? content[2].GetInt64() : -1;
                var nodes = new List<(long Position, Node Node)>(count);
                var dependencies = new List<(long Position, Dependency Dependency)>();
                var (from, pageNodes) = (0L, database.Options.ReadPageNodes);
                do
                {
                    var page = new Dictionary<string, object?> { ["part"] = part, ["from"] = from, ["to"] = from + pageNodes };
                    Statement[] statements = [new(Cypher.ReadNodesPage, page), new(Cypher.ReadDependenciesPage, page)];
                    from += pageNodes;
                    var results = from > highest ? await transaction.CommitAsync(statements, token) : await transaction.RunAsync(statements, token);
                    nodes.AddRange(results[0].Rows.Select(r => (r[6].GetInt64(), ReadNode(r))));
                    dependencies.AddRange(results[1].Rows.Select(r => (r[5].GetInt64(), ReadDependency(r))));
                }
                while (from <= highest);

                if (nodes.Count != count)
                {
                    throw new InvalidOperationException($"graph '{name}': {count - nodes.Count} of its {count} nodes in Neo4j have no position");
                }

                return new StoredGraph(name, DependencyGraph.Load(
                    [.. nodes.OrderBy(n => n.Position).Select(n => n.Node)],
                    [.. dependencies.OrderBy(d => d.Position).Select(d => d.Dependency)]), version);
            }, cancellationToken, rerunnable: true);
    }

    private static Node ReadNode(JsonElement row) =>
        new(row[0].GetString()!, row[1].GetString()!, row[2].GetString()!,
            StoredValues.Attributes(Neo4jHttp.TextOrNull(row[3])), StoredValues.Groups(Neo4jHttp.TextOrNull(row[4])))
        {
            Availability = row[5].ValueKind == JsonValueKind.Number ? row[5].GetDouble() : null,
        };

    private static Dependency ReadDependency(JsonElement row) =>
        new(row[0].GetString()!, row[1].GetString()!, Neo4jHttp.TextOrNull(row[2]), StoredValues.Effect(row[3].GetString()!),
            TimeSpan.FromSeconds(row[4].GetInt64()));

    /// <inheritdoc />
    public async Task<ReplaceResult> ReplaceAsync(
        string name, DependencyGraph graph, long? expectedVersion, Func<ReplaceResult, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (expectedVersion is not null)
        {
            // Checked before writing anything, so a stale If-Match costs nothing; the switch checks it again.
            StoredValues.CheckVersion(name, expectedVersion, await GetVersionAsync(name, cancellationToken));
        }

        var part = $"{name}#{Guid.NewGuid():N}";
        var touch = new Statement(Cypher.TouchPart, new Dictionary<string, object?> { ["part"] = part });
        await database.WriteAsync([new Statement(Cypher.StartPart, new Dictionary<string, object?> { ["graph"] = name, ["part"] = part })], cancellationToken);
        try
        {
            var batches = Batches(part, Cypher.CreateNodes, graph.Nodes.Select((n, i) => NodeRow(n, i)))
                .Concat(Batches(part, Cypher.CreateDependencies, graph.Dependencies.Select((d, i) => DependencyRow(d, i))));
            foreach (var batch in batches)
            {
                // One batch per transaction: Neo4j holds no more than that in memory for this write.
                // The part is touched first, which locks it: a sweep cannot forget it while the batch goes in.
                var written = await database.WriteAsync([touch, batch], cancellationToken);
                if (written[0].Rows[0][0].GetInt64() == 0)
                {
                    throw new StoreUnavailableException($"graph '{name}': the new content was swept while being written (quiet for over {AbandonedAfter.TotalMinutes} minutes)");
                }
            }

            var result = await InTransactionAsync(name, expectedVersion, async (transaction, version, current, _) =>
            {
                var switched = await transaction.RunAsync([new Statement(Cypher.SwitchPart, new Dictionary<string, object?>
                {
                    ["graph"] = name,
                    ["part"] = part,
                    ["version"] = version,
                    ["next"] = Math.Max(graph.Nodes.Count, graph.Dependencies.Count),
                })], cancellationToken);
                if (switched[0].Rows.Count == 0)
                {
                    throw new StoreUnavailableException($"graph '{name}': the new content was swept before it could be switched to");
                }

                var replaced = new ReplaceResult(version, current is null);
                await transaction.CommitAsync([.. Neo4jEventStore.Appends(database, name, changed is null ? [] : [changed(replaced)])], cancellationToken);
                return replaced;
            }, cancellationToken);
            SweepSoon();
            return result;
        }
        catch
        {
            await AbandonAsync(part);
            throw;
        }
    }

    /// <summary>
    /// Deletes the content of parts no graph shows any more (replaced, deleted, or abandoned by a writer that died),
    /// a batch per transaction. Runs after every replace and delete; a sweep cut short is finished by the next.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var stale = await database.ReadAsync([new Statement(Cypher.StaleParts, new Dictionary<string, object?>
        {
            ["quiet"] = (long)AbandonedAfter.TotalMilliseconds,
        })], cancellationToken);
        foreach (var row in stale[0].Rows)
        {
            var parameters = new Dictionary<string, object?> { ["part"] = row[0].GetString(), ["max"] = database.Options.BatchSize };
            foreach (var sweep in new[] { Cypher.SweepDependencies, Cypher.SweepNodes })
            {
                while ((await database.RerunnableWriteAsync([new Statement(sweep, parameters)], cancellationToken))[0].Rows[0][0].GetInt64() > 0)
                {
                }
            }

            await database.RerunnableWriteAsync([new Statement(Cypher.ForgetPart, parameters)], cancellationToken);
        }
    }

    /// <summary>Sweeps in the background, one sweep at a time; a request for one while one runs makes it run again.</summary>
    private void SweepSoon()
    {
        Volatile.Write(ref _sweepAgain, 1);
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                while (Interlocked.Exchange(ref _sweepAgain, 0) == 1)
                {
                    await SweepAsync(CancellationToken.None);
                }
            }
            catch (Exception e) when (e is StoreUnavailableException or InvalidOperationException)
            {
                // Neo4j is away or busy: the next replace or delete sweeps what is left.
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }

            // A request that came between the last check and the flag's clearing would be lost otherwise.
            if (Volatile.Read(ref _sweepAgain) == 1)
            {
                SweepSoon();
            }
        });
    }

    /// <summary>A replace that failed marks its part for the sweep at once rather than after <see cref="AbandonedAfter"/>.</summary>
    private async Task AbandonAsync(string part)
    {
        try
        {
            await database.WriteAsync([new Statement(Cypher.AbandonPart, new Dictionary<string, object?> { ["part"] = part })], CancellationToken.None);
            SweepSoon();
        }
        catch (Exception e) when (e is StoreUnavailableException or InvalidOperationException)
        {
            // Neo4j is away: the part is swept once it counts as abandoned.
        }
    }

    /// <inheritdoc />
    public async Task<long> ApplyAsync(
        string name, IReadOnlyList<GraphChange> changes, long expectedVersion, Func<long, NewEvent>? changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return await InTransactionAsync(name, expectedVersion, async (transaction, version, _, part) =>
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
                statements.AddRange(Batches(part, cypher, run.Select(change => Row(change, ++position))));
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
            var deleted = await InTransactionAsync(name, expectedVersion, async (transaction, _, current, _) =>
            {
                if (current is null)
                {
                    await transaction.RollbackAsync();
                    return false;
                }

                await transaction.CommitAsync([new Statement(Cypher.DeleteGraph, Graph(name)),
                    .. Neo4jEventStore.Appends(database, name, changed is null ? [] : [changed])], cancellationToken);
                return true;
            }, cancellationToken, allowMissing: true);
            if (deleted)
            {
                SweepSoon();
            }

            return deleted;
        }
        catch (VersionConflictException e) when (e.Actual is null)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that first takes the next version (locking the sequence
    /// node, so writers queue) and reads the graph's version and part, and checks the version.
    /// </summary>
    private Task<T> InTransactionAsync<T>(
        string name, long? expectedVersion, Func<Neo4jHttp.Transaction, long, long?, string, Task<T>> work,
        CancellationToken cancellationToken, bool allowMissing = false) =>
        database.InTransactionAsync([new Statement(Cypher.NextVersion), new Statement(Cypher.GraphVersion, Graph(name))], async (transaction, results, _) =>
        {
            var version = results[0].Rows[0][0].GetInt64();
            var found = results[1].Rows.Count > 0;
            long? current = found ? results[1].Rows[0][0].GetInt64() : null;
            if (!(allowMissing && current is null))
            {
                StoredValues.CheckVersion(name, expectedVersion, current);
            }

            return await work(transaction, version, current, found ? results[1].Rows[0][1].GetString()! : name);
        }, cancellationToken);

    private IEnumerable<Statement> Batches(string part, string cypher, IEnumerable<Dictionary<string, object?>> rows) =>
        rows.Chunk(database.Options.BatchSize).Select(batch => new Statement(cypher, new Dictionary<string, object?> { ["part"] = part, ["rows"] = batch }));

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

    private static Dictionary<string, object?> Graph(string name) => new() { ["graph"] = name };
}
