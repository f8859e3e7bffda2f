using ImpactMap.Core.Model;

namespace ImpactMap.Core.Storage;

/// <summary>A graph's name, size and version, as listed.</summary>
public sealed record GraphSummary(string Name, int Nodes, int Dependencies, long Version);

/// <summary>A graph as stored, with the version it had when read.</summary>
public sealed record StoredGraph(string Name, DependencyGraph Graph, long Version);

/// <summary>The outcome of replacing a whole graph.</summary>
public sealed record ReplaceResult(long Version, bool Created);

/// <summary>One change to a stored graph, applied atomically with a version check.</summary>
public abstract record GraphChange
{
    private GraphChange()
    {
    }

    /// <summary>Adds a node or replaces the node with its id.</summary>
    public sealed record PutNode(Node Node) : GraphChange;

    /// <summary>Removes a node and every dependency on or of it.</summary>
    public sealed record RemoveNode(string Id) : GraphChange;

    /// <summary>Adds a dependency, or replaces the one between the same two nodes in its place.</summary>
    public sealed record PutDependency(Dependency Dependency) : GraphChange;

    /// <summary>Removes the dependency from one node to another.</summary>
    public sealed record RemoveDependency(string From, string To) : GraphChange;

    /// <summary>The graph after this change; <see cref="InvalidGraphException"/> when it breaks a rule.</summary>
    public DependencyGraph ApplyTo(DependencyGraph graph) => this switch
    {
        PutNode c => graph.WithNode(c.Node),
        RemoveNode c => graph.WithoutNode(c.Id),
        PutDependency c => graph.FindDependency(c.Dependency.From, c.Dependency.To) is null
            ? graph.WithDependency(c.Dependency)
            : DependencyGraph.Create(graph.Nodes, [.. graph.Dependencies.Select(d => d.From == c.Dependency.From && d.To == c.Dependency.To ? c.Dependency : d)]),
        RemoveDependency c => graph.WithoutDependency(c.From, c.To),
        _ => throw new InvalidOperationException(GetType().Name),
    };
}

/// <summary>
/// Where graphs live: the port that every store (embedded SQLite, Neo4j) implements. Every write is atomic
/// and durable when its task completes; every write moves the graph's version up. Versions are checked, so
/// that several writers (threads or service instances) never lose each other's changes.
/// </summary>
public interface IGraphStore
{
    /// <summary>Every graph, by name.</summary>
    Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>A graph's current version, or null when it does not exist. Cheap: read before every query.</summary>
    Task<long?> GetVersionAsync(string name, CancellationToken cancellationToken);

    /// <summary>A whole graph, or null.</summary>
    Task<StoredGraph?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a whole graph, or creates it. With <paramref name="expectedVersion"/>, only from that version
    /// (0 meaning "must not exist"). All or nothing.
    /// </summary>
    /// <remarks><paramref name="changed"/> gives the event reporting the write, appended in its transaction.</remarks>
    Task<ReplaceResult> ReplaceAsync(
        string name, DependencyGraph graph, long? expectedVersion, Func<ReplaceResult, NewEvent>? changed, CancellationToken cancellationToken);

    /// <summary>
    /// Applies changes in their order as one version, all or nothing, already validated against the graph at
    /// <paramref name="expectedVersion"/>: new nodes and dependencies go after the others, replaced ones keep
    /// their place. <paramref name="changed"/> gives the event reporting them from the version they made,
    /// appended in the same transaction. The work is proportional to the changes, not to the graph.
    /// </summary>
    Task<long> ApplyAsync(
        string name, IReadOnlyList<GraphChange> changes, long expectedVersion, Func<long, NewEvent>? changed, CancellationToken cancellationToken);

    /// <summary>Deletes a graph, appending <paramref name="changed"/> in the same transaction; false when it did not exist. With a version, only from that version.</summary>
    Task<bool> DeleteAsync(string name, long? expectedVersion, NewEvent? changed, CancellationToken cancellationToken);
}
