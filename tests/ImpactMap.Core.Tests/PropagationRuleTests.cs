using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class PropagationRuleTests
{
    [Test]
    public void A_failure_travels_down_the_chain_to_the_customer_of_the_customer()
    {
        var result = new TestGraph().Nodes("region", "saas", "bank", "cust-1")
            .Dep("saas", "region").Dep("bank", "saas").Dep("cust-1", "bank")
            .Impact("region");

        var customer = result.Get("cust-1");
        Assert.That(customer.State, Is.EqualTo(NodeState.Down));
        Assert.That(customer.Depth, Is.EqualTo(3));
        Assert.That(customer.Path, Is.EqualTo(new[] { "region", "saas", "bank", "cust-1" }));
        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(new[] { "saas", "bank", "cust-1" }));
        Assert.That(result.Counts, Is.EqualTo(new StateCounts(3, 0, 0)));
    }

    [Test]
    public void Origins_are_not_listed_as_affected_but_reported_with_their_state()
    {
        var result = new TestGraph().Nodes("a", "b").Dep("b", "a").Impact("a");

        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(new[] { "b" }));
        Assert.That(result.Origins.Single().Id, Is.EqualTo("a"));
        Assert.That(result.Origins.Single().State, Is.EqualTo(NodeState.Down));
    }

    [TestCase(NodeState.Degraded)]
    [TestCase(NodeState.AtRisk)]
    public void The_effect_caps_what_a_lost_dependency_does(NodeState effect)
    {
        var result = new TestGraph().Nodes("a", "b", "c").Dep("b", "a", effect: effect).Dep("c", "b")
            .Impact("a");

        Assert.That(result.StateOf("b"), Is.EqualTo(effect));
        Assert.That(result.StateOf("c"), Is.EqualTo(effect), "a capped state propagates like any state");
    }

    [Test]
    public void An_origin_state_below_down_propagates_as_given()
    {
        var result = new TestGraph().Nodes("a", "b").Dep("b", "a")
            .Impact(new ImpactQuery([new Outage("a", NodeState.Degraded)]));

        Assert.That(result.StateOf("b"), Is.EqualTo(NodeState.Degraded));
    }

    [TestCase(new[] { "p1" }, NodeState.Up)]
    [TestCase(new[] { "p1", "p2" }, NodeState.AtRisk)]
    [TestCase(new[] { "p1", "p2", "p3" }, NodeState.Down)]
    public void One_of_three_alternatives_survives_two_failures_on_its_last_fallback(string[] failed, NodeState expected)
    {
        var result = ThreeAlternatives(need: 1).Impact(failed);

        Assert.That(result.StateOf("app"), Is.EqualTo(expected));
    }

    [TestCase(new[] { "p1" }, NodeState.AtRisk)]
    [TestCase(new[] { "p1", "p2" }, NodeState.Down)]
    public void Needing_two_of_three_leaves_no_spare_after_one_failure(string[] failed, NodeState expected)
    {
        var result = ThreeAlternatives(need: 2).Impact(failed);

        Assert.That(result.StateOf("app"), Is.EqualTo(expected));
    }

    [Test]
    public void A_group_with_exactly_the_members_it_needs_all_up_is_up()
    {
        var result = ThreeAlternatives(need: 3).Nodes("other").Impact("other");

        Assert.That(result.Total, Is.Zero);
    }

    [Test]
    public void A_group_passes_its_need_th_best_member_state_when_that_is_degraded()
    {
        var graph = new TestGraph().Nodes("p1", "p2", "app")
            .Dep("app", "p1", "g").Dep("app", "p2", "g");

        var oneDegraded = graph.Impact(new ImpactQuery([new Outage("p1", NodeState.Degraded)]));
        var bothDegraded = graph.Impact(new ImpactQuery([new Outage("p1", NodeState.Degraded), new Outage("p2", NodeState.Degraded)]));
        var degradedAndDown = graph.Impact(new ImpactQuery([new Outage("p1", NodeState.Degraded), new Outage("p2")]));

        Assert.That(oneDegraded.StateOf("app"), Is.EqualTo(NodeState.AtRisk));
        Assert.That(bothDegraded.StateOf("app"), Is.EqualTo(NodeState.Degraded));
        Assert.That(degradedAndDown.StateOf("app"), Is.EqualTo(NodeState.Degraded), "the best member decides");
    }

    [Test]
    public void An_at_risk_member_leaves_a_group_without_spare()
    {
        var result = new TestGraph().Nodes("p1", "p2", "app")
            .Dep("app", "p1", "g").Dep("app", "p2", "g")
            .Impact(new ImpactQuery([new Outage("p1", NodeState.AtRisk)]));

        Assert.That(result.StateOf("app"), Is.EqualTo(NodeState.AtRisk));
    }

    [Test]
    public void Member_effects_cap_member_states_inside_a_group()
    {
        var result = new TestGraph().Nodes("p1", "p2", "app")
            .Dep("app", "p1", "g", NodeState.Degraded).Dep("app", "p2", "g", NodeState.Degraded)
            .Impact("p1", "p2");

        Assert.That(result.StateOf("app"), Is.EqualTo(NodeState.Degraded));
    }

    [Test]
    public void Groups_of_one_node_are_independent_and_ungrouped_dependencies_still_count()
    {
        var graph = new TestGraph().Nodes("p1", "p2", "q1", "q2", "db", "app")
            .Dep("app", "p1", "compute").Dep("app", "p2", "compute")
            .Dep("app", "q1", "network").Dep("app", "q2", "network")
            .Dep("app", "db", effect: NodeState.Degraded);

        Assert.That(graph.Impact("p1", "q1").StateOf("app"), Is.EqualTo(NodeState.AtRisk));
        Assert.That(graph.Impact("p1", "p2").StateOf("app"), Is.EqualTo(NodeState.Down));
        Assert.That(graph.Impact("db", "q1").StateOf("app"), Is.EqualTo(NodeState.Degraded));
    }

    [Test]
    public void Cycles_are_handled_and_every_member_of_a_cycle_is_reached_once()
    {
        var result = new TestGraph().Nodes("x", "a", "b", "c")
            .Dep("a", "x").Dep("a", "b", effect: NodeState.Degraded).Dep("b", "a").Dep("c", "b")
            .Impact("x");

        Assert.That(result.Affected.Select(a => (a.Id, a.State)), Is.EqualTo(new[]
        {
            ("a", NodeState.Down), ("b", NodeState.Down), ("c", NodeState.Down),
        }));
        Assert.That(result.Get("c").Path, Is.EqualTo(new[] { "x", "a", "b", "c" }));
    }

    [Test]
    public void A_cycle_of_alternatives_does_not_hold_itself_up()
    {
        // a and b back each other up; both also need x. With x down, neither can carry the other.
        var result = new TestGraph().Nodes("x", "a", "b")
            .Dep("a", "x").Dep("b", "x").Dep("a", "b", "g").Dep("b", "a", "g")
            .Impact("x");

        Assert.That(result.StateOf("a"), Is.EqualTo(NodeState.Down));
        Assert.That(result.StateOf("b"), Is.EqualTo(NodeState.Down));
    }

    [Test]
    public void An_origin_can_be_made_worse_by_another_origin()
    {
        var result = new TestGraph().Nodes("a", "b", "c").Dep("b", "a").Dep("c", "b")
            .Impact(new ImpactQuery([new Outage("a"), new Outage("b", NodeState.AtRisk)]));

        Assert.That(result.Origins.Single(o => o.Id == "b").State, Is.EqualTo(NodeState.Down));
        Assert.That(result.Get("c").Path, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void Max_depth_keeps_nodes_beyond_that_many_hops_unchanged()
    {
        var result = new TestGraph().Nodes("a", "b", "c", "d").Dep("b", "a").Dep("c", "b").Dep("d", "c")
            .Impact(new ImpactQuery([new Outage("a")], MaxDepth: 2));

        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(new[] { "b", "c" }));
    }

    [Test]
    public void The_limit_orders_by_depth_then_id_and_reports_the_total()
    {
        var result = new TestGraph().Nodes("root", "z1", "a1", "m2").Dep("z1", "root").Dep("a1", "root").Dep("m2", "a1")
            .Impact(new ImpactQuery([new Outage("root")], Limit: 2));

        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(new[] { "a1", "z1" }));
        Assert.That(result.Total, Is.EqualTo(3));
        Assert.That(result.Truncated, Is.True);
    }

    [TestCase(2, 10)]
    [TestCase(2, 100)]
    [TestCase(30, 100)]
    public void The_limit_keeps_the_smallest_ids_of_a_depth_larger_than_the_room(int limit, int dependents)
    {
        // Shuffled ids so that neither node order nor raise order matches id order.
        var ids = Enumerable.Range(0, dependents).Select(i => $"d{(i * 37) % dependents:D3}").ToArray();
        var graph = new TestGraph().Nodes(["root", .. ids]);
        foreach (var id in ids)
        {
            graph.Dep(id, "root");
        }

        var result = graph.Impact(new ImpactQuery([new Outage("root")], Limit: limit));

        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(ids.Order(StringComparer.Ordinal).Take(limit)));
        Assert.That(result.Total, Is.EqualTo(dependents));
    }

    [Test]
    public void Tolerances_add_up_along_the_chain()
    {
        var result = new TestGraph().Nodes("a", "b", "c").Dep("b", "a", toleranceMinutes: 15).Dep("c", "b", toleranceMinutes: 10)
            .Impact("a");

        Assert.That(result.Get("b").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(result.Get("c").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(25)));
    }

    [Test]
    public void A_group_is_hit_when_it_stops_meeting_its_need_and_at_risk_comes_first()
    {
        var graph = new TestGraph().Nodes("p1", "p2", "app")
            .Dep("app", "p1", "g", toleranceMinutes: 10).Dep("app", "p2", "g", toleranceMinutes: 30);

        var full = graph.Impact("p1", "p2");
        var fixedIn20Minutes = graph.Impact(new ImpactQuery([new Outage("p1"), new Outage("p2")], Duration: TimeSpan.FromMinutes(20)));

        Assert.That(full.Get("app").State, Is.EqualTo(NodeState.Down));
        Assert.That(full.Get("app").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(30)));
        Assert.That(fixedIn20Minutes.Get("app").State, Is.EqualTo(NodeState.AtRisk));
        Assert.That(fixedIn20Minutes.Get("app").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void The_earliest_of_two_ways_decides_when_impact_arrives()
    {
        var result = new TestGraph().Nodes("a", "slow", "fast", "app")
            .Dep("slow", "a", toleranceMinutes: 60).Dep("fast", "a", toleranceMinutes: 5)
            .Dep("app", "slow").Dep("app", "fast", toleranceMinutes: 10)
            .Impact("a");

        Assert.That(result.Get("app").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(result.Get("app").Path, Is.EqualTo(new[] { "a", "fast", "app" }));
    }

    [Test]
    public void A_duration_leaves_out_nodes_not_hit_before_it()
    {
        var result = new TestGraph().Nodes("a", "b", "c").Dep("b", "a", toleranceMinutes: 60).Dep("c", "b", toleranceMinutes: 60)
            .Impact(new ImpactQuery([new Outage("a")], Duration: TimeSpan.FromHours(2)));

        Assert.That(result.Affected.Select(a => a.Id), Is.EqualTo(new[] { "b" }), "c would be hit exactly at 2h: not before");
    }

    [Test]
    public void An_outage_of_an_unknown_node_names_it()
    {
        var graph = new TestGraph().Nodes("a");

        var error = Assert.Throws<UnknownNodeException>(() => graph.Impact("a", "nope"));

        Assert.That(error!.Ids, Is.EqualTo(new[] { "nope" }));
    }

    [Test]
    public void An_outage_of_state_up_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new TestGraph().Nodes("a").Impact(new ImpactQuery([new Outage("a", NodeState.Up)])));
    }

    [Test]
    public void Repeated_queries_on_one_engine_do_not_leak_state_into_each_other()
    {
        var engine = new PropagationEngine(ThreeAlternatives(need: 1).Build());

        var first = engine.Impact(new ImpactQuery([new Outage("p1"), new Outage("p2"), new Outage("p3")]));
        var second = engine.Impact(new ImpactQuery([new Outage("p1")]));

        Assert.That(first.StateOf("app"), Is.EqualTo(NodeState.Down));
        Assert.That(second.Total, Is.Zero);
    }

    [TestCase(65_533, NodeState.Up)]
    [TestCase(65_534, NodeState.AtRisk)]
    [TestCase(65_535, NodeState.Down)]
    public void The_largest_group_allowed_counts_every_alternative(int failed, NodeState expected)
    {
        var result = LargeGroup(GraphValidator.MaxGroupSize).Impact(LargeGroupProviders(failed));

        Assert.That(result.StateOf("app"), Is.EqualTo(expected));
    }

    [Test]
    public void A_group_larger_than_the_engine_counts_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidGraphException>(() => LargeGroup(GraphValidator.MaxGroupSize + 1).Build())!;

        Assert.That(error.Problems.Select(p => p.ToString()),
            Is.EqualTo(new[] { "dependencies[65535].group: group 'g' of 'app' has more than 65,535 dependencies" }));
    }

    private static string[] LargeGroupProviders(int count) => Enumerable.Range(0, count).Select(i => $"p{i}").ToArray();

    private static TestGraph LargeGroup(int alternatives)
    {
        var providers = LargeGroupProviders(alternatives);
        var graph = new TestGraph().Nodes([.. providers, "app"]);
        foreach (var provider in providers)
        {
            graph.Dep("app", provider, "g");
        }

        return graph;
    }

    [Test]
    public void A_small_query_on_a_larger_graph_leaves_nothing_behind_for_the_next()
    {
        // Few places touched on a graph many times larger: the workspace is reset place by place.
        var graph = new TestGraph().Nodes("p1", "p2", "app")
            .Dep("app", "p1", "g", toleranceMinutes: 10).Dep("app", "p2", "g");
        for (var i = 0; i < 100; i++)
        {
            graph.Nodes($"f{i}", $"q{i}a", $"q{i}b").Dep($"f{i}", $"q{i}a", "g").Dep($"f{i}", $"q{i}b", "g");
        }

        var engine = new PropagationEngine(graph.Build());
        var both = engine.Impact(new ImpactQuery([new Outage("p1"), new Outage("p2")]));
        var one = engine.Impact(new ImpactQuery([new Outage("p2")]));

        Assert.That(both.Get("app").State, Is.EqualTo(NodeState.Down));
        Assert.That(both.Get("app").ImpactAt, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(one.Affected.Select(a => (a.Id, a.State, a.ImpactAt)), Is.EqualTo(new[] { ("app", NodeState.AtRisk, TimeSpan.Zero) }));
    }

    private static TestGraph ThreeAlternatives(int need) =>
        new TestGraph().Nodes("p1", "p2", "p3", "app")
            .Dep("app", "p1", "g").Dep("app", "p2", "g").Dep("app", "p3", "g").Need("app", "g", need);
}
