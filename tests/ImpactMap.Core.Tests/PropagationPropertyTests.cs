using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class PropagationPropertyTests
{
    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property States_match_the_reference_on_random_graphs() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), scenario => AgreesWithReference(scenario));

    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property States_and_impact_times_match_the_reference_with_tolerances_and_durations() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), scenario => AgreesWithReference(scenario));

    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property Every_path_starts_at_an_origin_and_follows_dependencies_that_carry_harm() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), scenario =>
        {
            var result = Impact(scenario, limit: null);
            var origins = scenario.Outages.Select(o => o.Node).ToHashSet();
            var states = result.Affected.Concat(result.Origins).ToDictionary(a => a.Id, a => a.State);
            foreach (var node in result.Affected)
            {
                Assert.That(node.Path[0], Is.AnyOf(origins.Cast<object>().ToArray()), scenario.ToString());
                Assert.That(node.Path, Has.Count.EqualTo(node.Depth + 1));
                Assert.That(node.Path[^1], Is.EqualTo(node.Id));
                for (var i = 1; i < node.Path.Count; i++)
                {
                    var d = scenario.Graph.FindDependency(node.Path[i], node.Path[i - 1]);
                    Assert.That(d, Is.Not.Null, $"{node.Path[i]} does not depend on {node.Path[i - 1]}: {scenario}");
                    Assert.That(states[node.Path[i - 1]], Is.GreaterThan(NodeState.Up));
                }
            }
        });

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property The_limit_keeps_the_first_affected_by_depth_then_id_and_counts_all() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: false)), Arb.From(Gen.Choose(0, 5)), (scenario, limit) =>
        {
            var all = Impact(scenario, limit: null);
            var some = Impact(scenario, limit);
            var expected = all.Affected.OrderBy(a => a.Depth).ThenBy(a => a.Id, StringComparer.Ordinal).Take(limit).Select(a => a.Id);
            Assert.That(some.Affected.Select(a => a.Id), Is.EqualTo(expected), scenario.ToString());
            Assert.That(some.Total, Is.EqualTo(all.Total));
            Assert.That(some.Truncated, Is.EqualTo(all.Total > limit));
            Assert.That(some.Counts, Is.EqualTo(all.Counts));
        });

    private static void AgreesWithReference(Scenario scenario)
    {
        var expected = ReferenceEngine.Run(
            scenario.Graph, scenario.Outages.Select(o => (o.Node, o.State)).ToList(), scenario.MaxDepth, scenario.DurationSeconds);
        var result = Impact(scenario, limit: null);
        var origins = scenario.Outages.Select(o => o.Node).ToHashSet();
        var actual = result.Affected.ToDictionary(a => a.Id, a => new ReferenceEngine.Answer(a.State, (long)a.ImpactAt.TotalSeconds));
        var expectedAffected = expected.Where(e => !origins.Contains(e.Key)).ToDictionary();
        Assert.That(actual, Is.EquivalentTo(expectedAffected), scenario.ToString());
        foreach (var origin in result.Origins)
        {
            Assert.That(origin.State, Is.EqualTo(expected[origin.Id].State), scenario.ToString());
        }

        Assert.That(result.Total, Is.EqualTo(expectedAffected.Count));
        Assert.That(result.Counts.Down, Is.EqualTo(expectedAffected.Values.Count(a => a.State == NodeState.Down)));
    }

    private static ImpactResult Impact(Scenario scenario, int? limit) =>
        new PropagationEngine(scenario.Graph).Impact(new ImpactQuery(
            scenario.Outages,
            scenario.MaxDepth,
            limit,
            scenario.DurationSeconds is { } d ? TimeSpan.FromSeconds(d) : null));
}
