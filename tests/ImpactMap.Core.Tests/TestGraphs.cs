using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>Terse construction of small graphs for hand-written cases.</summary>
internal sealed class TestGraph
{
    private readonly List<Node> _nodes = [];
    private readonly List<Dependency> _dependencies = [];

    public TestGraph Nodes(params string[] ids)
    {
        _nodes.AddRange(ids.Select(id => Node.Create(id, id.StartsWith("cust", StringComparison.Ordinal) ? Node.Customer : Node.Service)));
        return this;
    }

    public TestGraph Need(string node, string group, int need)
    {
        var i = _nodes.FindIndex(n => n.Id == node);
        _nodes[i] = _nodes[i] with { Groups = new Dictionary<string, int>(_nodes[i].Groups) { [group] = need } };
        return this;
    }

    public TestGraph Dep(string from, string to, string? group = null, NodeState effect = NodeState.Down, int toleranceMinutes = 0)
    {
        _dependencies.Add(new Dependency(from, to, group, effect, TimeSpan.FromMinutes(toleranceMinutes)));
        return this;
    }

    public DependencyGraph Build() => DependencyGraph.Create(_nodes, _dependencies);

    public ImpactResult Impact(params string[] downNodes) =>
        new PropagationEngine(Build()).Impact(new ImpactQuery(downNodes.Select(n => new Outage(n)).ToList()));

    public ImpactResult Impact(ImpactQuery query) => new PropagationEngine(Build()).Impact(query);
}

internal static class ImpactResultExtensions
{
    public static NodeState StateOf(this ImpactResult result, string id) =>
        result.Affected.FirstOrDefault(a => a.Id == id)?.State ?? NodeState.Up;

    public static ImpactedNode Get(this ImpactResult result, string id) => result.Affected.Single(a => a.Id == id);
}
