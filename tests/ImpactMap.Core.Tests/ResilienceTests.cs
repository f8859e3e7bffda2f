using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;

namespace ImpactMap.Core.Tests;

/// <summary>What a resilience property asks: of this graph, this node, at this level.</summary>
internal sealed record ResilienceQuestion(DependencyGraph Graph, string Node, NodeState Level)
{
    public override string ToString() =>
        $"{Node} {Level}; nodes {string.Join(",", Graph.Nodes.Select(n => $"{n.Id}{(n.Groups.Count > 0 ? "{" + string.Join(",", n.Groups.Select(g => $"{g.Key}:{g.Value}")) + "}" : "")}@{n.Availability}"))}; " +
        $"deps {string.Join(" ", Graph.Dependencies.Select(d => $"{d.From}->{d.To}[{d.Group},{d.Effect}]"))}";
}

/// <summary>
/// The resilience analysis against brute force: every failure set of a small graph's cone propagated by the
/// engine itself (cycles included, which fault trees cannot express).
/// </summary>
public class ResilienceTests
{
    private static readonly double?[] Availabilities = [null, 0.5, 0.9, 0.99, 0.999, 1];

    /// <summary>A random graph (cycles, groups, every effect) with availabilities drawn from the list, a node of it and a level.</summary>
    internal static Gen<ResilienceQuestion> Questions(double?[] availabilities) =>
        from scenario in RandomGraphs.Scenarios(withTime: false)
        from drawn in Gen.ArrayOf(Gen.Elements(availabilities), 14)
        from level in Gen.Elements(NodeState.Down, NodeState.Degraded, NodeState.AtRisk)
        select new ResilienceQuestion(
            DependencyGraph.Create(scenario.Graph.Nodes.Select((n, i) => n with { Availability = drawn[i] }).ToList(), scenario.Graph.Dependencies),
            scenario.Outages[0].Node, level);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property Cut_sets_unavailability_importance_and_false_fallbacks_match_brute_force() =>
        Prop.ForAll(Arb.From(Questions(Availabilities)), question =>
            {
                var (graph, node, level) = question;
                var engine = new PropagationEngine(graph);
                var result = engine.Resilience(new ResilienceQuery(node, level, MaxOrder: 4, Limit: 100_000));
                var brute = new BruteForce(engine, node, level);

                Assert.That(result.Method, Is.EqualTo(ProbabilityMethod.Exact));
                Assert.That(result.CutSetsTruncated, Is.False);
                Assert.That(result.CutSets.Select(c => string.Join(",", c.Nodes)), Is.EquivalentTo(brute.MinimalCutSets(4).Select(s => string.Join(",", s))));
                Assert.That(result.CutSets[0].Nodes, Is.EqualTo(new[] { node }), "the node itself comes first");
                Assert.That(result.CutSets.Select(c => c.Probability), Is.EqualTo(result.CutSets.Select(c => c.Nodes.Aggregate(1.0, (p, id) => p * brute.P(id)))).Within(1e-15));
                var exact = brute.Probability();
                Assert.That(result.Unavailability, Is.EqualTo(exact).Within(1e-12));
                if (exact > 0)
                {
                    var expected = brute.Relevant().Where(id => graph.FindNode(id)!.Availability is not null).ToList();
                    Assert.That(result.Importance.Select(i => i.Node), Is.EquivalentTo(expected));
                    foreach (var importance in result.Importance)
                    {
                        var (fails, works) = (brute.Probability(importance.Node, true), brute.Probability(importance.Node, false));
                        Assert.That(importance.Birnbaum, Is.EqualTo(fails - works).Within(1e-12), importance.Node);
                        Assert.That(importance.Raw, Is.EqualTo(fails / exact).Within(1e-9 * Math.Max(1, fails / exact)), importance.Node);
                        Assert.That(importance.Rrw, works > 0 ? Is.EqualTo(exact / works).Within(1e-9 * Math.Max(1, exact / works)) : Is.Null, importance.Node);
                    }
                }
                else
                {
                    Assert.That(result.Importance, Is.Empty);
                }

                Assert.That(result.FalseFallbacks.Select(f => $"{f.Node}/{f.Group}: {string.Join(",", f.DefeatedBy)}"),
                    Is.EquivalentTo(brute.FalseFallbacks()), question.ToString());
            });

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Past_the_diagram_budget_cut_sets_and_false_fallbacks_stay_exact_and_the_estimate_is_close() =>
        Prop.ForAll(Arb.From(Questions(Availabilities)), question =>
            {
                var (graph, node, level) = question;
                var engine = new PropagationEngine(graph);
                var exact = engine.Resilience(new ResilienceQuery(node, level, MaxOrder: 3, Limit: 100_000));
                var sampled = engine.Resilience(new ResilienceQuery(node, level, MaxOrder: 3, Limit: 100_000) { DiagramBudget = 2, Samples = 20_000 });

                Assert.That(sampled.Method, Is.EqualTo(ProbabilityMethod.MonteCarlo));
                // Every order: orders 1 and 2 have their own families, 3 and 4 the general ones; a limit of 3 truncates the same.
                foreach (var (order, limit) in new[] { (1, 100_000), (2, 100_000), (2, 3), (3, 100_000), (4, 100_000), (4, 3) })
                {
                    var exactly = engine.Resilience(new ResilienceQuery(node, level, order, limit));
                    var fromFamilies = engine.Resilience(new ResilienceQuery(node, level, order, limit) { DiagramBudget = 2, Samples = 64 });
                    Assert.That(fromFamilies.CutSets.Select(c => (string.Join(",", c.Nodes), c.Probability)), Is.EqualTo(exactly.CutSets.Select(c => (string.Join(",", c.Nodes), c.Probability))),
                        $"order {order}, limit {limit}: {question}");
                    Assert.That(fromFamilies.CutSetsTruncated, Is.EqualTo(exactly.CutSetsTruncated), $"order {order}, limit {limit}");
                }

                Assert.That(sampled.FalseFallbacks.Select(f => $"{f.Node}/{f.Group}: {string.Join(",", f.DefeatedBy)}"),
                    Is.EqualTo(exact.FalseFallbacks.Select(f => $"{f.Node}/{f.Group}: {string.Join(",", f.DefeatedBy)}")));
                // Six standard errors: a sound estimate strays further about once in a billion.
                var error = 6 * Math.Sqrt(exact.Unavailability * (1 - exact.Unavailability) / 20_000) + 3.0 / 20_000;
                Assert.That(sampled.Unavailability, Is.EqualTo(exact.Unavailability).Within(error));
                Assert.That(sampled.Interval95!.Value.Low, Is.LessThanOrEqualTo(sampled.Unavailability));
                Assert.That(sampled.Interval95!.Value.High, Is.GreaterThanOrEqualTo(sampled.Unavailability));
            });

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Past_the_families_work_bound_too_the_single_points_match_brute_force() =>
        Prop.ForAll(Arb.From(Questions(Availabilities)), question =>
            {
                var (graph, node, level) = question;
                var engine = new PropagationEngine(graph);
                // No work allowed for the families: each failure alone is evaluated, 64 at a time, as samples are.
                var singles = engine.Resilience(new ResilienceQuery(node, level, MaxOrder: 2, Limit: 100_000) { DiagramBudget = 2, FamilyWork = -1, Samples = 64 });
                var brute = new BruteForce(engine, node, level);

                Assert.That(singles.CutSets.Select(c => string.Join(",", c.Nodes)),
                    Is.EqualTo(brute.MinimalCutSets(1).Select(s => string.Join(",", s)).OrderBy(s => s == node ? 0 : 1).ThenByDescending(s => brute.P(s)).ThenBy(s => s, StringComparer.Ordinal)),
                    question.ToString());
                if (brute.MinimalCutSets(2).Any(s => s.Count == 2))
                {
                    Assert.That(singles.CutSetsTruncated, Is.True, "only the single points are known");
                }
            });

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property The_ranking_shares_one_diagram_and_agrees_with_each_node_asked_alone() =>
        Prop.ForAll(Arb.From(Questions(Availabilities)), question =>
            {
                var (graph, node, level) = question;
                var engine = new PropagationEngine(graph);
                var ranked = engine.WeakestNodes(kind: null, level, top: 100);
                var tops = graph.Nodes.Where(n => graph.Dependencies.All(d => d.To != n.Id)).Select(n => n.Id).ToList();
                // The same, each node on its own diagram (as when a shared one would grow too large).
                var separately = ResilienceAnalysis.Rank(engine, tops.Select(graph.IndexOf).ToList(), level, budget: 4_000_000, CancellationToken.None, sharedBudget: 3);
                Assert.That(separately.Select(w => (w.Node, w.SinglePoints, w.FalseFallbacks)),
                    Is.EquivalentTo(ranked.Select(w => (w.Node, w.SinglePoints, w.FalseFallbacks))));
                Assert.That(separately.OrderBy(w => w.Node).Select(w => w.Unavailability),
                    Is.EqualTo(ranked.OrderBy(w => w.Node).Select(w => w.Unavailability)).Within(1e-12));

                Assert.That(ranked.Select(w => w.Node), Is.EquivalentTo(tops), "nodes nothing depends on");
                Assert.That(ranked.Select(w => w.Unavailability), Is.Ordered.Descending);
                foreach (var weak in ranked)
                {
                    var alone = engine.Resilience(new ResilienceQuery(weak.Node, level, MaxOrder: 1, Limit: 100_000));
                    Assert.That(weak.Unavailability, Is.EqualTo(alone.Unavailability).Within(1e-12), weak.Node);
                    Assert.That(weak.SinglePoints, Is.EqualTo(alone.CutSets.Count - 1), weak.Node);
                    Assert.That(weak.FalseFallbacks, Is.EqualTo(alone.FalseFallbacks.Count), weak.Node);
                }
            });

