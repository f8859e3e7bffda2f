using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;
using ImpactMap.Core.Status;

namespace ImpactMap.Core.Tests;

/// <summary>
/// Cases the random generators and broad assertions did not reach, each one a mutation of the code that the suite
/// let through before (issue 27's audit): what each catches is said at the test.
/// </summary>
public class SharperTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 23, 30, 0, TimeSpan.Zero);

    private static DependencyGraph Yaml(string yaml) => GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(yaml)));

    /// <summary>Catches cut sets capped at three members when the order asked is four.</summary>
    [Test]
    public void Four_alternatives_of_which_one_suffices_fail_only_together_a_cut_set_of_order_four()
    {
        var engine = new PropagationEngine(Yaml("""
            nodes:
              - {id: a, kind: supplier, availability: 0.9}
              - {id: b, kind: supplier, availability: 0.9}
              - {id: c, kind: supplier, availability: 0.9}
              - {id: d, kind: supplier, availability: 0.9}
              - {id: app, kind: service, groups: {any: {need: 1}}}
            dependencies:
              - {from: app, to: a, group: any}
              - {from: app, to: b, group: any}
              - {from: app, to: c, group: any}
              - {from: app, to: d, group: any}
            """));

        var exact = engine.Resilience(new ResilienceQuery("app", NodeState.Down, MaxOrder: 4));
        var fromFamilies = engine.Resilience(new ResilienceQuery("app", NodeState.Down, MaxOrder: 4) { DiagramBudget = 2, Samples = 64 });
        var third = engine.Resilience(new ResilienceQuery("app", NodeState.Down, MaxOrder: 3));

        Assert.That(exact.CutSets.Where(c => c.Nodes.Count > 1).Select(c => string.Join(",", c.Nodes)), Is.EqualTo(new[] { "a,b,c,d" }));
        Assert.That(exact.CutSets.Single(c => c.Nodes.Count == 4).Probability, Is.EqualTo(1e-4).Within(1e-12));
        Assert.That(fromFamilies.CutSets.Where(c => c.Nodes.Count > 1).Select(c => string.Join(",", c.Nodes)), Is.EqualTo(new[] { "a,b,c,d" }));
        Assert.That(third.CutSets.Where(c => c.Nodes.Count > 1), Is.Empty, "order 3 cannot hold it");
        Assert.That(exact.Unavailability, Is.EqualTo(1e-4).Within(1e-12));
    }

    /// <summary>Catches a Dutch restored letter written in the present tense ("werkt" for "werkte").</summary>
    [Test]
    public void A_Dutch_letter_says_werkt_while_the_outage_lasts_and_werkte_once_restored()
    {
        var graph = new TestGraph().Nodes("region", "app").Dep("app", "region").Build();
        IncidentOutage[] outages = [new("region", NodeState.Degraded)];
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, null, Start, 1000);
        var open = new Incident("i-1", "g", "Region slow", IncidentStatus.Investigating, Start, null, outages, impact, [], null, Start, null, 1);
        var final = IncidentImpacts.Final(new PropagationEngine(graph), 1, outages, Start, Start.AddMinutes(20), Start.AddMinutes(20), 1000);
        var restored = open.WithUpdate(Start.AddMinutes(20), IncidentStatus.Resolved, "Back to normal", null, null, final);

        var ongoing = Notices.For(open, open.Impact.Affected, language: "nl").Single().Message;
        var after = Notices.For(restored, restored.Impact.Affected, language: "nl").Single().Message;

        Assert.That(ongoing, Does.Contain("die dienst werkt maar beperkt").And.Not.Contain("werkte"));
        Assert.That(after, Does.Contain("die dienst werkte maar beperkt").And.Not.Contain("werkt maar"));
    }

    /// <summary>Catches a local time printed without its date when the local day is another than UTC's.</summary>
    [Test]
    public void A_local_time_past_midnight_carries_its_own_date()
    {
        var graph = Yaml("""
            nodes:
              - {id: region, kind: supplier, name: Region}
              - {id: shop, kind: customer, name: Shoppers, attributes: {timeZone: Europe/Amsterdam}}
            dependencies:
              - {from: shop, to: region}
            """);
        IncidentOutage[] outages = [new("region", NodeState.Down)];
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, null, Start, 1000);
        var incident = new Incident("i-1", "g", "Region down", IncidentStatus.Investigating, Start, null, outages, impact, [], null, Start, null, 1);

        var letter = Notices.For(incident).Single().Message;

        Assert.That(letter, Does.Contain("The outage began at 2026-11-30 23:30 UTC (2026-12-01 00:30 in Europe/Amsterdam)."));
    }

    /// <summary>Catches "repeats what happened" needing every word shared instead of four in five.</summary>
    [Test]
    public void A_learning_that_shares_most_of_its_words_with_the_cause_repeats_it_and_one_that_shares_fewer_does_not()
    {
        const string cause = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango";
        var causeWords = cause.Split(' ');
        var action = new List<(string?, string?, string?)> { ("Add a second region to the payment gateway deployment", "platform-team", "2027-03-01") };
        var review = new DateOnly(2026, 12, 8);
        string[] own = ["uniform", "victor", "whiskey", "xray", "yankee", "zulu", "amber", "basalt"];
        List<string> Learning(int sharedWords, int ownWords) =>
            ReviewPolicy.Check(cause, string.Join(' ', causeWords.Take(sharedWords).Concat(own.Take(ownWords))), action, review).Select(p => p.Path).ToList();

        Assert.That(Learning(17, 3), Does.Contain("whatWeLearned"), "85% of its words are the cause's");
        Assert.That(Learning(14, 6), Does.Not.Contain("whatWeLearned"), "70% are");
    }

    /// <summary>Catches a status page component taking the state of the last incident that changed instead of the worst.</summary>
    [Test]
    public void A_component_reached_by_two_incidents_shows_the_worse_state_whichever_changed_last()
    {
        var graph = new TestGraph().Nodes("west", "central", "app").Dep("app", "west").Dep("app", "central", effect: NodeState.Degraded).Build();
        Incident Open(string id, string node, DateTimeOffset at)
        {
            IncidentOutage[] outages = [new(node, NodeState.Down)];
            var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, outages, null, at, 1000);
            return new Incident(id, "g", id, IncidentStatus.Investigating, at, null, outages, impact, [], null, at, null, 1);
        }

        var down = Open("west-down", "west", Start);
        var degraded = Open("central-down", "central", Start.AddMinutes(10));
        var settings = new StatusPageSettings("Status", ["app"], null, true);

        foreach (var order in new[] { new[] { down, degraded }, [degraded, down] })
        {
            var app = StatusPage.Components(graph, settings, order, Start.AddHours(1)).Single();
            Assert.That((app.State, app.ChangedAt), Is.EqualTo((NodeState.Down, (DateTimeOffset?)Start.AddMinutes(10))));
        }
    }
}
