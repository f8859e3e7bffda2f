using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>A random graph with the outages to ask about, as FsCheck generates and shrinks it.</summary>
public sealed record Scenario(DependencyGraph Graph, IReadOnlyList<Outage> Outages, int? MaxDepth, long? DurationSeconds)
{
    public override string ToString() =>
        $"nodes {string.Join(",", Graph.Nodes.Select(n => $"{n.Id}{(n.Groups.Count > 0 ? "{" + string.Join(",", n.Groups.Select(g => $"{g.Key}:{g.Value}")) + "}" : "")}"))}; " +
        $"deps {string.Join(" ", Graph.Dependencies.Select(d => $"{d.From}->{d.To}[{d.Group},{d.Effect},{d.Tolerance.TotalSeconds}]"))}; " +
        $"outages {string.Join(",", Outages.Select(o => $"{o.Node}:{o.State}"))}; maxDepth {MaxDepth}; duration {DurationSeconds}";
}

internal static class RandomGraphs
{
    private static readonly NodeState[] Effects = [NodeState.Down, NodeState.Down, NodeState.Degraded, NodeState.AtRisk];
    private static readonly int[] Tolerances = [0, 0, 0, 60, 300];

    /// <summary>
    /// Graphs of 2 to 14 nodes with dense random dependencies: cycles, groups of alternatives with random
    /// needs, every effect, a few tolerances, one to three origins in any state.
    /// </summary>
    public static Gen<Scenario> Scenarios(bool withTime) =>
        from nodeCount in Gen.Choose(2, 14)
        from edges in Gen.ListOf(Edge(nodeCount, withTime))
        from needSeeds in Gen.ArrayOf(Gen.Choose(1, 3), nodeCount * 2)
        from outages in Gen.NonEmptyListOf(Gen.Zip(Gen.Choose(0, nodeCount - 1), Gen.Elements(NodeState.Down, NodeState.Down, NodeState.Degraded, NodeState.AtRisk)))
        from maxDepth in Gen.Frequency((4, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 4).Select(d => (int?)d)))
        from duration in withTime ? Gen.Elements<long?>(null, null, 60, 61, 300, 600) : Gen.Constant<long?>(null)
        select Build(nodeCount, edges, needSeeds, outages.Take(3).ToList(), maxDepth, duration);

    /// <summary>
    /// Twelve queries in a row for one engine, on a graph of 40 to 120 nodes: mostly layered (later nodes
    /// depend on earlier ones) with some cycles, groups, every effect and tolerances. Node n0 is a hub a third
    /// of the nodes depend on, so its queries touch over a sixteenth of the engine's arrays and its reset
    /// clears them whole; the last node has no dependents, so its queries touch one node and reset place by
    /// place. Both kinds come between random queries, so each reset is followed by another query.
    /// </summary>
    public static Gen<IReadOnlyList<Scenario>> QuerySequences() =>
        from nodeCount in Gen.Choose(40, 120)
        from edges in Gen.ArrayOf(LayeredEdge(nodeCount), nodeCount * 2)
        from hubTolerances in Gen.ArrayOf(Gen.Choose(0, Tolerances.Length - 1), nodeCount)
        from needSeeds in Gen.ArrayOf(Gen.Choose(1, 3), nodeCount * 2)
        from queries in Gen.ArrayOf(Query(nodeCount), 12)
        select Sequence(nodeCount, edges, hubTolerances, needSeeds, queries);

    private static Gen<(int From, int To, int Group, int Effect, int Tolerance)> LayeredEdge(int nodeCount) =>
        from dependent in Gen.Choose(1, nodeCount - 1)
        from provider in Gen.Frequency((9, Gen.Choose(0, dependent - 1)), (1, Gen.Choose(0, nodeCount - 1)))
        from g in Gen.Choose(-1, 1)
        from effect in Gen.Choose(0, Effects.Length - 1)
        from tolerance in Gen.Choose(0, Tolerances.Length - 1)
        select (dependent, provider, g, effect, tolerance);

    private static Gen<(List<(int Node, NodeState State)> Outages, int? MaxDepth, long? Duration)> Query(int nodeCount) =>
        from outages in Gen.NonEmptyListOf(Gen.Zip(Gen.Choose(0, nodeCount - 1), Gen.Elements(NodeState.Down, NodeState.Down, NodeState.Degraded, NodeState.AtRisk)))
        from maxDepth in Gen.Frequency((4, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 6).Select(d => (int?)d)))
        from duration in Gen.Elements<long?>(null, null, 60, 61, 300, 600)
        select (outages.Take(3).ToList(), maxDepth, duration);

    private static IReadOnlyList<Scenario> Sequence(
        int nodeCount, IEnumerable<(int From, int To, int Group, int Effect, int Tolerance)> edges, int[] hubTolerances, int[] needSeeds,
        (List<(int Node, NodeState State)> Outages, int? MaxDepth, long? Duration)[] queries)
    {
        var leaf = nodeCount - 1;
        var hubEdges = Enumerable.Range(1, nodeCount - 2).Where(i => i % 3 == 0).Select(i => (i, 0, -1, 0, hubTolerances[i]));
        var graph = Build(nodeCount, hubEdges.Concat(edges.Where(e => e.To != leaf)), needSeeds, [], null, null).Graph;
        return queries.Select((q, i) =>
        {
            var outages = (i % 4) switch
            {
                1 => [(0, NodeState.Down)],
                2 => [(leaf, q.Outages[0].State)],
                _ => q.Outages,
            };
            // The hub's queries are never masked, so that they reach a third of the graph.
            return new Scenario(graph, outages.Select(o => new Outage(Id(o.Node), o.State)).ToList(), i % 4 == 1 ? null : q.MaxDepth, q.Duration);
        }).ToList();
    }

    private static Gen<(int From, int To, int Group, int Effect, int Tolerance)> Edge(int nodeCount, bool withTime) =>
        from source in Gen.Choose(0, nodeCount - 1)
        from target in Gen.Choose(0, nodeCount - 1)
        from g in Gen.Choose(-1, 1)
        from effect in Gen.Choose(0, Effects.Length - 1)
        from tolerance in withTime ? Gen.Choose(0, Tolerances.Length - 1) : Gen.Constant(0)
        select (source, target, g, effect, tolerance);

    private static Scenario Build(
        int nodeCount, IEnumerable<(int From, int To, int Group, int Effect, int Tolerance)> edges,
        int[] needSeeds, IReadOnlyList<(int Node, NodeState State)> outages, int? maxDepth, long? duration)
    {
        var dependencies = new List<Dependency>();
        var seen = new HashSet<(int, int)>();
        foreach (var e in edges)
        {
            if (e.From == e.To || !seen.Add((e.From, e.To)))
            {
                continue;
            }

            dependencies.Add(new Dependency(
                Id(e.From), Id(e.To), e.Group < 0 ? null : $"g{e.Group}", Effects[e.Effect], TimeSpan.FromSeconds(Tolerances[e.Tolerance])));
        }

        var nodes = Enumerable.Range(0, nodeCount).Select(i =>
        {
            var groups = new Dictionary<string, int>();
            for (var g = 0; g < 2; g++)
            {
                var size = dependencies.Count(d => d.From == Id(i) && d.Group == $"g{g}");
                if (size > 0)
                {
                    groups[$"g{g}"] = Math.Min(size, needSeeds[i * 2 + g]);
                }
            }

            return new Node(Id(i), Id(i), i % 3 == 2 ? Node.Customer : Node.Service, new Dictionary<string, string>(), groups);
        }).ToList();

        return new Scenario(
            DependencyGraph.Create(nodes, dependencies),
            outages.Select(o => new Outage(Id(o.Node), o.State)).ToList(),
            maxDepth,
            duration);
    }

    private static string Id(int i) => $"n{i}";
}
