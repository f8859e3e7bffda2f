using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>Resolution ends an incident's clock: what it did is what the outage did in the time it lasted.</summary>
public class IncidentClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 19, 36, 0, TimeSpan.Zero);

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property The_final_impact_is_the_reference_engines_for_the_actual_duration_and_the_rest_is_spared() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.Choose(0, 700)), (scenario, lastedSeconds) =>
        {
            var outages = scenario.Outages.Select(o => new IncidentOutage(o.Node, o.State)).ToList();
            var engine = new PropagationEngine(scenario.Graph);

            var final = IncidentImpacts.Final(engine, 1, outages, Start, Start.AddSeconds(lastedSeconds), Start, 100_000);

            var origins = outages.Select(o => o.Node).ToHashSet();
            var expected = ReferenceEngine.Run(scenario.Graph, outages.Select(o => (o.Node, o.State)).ToList(), durationSeconds: lastedSeconds)
                .Where(e => !origins.Contains(e.Key)).ToDictionary();
            var wouldHave = ReferenceEngine.Run(scenario.Graph, outages.Select(o => (o.Node, o.State)).ToList())
                .Where(e => !origins.Contains(e.Key)).ToDictionary();
            Assert.That(final.Affected.ToDictionary(p => p.Id, p => new ReferenceEngine.Answer(p.State, (long)p.ImpactAt.TotalSeconds)),
                Is.EquivalentTo(expected), scenario.ToString());
            Assert.That(final.Spared!.Select(p => p.Id), Is.EquivalentTo(wouldHave.Keys.Except(expected.Keys)), scenario.ToString());
            Assert.That(final.Spared!.Select(p => p.ImpactAt.TotalSeconds), Has.All.GreaterThanOrEqualTo(lastedSeconds), "each spared party's time lay after the end");
        });

    [Test]
    public void An_outage_resolved_as_it_began_reached_no_one()
    {
        var graph = new TestGraph().Nodes("region", "app").Dep("app", "region").Build();

        var final = IncidentImpacts.Final(new PropagationEngine(graph), 1, [new IncidentOutage("region", NodeState.Down)], Start, Start, Start, 1000);

        Assert.That(final.Affected, Is.Empty);
        Assert.That(final.Origins.Select(o => o.Id), Is.EqualTo(new[] { "region" }));
        Assert.That(final.Spared!.Select(p => p.Id), Is.EqualTo(new[] { "app" }));
    }

    [Test]
    public void A_ten_minute_outage_spares_a_thirty_minute_queue_and_hits_a_five_minute_fallback()
    {
        var graph = new TestGraph().Nodes("region", "payments", "kyc", "bank")
            .Dep("payments", "region", toleranceMinutes: 5).Dep("kyc", "region", toleranceMinutes: 30).Dep("bank", "kyc").Build();

        var final = IncidentImpacts.Final(new PropagationEngine(graph), 1, [new IncidentOutage("region", NodeState.Down)], Start, Start.AddMinutes(10),
            Start.AddMinutes(10), 1000);

        Assert.That(final.Affected.Select(p => (p.Id, p.ImpactAt)), Is.EqualTo(new[] { ("payments", TimeSpan.FromMinutes(5)) }));
        Assert.That(final.Spared!.Select(p => (p.Id, p.ImpactAt)), Is.EquivalentTo(new[] { ("kyc", TimeSpan.FromMinutes(30)), ("bank", TimeSpan.FromMinutes(30)) }));
    }
}
