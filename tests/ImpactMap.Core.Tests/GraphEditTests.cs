using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class GraphEditTests
{
    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Editing_a_node_agrees_with_validating_the_whole_graph_again() =>
        Prop.ForAll(
            Arb.From(
                from scenario in RandomGraphs.Scenarios(withTime: false)
                from target in Gen.Choose(0, 20)
                from kind in Gen.Elements("service", "Bad Kind", "customer")
                from needs in Gen.Elements(0, 1, 2)
                select (scenario, target, kind, needs)),
            edit =>
            {
                var (scenario, target, kind, needs) = edit;
                var graph = scenario.Graph;
                var id = target < graph.Nodes.Count ? graph.Nodes[target].Id : $"new{target}";
                var old = graph.FindNode(id);
                var groups = needs switch
                {
                    0 => old?.Groups ?? new Dictionary<string, int>(),
                    1 => new Dictionary<string, int>(),
                    _ => new Dictionary<string, int> { ["g0"] = 1 },
                };
                var node = new Node(id, "renamed", kind, new Dictionary<string, string> { ["owner"] = "x" }, groups);
                var nodes = graph.Nodes.ToList();
                var at = nodes.FindIndex(n => n.Id == id);
                if (at >= 0)
                {
                    nodes[at] = node;
                }
                else
                {
                    nodes.Add(node);
                }

                DependencyGraph? expected = null, actual = null;
                try { expected = DependencyGraph.Create(nodes, graph.Dependencies); } catch (InvalidGraphException) { }
                try { actual = graph.WithNode(node); } catch (InvalidGraphException) { }

                Assert.That(actual is null, Is.EqualTo(expected is null), $"accepted by one and not the other: {node}; {scenario}");
                if (actual is not null && expected is not null)
                {
                    Assert.That(actual.Nodes, Is.EqualTo(expected.Nodes));
                    Assert.That(actual.IndexOf(id), Is.EqualTo(expected.IndexOf(id)));
                    var query = new ImpactQuery(scenario.Outages);
                    var fast = new PropagationEngine(actual).Impact(query);
                    var full = new PropagationEngine(expected).Impact(query);
                    Assert.That(fast.Affected.Select(a => (a.Id, a.State)), Is.EqualTo(full.Affected.Select(a => (a.Id, a.State))));
                }
            });
}
