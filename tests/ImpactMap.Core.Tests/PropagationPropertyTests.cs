using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class PropagationPropertyTests
{
    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property States_match_the_reference_on_random_graphs() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), scenario => AgreesWithReference(new PropagationEngine(scenario.Graph), scenario));

    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property States_and_impact_times_match_the_reference_with_tolerances_and_durations() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), scenario => AgreesWithReference(new PropagationEngine(scenario.Graph), scenario));

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property Many_queries_in_a_row_on_one_engine_match_the_reference_after_both_kinds_of_reset() =>
        Prop.ForAll(Arb.From(RandomGraphs.QuerySequences()), sequence =>
        {
            var engine = new PropagationEngine(sequence[0].Graph);
            foreach (var scenario in sequence)
            {
                AgreesWithReference(engine, scenario);
            }
        });

    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property Every_path_starts_at_an_origin_and_follows_dependencies_that_explain_the_harm() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), scenario =>
            ChainsExplain(scenario, Impact(new PropagationEngine(scenario.Graph), scenario, limit: null)));

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property The_limit_keeps_the_first_affected_by_depth_then_id_and_counts_all() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), Arb.From(Gen.Choose(0, 5)), (scenario, limit) =>
        {
            var engine = new PropagationEngine(scenario.Graph);
            var all = Impact(engine, scenario, limit: null);
            var some = Impact(engine, scenario, limit);
            var expected = all.Affected.OrderBy(a => a.Depth).ThenBy(a => a.Id, StringComparer.Ordinal).Take(limit).Select(a => a.Id);
            Assert.That(some.Affected.Select(a => a.Id), Is.EqualTo(expected), scenario.ToString());
            Assert.That(some.Total, Is.EqualTo(all.Total));
            Assert.That(some.Truncated, Is.EqualTo(all.Total > limit));
            Assert.That(some.Counts, Is.EqualTo(all.Counts));
        });

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property Pages_of_any_size_with_any_filter_list_each_matching_node_once_in_order() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.Choose(1, 4)), Arb.From(Gen.Choose(0, 31)),
            (scenario, pageSize, filterSeed) =>
            {
                var engine = new PropagationEngine(scenario.Graph);
                var all = Impact(engine, scenario, limit: null);
                IReadOnlySet<NodeState>? states = (filterSeed & 3) switch
                {
                    1 => new HashSet<NodeState> { NodeState.Down },
                    2 => new HashSet<NodeState> { NodeState.Degraded, NodeState.AtRisk },
                    _ => null,
                };
                IReadOnlySet<string>? kinds = (filterSeed & 12) == 4 ? new HashSet<string> { Node.Customer } : null;
                // Every other affected node, and one id the graph does not have (it matches nothing).
                IReadOnlySet<string>? nodes = (filterSeed & 16) != 0
                    ? all.Affected.Where((_, i) => i % 2 == 0).Select(a => a.Id).Append("no-such-node").ToHashSet(StringComparer.Ordinal)
                    : null;
                var kindOf = scenario.Graph.Nodes.ToDictionary(n => n.Id, n => n.Kind);
                var expected = all.Affected
                    .Where(a => (states is null || states.Contains(a.State)) && (kinds is null || kinds.Contains(kindOf[a.Id]))
                                && (nodes is null || nodes.Contains(a.Id)))
                    .ToList();

                var listed = new List<ImpactedNode>();
                ImpactPosition? after = null;
                for (var page = 0; page <= expected.Count; page++)
                {
                    var result = engine.Impact(Query(scenario, pageSize) with { After = after, States = states, Kinds = kinds, Nodes = nodes, IncludePaths = page % 2 == 0 });
                    Assert.That((result.Total, result.Counts, result.Matching), Is.EqualTo((all.Total, all.Counts, expected.Count)), "counts cover every affected node");
                    Assert.That(result.Affected, Has.Count.LessThanOrEqualTo(pageSize));
                    Assert.That(result.Affected.All(a => (a.Path is null) == (page % 2 == 1)), Is.True, "paths only when asked");
                    listed.AddRange(result.Affected);
                    Assert.That(result.Truncated, Is.EqualTo(result.Next is not null));
                    if (result.Next is null)
                    {
                        break;
                    }

                    after = result.Next;
                }

                Assert.That(listed.Select(a => (a.Id, a.State, a.Depth, a.Via, a.ImpactAt)),
                    Is.EqualTo(expected.Select(a => (a.Id, a.State, a.Depth, a.Via, a.ImpactAt))), scenario.ToString());
            });

    [Test]
    public void A_query_whose_chains_exceed_the_allowed_ids_is_refused_and_one_without_chains_is_not()
    {
        // A chain of 2,000: the answer's chains hold 2 + 3 + ... + 2,000 ids, about two million.
        var nodes = Enumerable.Range(0, 2000).Select(i => Node.Create($"n{i}", Node.Service)).ToList();
        var graph = DependencyGraph.Create(nodes, Enumerable.Range(1, 1999).Select(i => Dependency.Create($"n{i}", $"n{i - 1}")).ToList());
        var engine = new PropagationEngine(graph);
        var query = new ImpactQuery([new Outage("n0")]) { MaxPathIds = 1_000_000 };

        var refused = Assert.Throws<PathBudgetExceededException>(() => engine.Impact(query));
        var withoutChains = engine.Impact(query with { IncludePaths = false });
        var firstPage = engine.Impact(query with { Limit = 100 });

        Assert.That(refused!.PathIds, Is.EqualTo(Enumerable.Range(2, 1999).Sum() + 1L));
        Assert.That(withoutChains.Affected, Has.Count.EqualTo(1999));
        Assert.That(withoutChains.Affected[^1].Via, Is.EqualTo("n1998"));
        Assert.That(firstPage.Affected[^1].Path, Has.Count.EqualTo(101));
    }

    /// <summary>Every node's state and impactAt, every origin's state, every count and every chain, against the reference.</summary>
    private static void AgreesWithReference(PropagationEngine engine, Scenario scenario)
    {
        var expected = ReferenceEngine.Run(
            scenario.Graph, scenario.Outages.Select(o => (o.Node, o.State)).ToList(), scenario.MaxDepth, scenario.DurationSeconds);
        var result = Impact(engine, scenario, limit: null);
        var origins = scenario.Outages.Select(o => o.Node).ToHashSet();
        var actual = result.Affected.ToDictionary(a => a.Id, a => new ReferenceEngine.Answer(a.State, (long)a.ImpactAt.TotalSeconds));
        var expectedAffected = expected.Where(e => !origins.Contains(e.Key)).ToDictionary();
        Assert.That(actual, Is.EquivalentTo(expectedAffected), scenario.ToString());
        Assert.That(result.Origins.Select(o => o.Id), Is.EquivalentTo(origins), scenario.ToString());
        foreach (var origin in result.Origins)
        {
            Assert.That(origin.State, Is.EqualTo(expected[origin.Id].State), scenario.ToString());
            Assert.That((long)origin.ImpactAt.TotalSeconds, Is.EqualTo(expected[origin.Id].ImpactAtSeconds), scenario.ToString());
        }

        int Expected(NodeState state) => expectedAffected.Values.Count(a => a.State == state);
        Assert.That(result.Counts, Is.EqualTo(new StateCounts(Expected(NodeState.Down), Expected(NodeState.Degraded), Expected(NodeState.AtRisk))),
            scenario.ToString());
        Assert.That(result.Total, Is.EqualTo(expectedAffected.Count));
        Assert.That(result.Truncated, Is.False);
        ChainsExplain(scenario, result);
    }

    /// <summary>
    /// Each chain runs from an origin along dependencies, one hop per step of its depth, through providers that
    /// are hit; its last step explains the node's state: alone (the dependency's effect and its provider's
    /// state are both at least that bad), or through a group whose members, as they ended, contribute it.
    /// </summary>
    private static void ChainsExplain(Scenario scenario, ImpactResult result)
    {
        var origins = scenario.Outages.Select(o => o.Node).ToHashSet();
        var states = result.Affected.Concat(result.Origins).ToDictionary(a => a.Id, a => a.State);
        NodeState StateOf(string id) => states.GetValueOrDefault(id, NodeState.Up);
        foreach (var node in result.Affected)
        {
            var path = node.Path!;
            Assert.That(origins, Does.Contain(path[0]), scenario.ToString());
            Assert.That(path, Has.Count.EqualTo(node.Depth + 1));
            Assert.That(path[^1], Is.EqualTo(node.Id));
            Assert.That(node.Via, Is.EqualTo(path[^2]), "via is the node before it on its chain");
            for (var i = 1; i < path.Count; i++)
            {
                var d = scenario.Graph.FindDependency(path[i], path[i - 1]);
                Assert.That(d, Is.Not.Null, $"{path[i]} does not depend on {path[i - 1]}: {scenario}");
                Assert.That(StateOf(path[i - 1]), Is.GreaterThan(NodeState.Up));
            }

            var last = scenario.Graph.FindDependency(node.Id, path[^2])!;
            var explained = last.Group is null
                ? Min(last.Effect, StateOf(last.To))
                : ReferenceEngine.GroupContribution(
                    scenario.Graph.Dependencies.Where(m => m.From == node.Id && m.Group == last.Group).Select(m => Min(m.Effect, StateOf(m.To))).ToList(),
                    scenario.Graph.FindNode(node.Id)!.NeedOf(last.Group));
            Assert.That(explained, Is.GreaterThanOrEqualTo(node.State), $"{node.Id} is {node.State} by way of {last.To}: {scenario}");
        }

        foreach (var origin in result.Origins)
        {
            // An origin another origin made worse carries that one's chain.
            Assert.That(origin.Path![^1], Is.EqualTo(origin.Id));
            Assert.That(origin.Via, Is.EqualTo(origin.Path.Count > 1 ? origin.Path[^2] : null));
            Assert.That(origin.Path, Has.Count.EqualTo(origin.Depth + 1));
        }

        static NodeState Min(NodeState a, NodeState b) => a < b ? a : b;
    }

    private static ImpactResult Impact(PropagationEngine engine, Scenario scenario, int? limit) => engine.Impact(Query(scenario, limit));

    private static ImpactQuery Query(Scenario scenario, int? limit) =>
        new(scenario.Outages, scenario.MaxDepth, limit, scenario.DurationSeconds is { } d ? TimeSpan.FromSeconds(d) : null);
}