    [Test]
    public void Two_payment_providers_on_one_region_are_a_false_fallback_and_a_second_region_makes_it_real()
    {
        var region = Node.Create("region", Node.Supplier) with { Availability = 0.999 };
        var other = Node.Create("other-region", Node.Supplier) with { Availability = 0.999 };
        var pspA = Node.Create("psp-a", Node.Supplier) with { Availability = 0.9995 };
        var pspB = Node.Create("psp-b", Node.Supplier) with { Availability = 0.9995 };
        var shop = new Node("shop", "Shop", Node.Customer, new Dictionary<string, string>(), new Dictionary<string, int> { ["psp"] = 1 });
        Dependency[] shared =
        [
            Dependency.Create("psp-a", "region"), Dependency.Create("psp-b", "region"),
            Dependency.Create("shop", "psp-a", "psp"), Dependency.Create("shop", "psp-b", "psp"),
        ];
        var onOne = new PropagationEngine(DependencyGraph.Create([region, other, pspA, pspB, shop], shared)).Resilience(new ResilienceQuery("shop"));
        var onTwo = new PropagationEngine(DependencyGraph.Create([region, other, pspA, pspB, shop],
            [.. shared.Where(d => d.From != "psp-b"), Dependency.Create("psp-b", "other-region")])).Resilience(new ResilienceQuery("shop"));

        Assert.That(onOne.FalseFallbacks, Is.EqualTo(new[] { new FalseFallback("shop", "psp", 1, ["psp-a", "psp-b"], ["region"]) }).Using<FalseFallback>(SameFallback));
        Assert.That(onOne.CutSets.Select(c => string.Join("+", c.Nodes)), Is.EqualTo(new[] { "shop", "region", "psp-a+psp-b" }));
        // region alone, or both PSPs: 0.001 + 0.0005^2 - 0.001 * 0.0005^2
        Assert.That(onOne.Unavailability, Is.EqualTo(0.001 + 0.00000025 - 0.001 * 0.00000025).Within(1e-15));
        Assert.That(onTwo.FalseFallbacks, Is.Empty);
        Assert.That(onTwo.CutSets.Select(c => string.Join("+", c.Nodes)), Is.EqualTo(new[] { "shop", "other-region+region", "other-region+psp-a", "psp-b+region", "psp-a+psp-b" }));
        Assert.That(onTwo.Unavailability, Is.LessThan(onOne.Unavailability / 100));
        Assert.That(onOne.Importance[0].Node, Is.EqualTo("region"), "the shared region matters most");
    }

