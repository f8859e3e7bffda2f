using System.Collections.Concurrent;
using ImpactMap.Api.Events;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Graphs;

/// <summary>One version of a graph, with its engine built on first use and kept until the graph changes.</summary>
public sealed class GraphSnapshot(string name, DependencyGraph graph, long version)
{
    private readonly Lazy<PropagationEngine> _engine = new(() => new PropagationEngine(graph));
    private readonly Lazy<Node[]> _nodesById = new(() => [.. graph.Nodes.OrderBy(n => n.Id, StringComparer.Ordinal)]);
    private readonly Lazy<Dependency[]> _dependenciesByEnds = new(() =>
        [.. graph.Dependencies.OrderBy(d => d.From, StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal)]);

    public string Name { get; } = name;

    public DependencyGraph Graph { get; } = graph;

    public long Version { get; } = version;

    public PropagationEngine Engine => _engine.Value;

    public IReadOnlyList<Node> NodesById => _nodesById.Value;

    public IReadOnlyList<Dependency> DependenciesByEnds => _dependenciesByEnds.Value;

    public Node NodeOrThrow(string id) => Graph.FindNode(id) ?? throw ApiProblem.NodeNotFound(Name, id);
}

/// <summary>
/// The graphs as this instance knows them. Every read asks the store for the graph's version (cheap), so
/// an instance sees writes made by others; the graph and its engine are reloaded only when that moved.
/// Writes to one graph are serialised here and version-checked in the store, so none is lost.
/// </summary>
public sealed class GraphCatalog(IGraphStore store, EventFeed events)
{
    private const int WriteAttempts = 10;
    private readonly ConcurrentDictionary<string, GraphSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writeLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, long Version), Lazy<Task<GraphSnapshot?>>> _loads = new();

    public Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<GraphSnapshot> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) ?? throw ApiProblem.GraphNotFound(name);

    public Task<GraphSnapshot?> FindAsync(string name, CancellationToken cancellationToken) =>
        FindAsync(name, waitForLocalWrite: true, cancellationToken);

    /// <param name="waitForLocalWrite">False inside a write, which holds the graph's gate itself.</param>
    private async Task<GraphSnapshot?> FindAsync(string name, bool waitForLocalWrite, CancellationToken cancellationToken)
    {
        if (!Identifier.IsValid(name))
        {
            return null;
        }

        var version = await store.GetVersionAsync(name, cancellationToken);
        if (version is null)
        {
            _snapshots.TryRemove(name, out _);
            return null;
        }

        if (_snapshots.TryGetValue(name, out var cached) && cached.Version >= version)
        {
            return cached;
        }

        // A write of this instance may have committed and not yet published its snapshot: wait for it
        // rather than read the whole graph back from the store.
        if (waitForLocalWrite && _writeLocks.TryGetValue(name, out var gate) && gate.CurrentCount == 0)
        {
            await gate.WaitAsync(cancellationToken);
            gate.Release();
            if (_snapshots.TryGetValue(name, out cached) && cached.Version >= version)
            {
                return cached;
            }
        }

        // Another instance wrote: one load per version, shared by every request that needs it.
        var load = _loads.GetOrAdd((name, version.Value), key => new Lazy<Task<GraphSnapshot?>>(() => LoadAsync(key.Name)));
        try
        {
            return await load.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (load.Value.IsCompleted)
            {
                _loads.TryRemove(new KeyValuePair<(string, long), Lazy<Task<GraphSnapshot?>>>((name, version.Value), load));
            }
        }
    }

    private async Task<GraphSnapshot?> LoadAsync(string name)
    {
        // Not the caller's token: the load is shared, and one caller giving up must not fail the others.
        var stored = await store.GetAsync(name, CancellationToken.None);
        return stored is null ? null : Remember(new GraphSnapshot(name, stored.Graph, stored.Version));
    }

    public async Task<(GraphSnapshot Snapshot, bool Created)> ReplaceAsync(
        string name, DependencyGraph graph, long? ifMatch, CancellationToken cancellationToken)
    {
        RequireValidName(name);
        var gate = _writeLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var result = await store.ReplaceAsync(name, graph, ifMatch, cancellationToken);
            await events.PublishAsync(name, "graph.changed", new
            {
                Graph = name, result.Version, Change = result.Created ? "created" : "replaced", Nodes = graph.Nodes.Count, Dependencies = graph.Dependencies.Count,
            }, cancellationToken);
            return (Remember(new GraphSnapshot(name, graph, result.Version)), result.Created);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Applies the change that <paramref name="decide"/> makes from the current graph; when another instance
    /// wrote in between (and the client did not pin a version), decides again on the fresh graph.
    /// </summary>
    public async Task<GraphSnapshot> ChangeAsync(
        string name, Func<GraphSnapshot, GraphChange> decide, long? ifMatch, CancellationToken cancellationToken)
    {
        var gate = _writeLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await FindAsync(name, waitForLocalWrite: false, cancellationToken) ?? throw ApiProblem.GraphNotFound(name);
                if (ifMatch is not null && ifMatch != snapshot.Version)
                {
                    throw new VersionConflictException(name, ifMatch, snapshot.Version);
                }

                var change = decide(snapshot);
                var graph = change.ApplyTo(snapshot.Graph);
                try
                {
                    var version = await store.ApplyAsync(name, change, snapshot.Version, cancellationToken);
                    await events.PublishAsync(name, "graph.changed", new { Graph = name, Version = version, Change = Describe(change) }, cancellationToken);
                    return Remember(new GraphSnapshot(name, graph, version));
                }
                catch (VersionConflictException) when (ifMatch is null)
                {
                    // Another instance wrote first: decide again on what it left, after a short random pause
                    // so that instances racing for one graph fall out of step.
                    if (attempt == WriteAttempts)
                    {
                        throw new ApiProblem(StatusCodes.Status503ServiceUnavailable, "Busy",
                            $"Graph '{name}' is being changed by others faster than this change could land; retry shortly.",
                            null);
                    }

                    await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(string name, long? ifMatch, CancellationToken cancellationToken)
    {
        var deleted = Identifier.IsValid(name) && await store.DeleteAsync(name, ifMatch, cancellationToken);
        _snapshots.TryRemove(name, out _);
        if (deleted)
        {
            await events.PublishAsync(name, "graph.changed", new { Graph = name, Change = "deleted" }, cancellationToken);
        }

        return deleted;
    }

    private static object Describe(GraphChange change) => change switch
    {
        GraphChange.PutNode c => new { Kind = "node-put", Node = c.Node.Id },
        GraphChange.RemoveNode c => new { Kind = "node-removed", Node = c.Id },
        GraphChange.AddDependency c => new { Kind = "dependency-added", c.Dependency.From, c.Dependency.To },
        GraphChange.RemoveDependency c => new { Kind = "dependency-removed", c.From, c.To },
        _ => new { Kind = change.GetType().Name },
    };

    private GraphSnapshot Remember(GraphSnapshot snapshot) =>
        _snapshots.AddOrUpdate(snapshot.Name, snapshot, (_, existing) => existing.Version > snapshot.Version ? existing : snapshot);

    private static void RequireValidName(string name)
    {
        if (!Identifier.IsValid(name))
        {
            throw ApiProblem.BadRequest($"'{GraphValidator.Shorten(name)}' is not a valid graph name: {Identifier.Rule}.");
        }
    }
}
