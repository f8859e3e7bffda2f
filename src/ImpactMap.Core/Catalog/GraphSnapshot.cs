using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Catalog;

/// <summary>One version of a graph, with its engine built on first use and kept until the graph changes.</summary>
public sealed class GraphSnapshot(string name, DependencyGraph graph, long version)
{
    private readonly Lazy<PropagationEngine> _engine = new(() => new PropagationEngine(graph));
    private readonly Lazy<Node[]> _nodesById = new(() => [.. graph.Nodes.OrderBy(n => n.Id, StringComparer.Ordinal)]);
    private readonly Lazy<Dependency[]> _dependenciesByEnds = new(() =>
        [.. graph.Dependencies.OrderBy(d => d.From, StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal)]);

    /// <summary>The graph's name.</summary>
    public string Name { get; } = name;

    /// <summary>The graph at <see cref="Version"/>.</summary>
    public DependencyGraph Graph { get; } = graph;

    /// <summary>The version this snapshot is of.</summary>
    public long Version { get; } = version;

    /// <summary>The engine over this version, compiled on first use.</summary>
    public PropagationEngine Engine => _engine.Value;

    /// <summary>Nodes in ordinal id order, for paging.</summary>
    public IReadOnlyList<Node> NodesById => _nodesById.Value;

    /// <summary>Dependencies in ordinal (from, to) order, for paging.</summary>
    public IReadOnlyList<Dependency> DependenciesByEnds => _dependenciesByEnds.Value;

    /// <summary>The node of that id; <see cref="NodeNotFoundException"/> when there is none.</summary>
    public Node NodeOrThrow(string id) => Graph.FindNode(id) ?? throw new NodeNotFoundException(Name, id, NearestIds.Of(id, Graph));
}
