namespace ImpactMap.Core.Model;

/// <summary>
/// An immutable graph of nodes and dependencies. Construct with <see cref="Create"/>, which validates;
/// every edit returns a new graph.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<string, int> _nodeIndex;

    private DependencyGraph(
        IReadOnlyList<Node> nodes, IReadOnlyList<Dependency> dependencies, Dictionary<string, int> nodeIndex, GraphValidator.ResolvedEdges edges)
    {
        Nodes = nodes;
        Dependencies = dependencies;
        _nodeIndex = nodeIndex;
        Edges = edges;
    }

    /// <summary>The graph with no nodes.</summary>
    public static DependencyGraph Empty { get; } = Create([], []);

    internal GraphValidator.ResolvedEdges Edges { get; }

    /// <summary>The nodes, in the order given.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>The dependencies, in the order given.</summary>
    public IReadOnlyList<Dependency> Dependencies { get; }

    /// <summary>A valid graph, or <see cref="InvalidGraphException"/> listing every problem.</summary>
    public static DependencyGraph Create(IReadOnlyList<Node> nodes, IReadOnlyList<Dependency> dependencies) => Build(nodes, dependencies, written: true);

    /// <summary>
    /// A graph read back from a store: every rule holds but those only new writes must meet (no control characters
    /// in names and attributes), so that a graph stored before such a rule still loads.
    /// </summary>
    public static DependencyGraph Load(IReadOnlyList<Node> nodes, IReadOnlyList<Dependency> dependencies) => Build(nodes, dependencies, written: false);

    private static DependencyGraph Build(IReadOnlyList<Node> nodes, IReadOnlyList<Dependency> dependencies, bool written)
    {
        var (index, problems, edges) = GraphValidator.Validate(nodes, dependencies, written);
        if (problems.Count > 0)
        {
            throw new InvalidGraphException(problems);
        }

        return new DependencyGraph(nodes, dependencies, index, edges);
    }

    /// <summary>The position of a node in <see cref="Nodes"/>, or -1.</summary>
    public int IndexOf(string id) => _nodeIndex.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The node with this id, or null.</summary>
    public Node? FindNode(string id) => _nodeIndex.TryGetValue(id, out var i) ? Nodes[i] : null;

    /// <summary>True when the graph has a node with this id.</summary>
    public bool Contains(string id) => _nodeIndex.ContainsKey(id);

    /// <summary>
    /// The graph with <paramref name="node"/> added, or replacing the node with its id. A new node, or one whose
    /// group needs stay the same, is checked on its own (dependencies and their resolved ends are shared, so a
    /// single edit stays cheap on a large graph); any other edit validates the whole graph.
    /// </summary>
    public DependencyGraph WithNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var i = IndexOf(node.Id);
        var nodes = Nodes.ToList();
        if (i >= 0 && !SameNeeds(Nodes[i], node))
        {
            nodes[i] = node;
            return AtItem(() => Create(nodes, Dependencies), $"nodes[{i}]", "node");
        }

        var problems = GraphValidator.ValidateAlone(node, hasDependencies: i >= 0);
        if (problems.Count > 0)
        {
            throw new InvalidGraphException(problems);
        }

        var index = _nodeIndex;
        if (i >= 0)
        {
            nodes[i] = node;
        }
        else
        {
            nodes.Add(node);
            index = new Dictionary<string, int>(_nodeIndex, StringComparer.Ordinal) { [node.Id] = nodes.Count - 1 };
        }

        return new DependencyGraph(nodes, Dependencies, index, Edges);
    }

    private static bool SameNeeds(Node a, Node b) =>
        a.Groups.Count == b.Groups.Count && a.Groups.All(g => b.Groups.TryGetValue(g.Key, out var need) && need == g.Value);

    /// <summary>The graph without the node and every dependency on or of it.</summary>
    public DependencyGraph WithoutNode(string id) =>
        Create(
            Nodes.Where(n => n.Id != id).ToList(),
            Dependencies.Where(d => d.From != id && d.To != id).ToList());

    /// <summary>The graph with <paramref name="dependency"/> added; refused when the pair already exists.</summary>
    public DependencyGraph WithDependency(Dependency dependency) =>
        AtItem(() => Create(Nodes, [.. Dependencies, dependency]), $"dependencies[{Dependencies.Count}]", "dependency");

    /// <summary>A change of one item reports that item's problems at its own path ("dependency.to"), not at its place in the whole graph.</summary>
    private static DependencyGraph AtItem(Func<DependencyGraph> change, string placeInGraph, string itemPath)
    {
        try
        {
            return change();
        }
        catch (InvalidGraphException e)
        {
            throw new InvalidGraphException(e.Problems.Select(p => p.Path.StartsWith(placeInGraph, StringComparison.Ordinal)
                ? p with { Path = itemPath + p.Path[placeInGraph.Length..] }
                : p).ToList());
        }
    }

    /// <summary>The graph without the dependency from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public DependencyGraph WithoutDependency(string from, string to) =>
        Create(Nodes, Dependencies.Where(d => d.From != from || d.To != to).ToList());

    /// <summary>The dependency from <paramref name="from"/> to <paramref name="to"/>, or null.</summary>
    public Dependency? FindDependency(string from, string to) =>
        Dependencies.FirstOrDefault(d => d.From == from && d.To == to);
}
