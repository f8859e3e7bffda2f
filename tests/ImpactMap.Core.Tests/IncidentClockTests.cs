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

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Outages_that_end_one_by_one_hit_what_the_reference_engine_says_each_still_failing_set_hit_before_its_end() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.ArrayOf(Gen.Choose(0, 700), 3)), (scenario, ends) =>
        {
            var outages = scenario.Outages.Select((o, i) => new IncidentOutage(o.Node, o.State, Start.AddSeconds(ends[i]))).ToList();
            var resolvedAt = Start.AddSeconds(ends.Take(outages.Count).Max());

            var final = IncidentImpacts.Final(new PropagationEngine(scenario.Graph), 1, outages, Start, resolvedAt, resolvedAt, 100_000);

            // Written out here, apart from the code under test: each set of outages still failing at an end, from the start to that end.
            var origins = outages.Select(o => o.Node).ToHashSet();
            var expected = new Dictionary<string, (NodeState State, long At, long Until)>();
            foreach (var end in ends.Take(outages.Count).Distinct().Where(e => e > 0).Order())
            {
                var failing = outages.Where((o, i) => ends[i] >= end).Select(o => (o.Node, o.State)).ToList();
                foreach (var (id, answer) in ReferenceEngine.Run(scenario.Graph, failing, durationSeconds: end).Where(e => !origins.Contains(e.Key)))
                {
                    // Its worst state, from the first time it reached it, to the last end it was still in it.
                    expected[id] = !expected.TryGetValue(id, out var seen) || answer.State > seen.State ? (answer.State, answer.ImpactAtSeconds, end)
                        : answer.State == seen.State ? (seen.State, Math.Min(seen.At, answer.ImpactAtSeconds), end)
                        : seen;
                }
            }

            Assert.That(final.Affected.ToDictionary(p => p.Id, p => (p.State, (long)p.ImpactAt.TotalSeconds, (long)p.EndAt!.Value.TotalSeconds)),
                Is.EquivalentTo(expected), scenario.ToString());
            Assert.That(final.Total, Is.EqualTo(expected.Count));
            Assert.That(final.CountsAfter(TimeSpan.MaxValue), Is.EqualTo(final.AllCounts));
        });

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property The_parties_hit_by_a_moment_are_those_the_reference_engine_hits_by_then_at_their_final_state() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.Choose(0, 700)), (scenario, elapsedSeconds) =>
        {
            var outages = scenario.Outages.Select(o => new IncidentOutage(o.Node, o.State)).ToList();
            var impact = IncidentImpacts.Compute(new PropagationEngine(scenario.Graph), 1, outages, null, Start, limit: 2);

            var origins = outages.Select(o => o.Node).ToHashSet();
            var hit = ReferenceEngine.Run(scenario.Graph, outages.Select(o => (o.Node, o.State)).ToList())
                .Where(e => !origins.Contains(e.Key) && e.Value.ImpactAtSeconds <= elapsedSeconds).Select(e => e.Value.State).ToList();
            Assert.That(impact.CountsAfter(TimeSpan.FromSeconds(elapsedSeconds)), Is.EqualTo(new StateCounts(
                hit.Count(s => s == NodeState.Down), hit.Count(s => s == NodeState.Degraded), hit.Count(s => s == NodeState.AtRisk))),
                "over every party, not only the two listed: " + scenario);
        });

    [Test]
    public void Regions_coming_back_one_by_one_end_each_partys_impact_with_the_last_outage_that_held_it()
    {
        var graph = new TestGraph().Nodes("west", "central", "app", "shop", "report").Need("app", "compute", 1)
            .Dep("app", "west", group: "compute").Dep("app", "central", group: "compute")
            .Dep("shop", "west").Dep("report", "central", toleranceMinutes: 20).Build();
        IncidentOutage[] outages = [new("west", NodeState.Down, Start.AddMinutes(4)), new("central", NodeState.Down)];

        var final = IncidentImpacts.Final(new PropagationEngine(graph), 1, outages, Start, Start.AddMinutes(15), Start.AddMinutes(15), 1000);

        Assert.That(final.Affected.Select(p => (p.Id, p.ImpactAt, p.EndAt)), Is.EquivalentTo(new (string, TimeSpan, TimeSpan?)[]
        {
            ("app", TimeSpan.Zero, TimeSpan.FromMinutes(4)),      // down while both regions were (then on its last fallback)
            ("shop", TimeSpan.Zero, TimeSpan.FromMinutes(4)),     // down while its one region was
        }));
        Assert.That(final.Spared!.Select(p => p.Id), Is.EqualTo(new[] { "report" }), "central came back after 15 minutes, before report's 20");
        Assert.That(final.Origins.Select(o => o.Id), Is.EquivalentTo(new[] { "west", "central" }));
        Assert.That(final.PathOf(final.Affected.Single(p => p.Id == "app")).Select(s => s.Id), Is.EqualTo(new[] { "central", "app" }).Or.EqualTo(new[] { "west", "app" }));
    }

    [Test]
    public void An_open_incident_counts_whom_it_hit_by_now_and_whom_it_will_hit_if_nothing_is_restored()
    {
        var incident = CloudRegionIncident();

        var byTenMinutes = incident.Impact.Affected.Where(p => p.ImpactAt <= TimeSpan.FromMinutes(10)).ToList();
        Assert.That(incident.HitCounts(Start.AddMinutes(10)), Is.EqualTo(new StateCounts(byTenMinutes.Count(p => p.State == NodeState.Down),
            byTenMinutes.Count(p => p.State == NodeState.Degraded), byTenMinutes.Count(p => p.State == NodeState.AtRisk))));
        Assert.That(byTenMinutes.Select(p => p.Id), Does.Contain("payments-hub").And.Not.Contain("kyc-check"), "PaymentsHub's 5 minutes are up; KYC waits 30");
        Assert.That(incident.HitCounts(Start.AddMinutes(10)).Down, Is.LessThan(incident.HitCounts(Start.AddMinutes(31)).Down));
        Assert.That(incident.HitCounts(Start.AddMinutes(31)), Is.EqualTo(incident.Impact.AllCounts), "by minute 31 every party's time has come");
        Assert.That(incident.Impact.NextHitAfter(TimeSpan.FromMinutes(10)), Is.EqualTo(TimeSpan.FromMinutes(30)));
        var kyc = incident.Impact.Affected.Single(p => p.Id == "kyc-check");
        Assert.That((incident.IsHit(kyc, Start.AddMinutes(10)), incident.IsHit(kyc, Start.AddMinutes(30))), Is.EqualTo((false, true)));
    }

    [Test]
    public void A_party_whose_time_has_not_come_is_warned_in_its_language_and_told_it_is_hit_once_it_is()
    {
        var incident = CloudRegionIncident() with { Advice = "Queue identity checks and retry them later" };
        Notice Letter(string node, DateTimeOffset now, string? language = null) =>
            Notices.For(incident, incident.Impact.Affected.Where(p => p.Id == node), language: language, now: now).Single();

        var early = Letter("kyc-check", Start.AddMinutes(10));
        var dutch = Letter("kyc-check", Start.AddMinutes(10), "nl");
        var late = Letter("kyc-check", Start.AddMinutes(31));

        Assert.That((early.Hit, early.Subject, dutch.Subject), Is.EqualTo((false, "Service disruption that may affect you: eu-west-1 down",
            "Storing die gevolgen voor u kan hebben: eu-west-1 down")));
        Assert.That(late.Subject, Is.EqualTo("Service disruption affecting you: eu-west-1 down"));
        Assert.That(early.Message, Does.Contain("Impact on you: none yet. If service is not restored by 2026-12-07 20:06 UTC, you will be down from then on "
            + "(30 minutes after the outage began). What you can do meanwhile: Queue identity checks and retry them later."));
        Assert.That(early.Message, Does.Not.Contain("Impact on you: down"));
        Assert.That(dutch.Message, Does.Contain("Gevolgen voor u: nog geen. Is de storing op 2026-12-07 20:06 UTC niet verholpen, dan bent u vanaf dat moment volledige uitval"));
        Assert.That(late.Hit, Is.True);
        Assert.That(late.Message, Does.Contain("Impact on you: down, since 2026-12-07 20:06 UTC, 30 minutes after the outage began."));
    }

    [Test]
    public void A_party_hit_for_four_minutes_is_told_from_when_to_when_and_a_spared_one_gets_no_letter()
    {
        var open = CloudRegionIncident();
        var final = IncidentImpacts.Final(new PropagationEngine(Sample("cloud-region")), 1, open.Outages, Start, Start.AddMinutes(9), Start.AddMinutes(9), 1000);
        var resolved = open.WithUpdate(Start.AddMinutes(9), IncidentStatus.Resolved, "Power is back in eu-west-1", null, null, final);

        var letters = Notices.For(resolved, now: Start.AddMinutes(9));

        Assert.That(letters.Select(l => l.Node), Does.Not.Contain("kyc-check"), "KYC's 30 minutes were never reached");
        Assert.That(resolved.Impact.Spared!.Select(p => p.Id), Does.Contain("kyc-check"));
        var payments = letters.Single(l => l.Node == "payments-hub");
        Assert.That(payments.Message, Does.Contain("Impact on you: at risk (running on its last fallback), from 2026-12-07 19:41 UTC, 5 minutes after the outage began, to 2026-12-07 19:45 UTC. Service has been restored."));
    }

    private static DependencyGraph Sample(string name)
    {
        using var reader = new StreamReader(ImpactMap.Tests.Shared.SampleCorpus.GraphFile(name));
        return ImpactMap.Core.Documents.GraphDocuments.ToGraph(ImpactMap.Core.Documents.GraphDocuments.ReadYaml(reader));
    }

    private static Incident CloudRegionIncident()
    {
        IncidentOutage[] outages = [new("aws-eu-west-1", NodeState.Down)];
        var impact = IncidentImpacts.Compute(new PropagationEngine(Sample("cloud-region")), 1, outages, null, Start, 1000);
        return new Incident("i-1", "cloud-region", "eu-west-1 down", IncidentStatus.Investigating, Start, null, outages, impact, [], null, Start, null, 1);
    }
}