    [Test]
    public void A_node_without_which_the_node_cannot_fail_has_no_risk_reduction_worth_even_when_the_subtraction_leaves_noise()
    {
        // Found by the brute-force property: P(n1 down | n2 works) is exactly 0, but P - p * birnbaum left 1e-19 of
        // rounding, which made rrw 4.6e15 instead of null.
        Node Grouped(string id, string group, double? availability) =>
            new(id, id, Node.Service, new Dictionary<string, string>(), new Dictionary<string, int> { [group] = 1 }) { Availability = availability };
        var graph = DependencyGraph.Create(
            [Grouped("n0", "g0", 0.9), Grouped("n1", "g0", null), Grouped("n2", "g1", 0.99), Node.Create("n3", Node.Service) with { Availability = 0.999 }],
            [
                Dependency.Create("n3", "n0", effect: NodeState.Degraded), Dependency.Create("n3", "n2", effect: NodeState.AtRisk),
                Dependency.Create("n0", "n3"), Dependency.Create("n1", "n0", "g0"), Dependency.Create("n1", "n2", "g0"),
                Dependency.Create("n3", "n1", effect: NodeState.AtRisk), Dependency.Create("n2", "n3", "g1"),
                Dependency.Create("n0", "n2", "g0", NodeState.Degraded), Dependency.Create("n2", "n1", effect: NodeState.Down),
                Dependency.Create("n2", "n0", "g1", NodeState.AtRisk),
            ]);

        var result = new PropagationEngine(graph).Resilience(new ResilienceQuery("n1", NodeState.Down, MaxOrder: 4, Limit: 100_000));

        Assert.That(result.Importance.Single(i => i.Node == "n2").Rrw, Is.Null);
    }

