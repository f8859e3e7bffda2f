using System.Collections.Concurrent;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;

namespace ImpactMap.Core.Catalog;

/// <summary>
/// The graphs as this instance knows them. Every change is reported as <c>graph.changed</c>
/// <c>{graph, version, change: {kind, node?, from?, to?}}</c>, whole-graph changes with the graph's size. Every read asks the store for the graph's version (cheap), so
/// an instance sees writes made by others; the graph and its engine are reloaded only when that moved.
/// Writes to one graph are serialised here and version-checked in the store, so none is lost.
/// </summary>
/// <param name="versionCheckInterval">
/// How long a read may trust the version it last saw instead of asking the store: 0 asks every time. Writes
/// of other instances are seen at most this late; this instance's own writes at once.
/// </param>
public sealed class GraphCatalog(
    IGraphStore store, IEventPublisher events, Func<IEnumerable<IGraphFollower>>? followers = null, TimeSpan versionCheckInterval = default)
{
    private const int WriteAttempts = 10;
    private readonly ConcurrentDictionary<string, GraphSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly StripedGates _writeGates = new();
    private readonly ConcurrentDictionary<string, long> _checkedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, long Version), Lazy<Task<GraphSnapshot?>>> _loads = new();

    /// <summary>Every graph, by name.</summary>
    public Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>The graph as it is now; <see cref="GraphNotFoundException"/> when there is none.</summary>
    public async Task<GraphSnapshot> GetAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken) ?? throw new GraphNotFoundException(name);

    /// <summary>The graph as it is now, or null.</summary>
    public Task<GraphSnapshot?> FindAsync(string name, CancellationToken cancellationToken) =>
        FindAsync(name, insideWrite: false, cancellationToken);

    /// <summary>Whether the graph exists, from its version alone: nothing is loaded.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        await VersionAsync(name, cancellationToken) is not null;

    /// <summary>The graph's current version as the store has it, or null when there is none: nothing is loaded.</summary>
    public async Task<long?> VersionAsync(string name, CancellationToken cancellationToken) =>
        Identifier.IsValid(name) ? await store.GetVersionAsync(name, cancellationToken) : null;

    /// <param name="insideWrite">
    /// True inside a write, which holds the graph's gate itself and must decide on the stored version, not one
    /// trusted for the interval (a retry after a conflict would otherwise meet the same stale version again).
    /// </param>
    private async Task<GraphSnapshot?> FindAsync(string name, bool insideWrite, CancellationToken cancellationToken)
    {
        if (!Identifier.IsValid(name))
        {
            return null;
        }

        if (!insideWrite && versionCheckInterval > TimeSpan.Zero && _snapshots.TryGetValue(name, out var recent) && _checkedAt.TryGetValue(name, out var checkedAt)
            && System.Diagnostics.Stopwatch.GetElapsedTime(checkedAt) < versionCheckInterval)
        {
            return recent;
        }

        var asked = System.Diagnostics.Stopwatch.GetTimestamp();
        var version = await store.GetVersionAsync(name, cancellationToken);
        if (version is null)
        {
            _snapshots.TryRemove(name, out _);
            return null;
        }

        _checkedAt[name] = asked;

        if (_snapshots.TryGetValue(name, out var cached) && cached.Version >= version)
        {
            return cached;
        }

        // A write of this instance may have committed and not yet published its snapshot: wait for it
        // rather than read the whole graph back from the store.
        if (!insideWrite && await _writeGates.WaitWhileHeldAsync(name, cancellationToken)
            && _snapshots.TryGetValue(name, out cached) && cached.Version >= version)
        {
            return cached;
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

    /// <summary>Creates or replaces a whole graph; with <paramref name="ifMatch"/>, only from that version.</summary>
    public async Task<(GraphSnapshot Snapshot, bool Created)> ReplaceAsync(
        string name, DependencyGraph graph, long? ifMatch, CancellationToken cancellationToken)
    {
        if (!Identifier.IsValid(name))
        {
            throw new InvalidGraphNameException(name);
        }

        GraphSnapshot snapshot;
        bool created;
        using (await _writeGates.EnterAsync(name, cancellationToken))
        {
            var result = await store.ReplaceAsync(name, graph, ifMatch, written => NewEvent.Of("graph.changed", new
            {
                Graph = name,
                written.Version,
                Change = new { Kind = written.Created ? "created" : "replaced", Nodes = graph.Nodes.Count, Dependencies = graph.Dependencies.Count },
            }), cancellationToken);
            events.Stored();
            (snapshot, created) = (Remember(new GraphSnapshot(name, graph, result.Version)), result.Created);
        }

        await FollowAsync(snapshot, cancellationToken);
        return (snapshot, created);
    }

    /// <summary>The most changes a merge stores as a batch of changes; a larger merge is stored as the whole merged graph.</summary>
    public const int MaxChangesInOneWrite = 20_000;

    /// <summary>
    /// Stores <paramref name="changes"/> as one version: the caller made them from the graph at
    /// <paramref name="expectedVersion"/> and validated <paramref name="graph"/>, what they make of it. Costs as
    /// much as the changes, where <see cref="ReplaceAsync"/> costs as much as the graph; reported as a
    /// <c>merged</c> change with the graph's size.
    /// </summary>
    public async Task<GraphSnapshot> MergeAsync(
        string name, DependencyGraph graph, IReadOnlyList<GraphChange> changes, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        GraphSnapshot snapshot;
        using (await _writeGates.EnterAsync(name, cancellationToken))
        {
            NewEvent Merged(long made) => NewEvent.Of("graph.changed", new
            {
                Graph = name,
                Version = made,
                Change = new { Kind = "merged", Nodes = graph.Nodes.Count, Dependencies = graph.Dependencies.Count, Changes = changes.Count },
            });

            // A store writes a batch of changes in one transaction, a replace in bounded ones: past this many
            // changes the merged graph is written whole, which a store holds no more of at once than a batch.
            var version = changes.Count > MaxChangesInOneWrite
                ? (await store.ReplaceAsync(name, graph, expectedVersion, written => Merged(written.Version), cancellationToken)).Version
                : await store.ApplyAsync(name, changes, expectedVersion, Merged, cancellationToken);
            events.Stored();
            snapshot = Remember(new GraphSnapshot(name, graph, version));
        }

        await FollowAsync(snapshot, cancellationToken);
        return snapshot;
    }

    /// <summary>
    /// Applies the change that <paramref name="decide"/> makes from the current graph; when another instance
    /// wrote in between (and the client did not pin a version), decides again on the fresh graph.
    /// </summary>
    public async Task<GraphSnapshot> ChangeAsync(
        string name, Func<GraphSnapshot, GraphChange> decide, long? ifMatch, CancellationToken cancellationToken)
    {
        var changed = await ApplyChangeAsync(name, decide, ifMatch, cancellationToken);
        await FollowAsync(changed, cancellationToken);
        return changed;
    }

    private async Task<GraphSnapshot> ApplyChangeAsync(
        string name, Func<GraphSnapshot, GraphChange> decide, long? ifMatch, CancellationToken cancellationToken)
    {
        using (await _writeGates.EnterAsync(name, cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await FindAsync(name, insideWrite: true, cancellationToken) ?? throw new GraphNotFoundException(name);
                if (ifMatch is not null && ifMatch != snapshot.Version)
                {
                    throw new VersionConflictException(name, ifMatch, snapshot.Version);
                }

                var change = decide(snapshot);
                var graph = change.ApplyTo(snapshot.Graph);
                try
                {
                    var version = await store.ApplyAsync(name, [change], snapshot.Version,
                        made => NewEvent.Of("graph.changed", new { Graph = name, Version = made, Change = Describe(change) }), cancellationToken);
                    events.Stored();
                    return Remember(new GraphSnapshot(name, graph, version));
                }
                catch (VersionConflictException) when (ifMatch is null)
                {
                    // Another instance wrote first: decide again on what it left, after a short random pause
                    // so that instances racing for one graph fall out of step.
                    if (attempt == WriteAttempts)
                    {
                        throw new GraphBusyException(name);
                    }

                    await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
                }
            }
        }
    }

    /// <summary>Deletes a graph; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, long? ifMatch, CancellationToken cancellationToken)
    {
        var version = Identifier.IsValid(name) ? await store.GetVersionAsync(name, cancellationToken) : null;
        var deleted = version is not null && await store.DeleteAsync(name, ifMatch,
            NewEvent.Of("graph.changed", new { Graph = name, Version = version, Change = new { Kind = "deleted" } }), cancellationToken);
        _snapshots.TryRemove(name, out _);
        _checkedAt.TryRemove(name, out _);
        if (deleted)
        {
            events.Stored();
        }

        return deleted;
    }

    /// <summary>Tells the followers, after the write gate is released: they may read the graph again.</summary>
    private async Task FollowAsync(GraphSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var follower in followers?.Invoke() ?? [])
        {
            await follower.GraphChangedAsync(snapshot, cancellationToken);
        }
    }

    private static object Describe(GraphChange change) => change switch
    {
        GraphChange.PutNode c => new { Kind = "node-put", Node = c.Node.Id },
        GraphChange.RemoveNode c => new { Kind = "node-removed", Node = c.Id },
        GraphChange.PutDependency c => new { Kind = "dependency-added", c.Dependency.From, c.Dependency.To },
        GraphChange.RemoveDependency c => new { Kind = "dependency-removed", c.From, c.To },
        _ => new { Kind = change.GetType().Name },
    };

    private GraphSnapshot Remember(GraphSnapshot snapshot) =>
        _snapshots.AddOrUpdate(snapshot.Name, snapshot, (_, existing) => existing.Version > snapshot.Version ? existing : snapshot);
}
