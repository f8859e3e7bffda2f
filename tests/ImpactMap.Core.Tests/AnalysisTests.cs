using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using QuikGraph;
using QuikGraph.Algorithms;

namespace ImpactMap.Core.Tests;

public class AnalysisTests
{
    [Test]
    public void Exposure_lists_every_upstream_provider_and_its_single_points_of_failure()
    {
        var graph = new TestGraph().Nodes("region-a", "region-b", "dns", "payments", "shop")
            .Dep("payments", "region-a", "compute").Dep("payments", "region-b", "compute")
            .Dep("payments", "dns").Dep("shop", "payments");

        var exposure = new PropagationEngine(graph.Build()).Exposure("shop");

        Assert.That(exposure.Providers.Select(p => (p.Id, p.Depth, p.StateIfAloneFails, p.SinglePointOfFailure)), Is.EqualTo(new[]
        {
            ("payments", 1, NodeState.Down, true),
            ("dns", 2, NodeState.Down, true),
            ("region-a", 2, NodeState.AtRisk, false),
            ("region-b", 2, NodeState.AtRisk, false),
        }));
    }

    [Test]
    public void Exposure_of_an_unknown_node_is_refused()
    {
        Assert.Throws<UnknownNodeException>(() => new PropagationEngine(new TestGraph().Nodes("a").Build()).Exposure("b"));
    }

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Exposure_agrees_with_failing_each_provider_alone() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), scenario =>
        {
            var engine = new PropagationEngine(scenario.Graph);
            var node = scenario.Outages[0].Node;
            foreach (var provider in engine.Exposure(node).Providers)
            {
                var alone = engine.Impact(new ImpactQuery([new Outage(provider.Id)]));
                Assert.That(alone.StateOf(node), Is.EqualTo(provider.StateIfAloneFails), $"{provider.Id} alone; {scenario}");
            }
        });

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Criticality_counts_what_the_engine_takes_down_for_each_node_alone() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), scenario =>
        {
            var engine = new PropagationEngine(scenario.Graph);
            var ranking = engine.Criticality(top: scenario.Graph.Nodes.Count);
            Assert.That(ranking, Has.Count.EqualTo(scenario.Graph.Nodes.Count));
            foreach (var critical in ranking)
            {
                var alone = engine.Impact(new ImpactQuery([new Outage(critical.Id)]));
                var down = alone.Affected.Where(a => a.State == NodeState.Down).ToList();
                Assert.That(critical.Down, Is.EqualTo(down.Count), $"{critical.Id}; {scenario}");
                Assert.That(critical.CustomersDown, Is.EqualTo(down.Count(a => scenario.Graph.FindNode(a.Id)!.Kind == Node.Customer)));
            }

            Assert.That(ranking.Select(r => r.Down), Is.Ordered.Descending);
        });

    [Test]
    public void Criticality_ranks_the_shared_provider_first_and_cuts_at_top()
    {
        var graph = new TestGraph().Nodes("cloud", "saas", "bank", "cust-1", "cust-2")
            .Dep("saas", "cloud").Dep("bank", "saas").Dep("cust-1", "bank").Dep("cust-2", "bank");

        var ranking = new PropagationEngine(graph.Build()).Criticality(top: 2);

        Assert.That(ranking, Is.EqualTo(new[] { new NodeCriticality("cloud", 4, 2), new NodeCriticality("saas", 3, 2) }));
    }

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Cycles_are_the_strongly_connected_components_QuikGraph_finds() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), scenario =>
        {
            var quik = new AdjacencyGraph<string, Edge<string>>();
            quik.AddVertexRange(scenario.Graph.Nodes.Select(n => n.Id));
            quik.AddEdgeRange(scenario.Graph.Dependencies.Select(d => new Edge<string>(d.From, d.To)));
            var components = new Dictionary<string, int>();
            quik.StronglyConnectedComponents(components);
            var expected = components.GroupBy(c => c.Value)
                .Select(g => g.Select(c => c.Key).Order(StringComparer.Ordinal).ToList())
                .Where(c => c.Count > 1)
                .Select(c => string.Join(",", c))
                .Order(StringComparer.Ordinal);

            var actual = new PropagationEngine(scenario.Graph).Cycles().Select(c => string.Join(",", c)).Order(StringComparer.Ordinal);

            Assert.That(actual, Is.EqualTo(expected), scenario.ToString());
        });

    [Test]
    public void Cycles_on_a_deep_chain_do_not_overflow_the_stack()
    {
        const int length = 200_000;
        var nodes = Enumerable.Range(0, length).Select(i => Node.Create($"n{i}", Node.Service)).ToList();
        var dependencies = Enumerable.Range(1, length - 1).Select(i => Dependency.Create($"n{i}", $"n{i - 1}")).ToList();
        dependencies.Add(Dependency.Create("n0", $"n{length - 1}"));

        var cycles = new PropagationEngine(DependencyGraph.Create(nodes, dependencies)).Cycles();

        Assert.That(cycles.Single(), Has.Count.EqualTo(length));
    }
}