    [Test]
    public void A_group_on_its_last_alternative_is_at_risk_and_alternatives_that_degrade_each_other_fail_together()
    {
        // app needs 1 of a and b; a and b degrade each other (a cycle) and each runs in its own zone.
        var nodes = new[] { "app", "a", "b", "zone-a", "zone-b" }.Select(id => Node.Create(id, Node.Service) with { Availability = 0.99 }).ToList();
        nodes[0] = new Node("app", "app", Node.Service, new Dictionary<string, string>(), new Dictionary<string, int> { ["pair"] = 1 }) { Availability = 0.99 };
        var graph = DependencyGraph.Create(nodes,
        [
            Dependency.Create("app", "a", "pair"), Dependency.Create("app", "b", "pair"),
            Dependency.Create("a", "zone-a"), Dependency.Create("b", "zone-b"),
            Dependency.Create("a", "b", effect: NodeState.Degraded), Dependency.Create("b", "a", effect: NodeState.Degraded),
        ]);
        var engine = new PropagationEngine(graph);

        var atRisk = engine.Resilience(new ResilienceQuery("app", NodeState.AtRisk));
        var degraded = engine.Resilience(new ResilienceQuery("app", NodeState.Degraded));
        var down = engine.Resilience(new ResilienceQuery("app", NodeState.Down));

        // Either alternative lost leaves app on its last one (at-risk), and degrades the other through the cycle,
        // so neither works: app is degraded. Down takes both down.
        Assert.That(atRisk.CutSets.Select(c => string.Join("+", c.Nodes)), Is.EqualTo(new[] { "app", "a", "b", "zone-a", "zone-b" }));
        Assert.That(degraded.CutSets.Select(c => string.Join("+", c.Nodes)), Is.EqualTo(new[] { "app", "a", "b", "zone-a", "zone-b" }));
        Assert.That(down.CutSets.Select(c => string.Join("+", c.Nodes)), Is.EqualTo(new[] { "app", "a+b", "a+zone-b", "b+zone-a", "zone-a+zone-b" }));
        Assert.That(down.FalseFallbacks.Single().DefeatedBy, Is.EqualTo(new[] { "zone-a", "zone-b" }));
        Assert.That(down.FalseFallbacks.Single(), Is.EqualTo(degraded.FalseFallbacks.Single()).Using<FalseFallback>(SameFallback), "whatever the level asked");
    }

    private static readonly Func<FalseFallback, FalseFallback, bool> SameFallback = (a, b) =>
        a.Node == b.Node && a.Group == b.Group && a.Need == b.Need && a.Members.SequenceEqual(b.Members) && a.DefeatedBy.SequenceEqual(b.DefeatedBy);

    /// <summary>Every subset of the node's cone, each propagated by the engine.</summary>
    private sealed class BruteForce
    {
        private readonly PropagationEngine _engine;
        private readonly List<string> _cone;
        private readonly Dictionary<int, bool> _holds = [];

        public BruteForce(PropagationEngine engine, string node, NodeState level)
        {
            _engine = engine;
            var graph = engine.Graph;
            _cone = [node];
            for (var i = 0; i < _cone.Count; i++)
            {
                foreach (var d in graph.Dependencies.Where(d => d.From == _cone[i] && !_cone.Contains(d.To)))
                {
                    _cone.Add(d.To);
                }
            }

            for (var mask = 0; mask < 1 << _cone.Count; mask++)
            {
                _holds[mask] = StateOf(node, mask) >= level;
            }
        }

        public double P(string id) => 1 - (_engine.Graph.FindNode(id)!.Availability ?? 1);

        public IEnumerable<List<string>> MinimalCutSets(int maxOrder) =>
            _holds.Where(h => h.Value && System.Numerics.BitOperations.PopCount((uint)h.Key) <= maxOrder
                                      && Members(h.Key).All(bit => !_holds[h.Key & ~(1 << bit)]))
                .Select(h => Members(h.Key).Select(bit => _cone[bit]).Order(StringComparer.Ordinal).ToList());

        public double Probability(string? fixedNode = null, bool fails = false) =>
            _holds.Where(h => h.Value).Sum(h => Enumerable.Range(0, _cone.Count).Aggregate(1.0, (product, bit) =>
            {
                var failed = (h.Key & (1 << bit)) != 0;
                var p = _cone[bit] == fixedNode ? (fails ? 1 : 0) : P(_cone[bit]);
                return product * (failed ? p : 1 - p);
            }));

        /// <summary>The cone nodes the function depends on at all.</summary>
        public IEnumerable<string> Relevant() =>
            Enumerable.Range(0, _cone.Count).Where(bit => _holds.Any(h => h.Value != _holds[h.Key ^ (1 << bit)])).Select(bit => _cone[bit]);

        /// <summary>Each group of a cone node, with the non-members whose failure alone leaves fewer than need working.</summary>
        public IEnumerable<string> FalseFallbacks()
        {
            var graph = _engine.Graph;
            foreach (var owner in _cone)
            {
                foreach (var group in graph.Dependencies.Where(d => d.From == owner && d.Group is not null).GroupBy(d => d.Group!))
                {
                    var need = graph.FindNode(owner)!.NeedOf(group.Key);
                    var members = group.Select(d => d.To).ToHashSet();
                    var by = _cone.Where(v => !members.Contains(v) && group.Count(d =>
                    {
                        var state = StateOf(d.To, 1 << _cone.IndexOf(v));
                        return (state < d.Effect ? state : d.Effect) < NodeState.Degraded;
                    }) < need).Order(StringComparer.Ordinal).ToList();
                    if (by.Count > 0)
                    {
                        yield return $"{owner}/{group.Key}: {string.Join(",", by)}";
                    }
                }
            }
        }

        private IEnumerable<int> Members(int mask) => Enumerable.Range(0, _cone.Count).Where(bit => (mask & (1 << bit)) != 0);

        private NodeState StateOf(string node, int mask)
        {
            var origins = Members(mask).Select(bit => new Outage(_cone[bit])).ToList();
            if (origins.Count == 0)
            {
                return NodeState.Up;
            }

            var result = _engine.Impact(new ImpactQuery(origins) { IncludePaths = false });
            return result.Origins.Concat(result.Affected).FirstOrDefault(a => a.Id == node)?.State ?? NodeState.Up;
        }
    }
}
