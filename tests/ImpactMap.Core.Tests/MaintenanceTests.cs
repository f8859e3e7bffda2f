using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Maintenance;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>Planned work: its impact for its length, its conflicts with other windows and open incidents, its letters.</summary>
public class MaintenanceTests
{
    private static readonly DateTimeOffset Sunday = new(2026, 12, 13, 2, 0, 0, TimeSpan.Zero);

    private static MaintenanceWindow Window(string id, DateTimeOffset start, TimeSpan length, params IReadOnlyList<IncidentOutage> outages) =>
        new(id, "g", $"Work {id}", outages, start, start + length, Notify: true, Sunday.AddDays(-7), Sunday.AddDays(-7));

    /// <summary>A customer on two regions as alternatives (one suffices), and a report on one region that holds four hours.</summary>
    private static DependencyGraph Regions() => new TestGraph().Nodes("west", "central", "app", "shop", "report").Need("app", "compute", 1)
        .Dep("app", "west", group: "compute").Dep("app", "central", group: "compute").Dep("shop", "app")
        .Dep("report", "west", toleranceMinutes: 240).Build();

    [Test]
    public void Two_windows_on_the_two_alternatives_of_a_group_take_down_together_what_neither_takes_down_alone()
    {
        var conflicts = new MaintenanceConflicts(new PropagationEngine(Regions()));
        var west = Window("west", Sunday, TimeSpan.FromHours(2), new IncidentOutage("west", NodeState.Down));
        var central = Window("central", Sunday.AddHours(1), TimeSpan.FromHours(2), new IncidentOutage("central", NodeState.Down));

        var conflict = conflicts.Between(west, central);

        Assert.That(conflict, Is.Not.Null);
        Assert.That((conflict!.Kind, conflict.With, conflict.From, conflict.Until), Is.EqualTo(("maintenance", "central", Sunday.AddHours(1), Sunday.AddHours(2))));
        Assert.That(conflict.Parties.Select(p => (p.Id, p.State, p.Alone)), Is.EqualTo(new[]
        {
            ("app", NodeState.Down, NodeState.AtRisk), ("shop", NodeState.Down, NodeState.AtRisk),
        }), "each alone leaves the app on its last fallback; together they take it down");
        Assert.That(conflicts.Between(central, west)!.Parties.Select(p => p.Id), Is.EqualTo(new[] { "app", "shop" }), "listed on both windows");
        Assert.That(conflicts.Between(west, Window("later", Sunday.AddHours(2), TimeSpan.FromHours(1), new IncidentOutage("central", NodeState.Down))), Is.Null,
            "back to back is not overlapping");
    }

    [Test]
    public void A_two_hour_window_spares_a_party_with_a_four_hour_tolerance()
    {
        var conflicts = new MaintenanceConflicts(new PropagationEngine(Regions()));

        var alone = conflicts.Alone(Window("west", Sunday, TimeSpan.FromHours(2), new IncidentOutage("west", NodeState.Down)));

        Assert.That(alone.Keys, Is.EquivalentTo(new[] { "west", "app", "shop" }));
        Assert.That(alone["app"], Is.EqualTo(NodeState.AtRisk));
    }

    [Test]
    public void A_window_that_starts_while_an_incident_has_the_group_on_its_last_fallback_conflicts_with_it()
    {
        var conflicts = new MaintenanceConflicts(new PropagationEngine(Regions()));
        var window = Window("central", Sunday, TimeSpan.FromHours(2), new IncidentOutage("central", NodeState.Down));
        var incident = new IncidentSummary("i-1", "g", "West is down", IncidentStatus.Identified, Sunday.AddHours(-1), null, Sunday.AddHours(-1), null,
            [new IncidentOutage("west", NodeState.Down)], new StateCounts(0, 0, 1), 2, 1, false);

        var conflict = conflicts.Between(window, incident);

        Assert.That((conflict!.Kind, conflict.With, conflict.Total), Is.EqualTo(("incident", "i-1", 2)));
        Assert.That(conflict.Parties.Single(p => p.Id == "app").Alone, Is.EqualTo(NodeState.AtRisk));
        Assert.That(conflicts.Between(window, incident with { ExpectedDuration = TimeSpan.FromMinutes(30) }), Is.Null, "expected to be over before the window starts");
        Assert.That(conflicts.Between(window, incident with { Status = IncidentStatus.Resolved }), Is.Null);
        Assert.That(conflicts.Between(window, incident with { Outages = [new IncidentOutage("west", NodeState.Down, Sunday.AddMinutes(-5))] }), Is.Null,
            "its outage came back already");
    }

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property Conflicts_between_windows_are_what_brute_force_over_the_reference_engine_finds() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.ArrayOf(Gen.Choose(0, 20), 4)), (scenario, minutes) =>
        {
            var graph = scenario.Graph;
            var nodes = graph.Nodes.Select(n => n.Id).ToList();
            // Two windows, each on one or two of the scenario's outage nodes, at random times ten minutes long or more.
            var outages = scenario.Outages.Select(o => new IncidentOutage(o.Node, o.State)).ToList();
            var first = Window("a", Sunday.AddMinutes(minutes[0]), TimeSpan.FromMinutes(minutes[1] + 1), outages[0]);
            var second = Window("b", Sunday.AddMinutes(minutes[2]), TimeSpan.FromMinutes(minutes[3] + 1), outages.Count > 1 ? outages[1..] : [new IncidentOutage(nodes[^1], NodeState.Down)]);

            var conflict = new MaintenanceConflicts(new PropagationEngine(graph)).Between(first, second);

            var expected = new Dictionary<string, NodeState>();
            if (first.Start < second.End && second.Start < first.End)
            {
                var overlap = (long)((first.End < second.End ? first.End : second.End) - (first.Start > second.Start ? first.Start : second.Start)).TotalSeconds;
                Dictionary<string, ReferenceEngine.Answer> Run(IEnumerable<IncidentOutage> failing, long seconds) => ReferenceEngine.Run(graph,
                    failing.GroupBy(o => o.Node).Select(g => (g.Key, g.Max(o => o.State))).ToList(), durationSeconds: seconds);
                var together = Run([.. first.Outages, .. second.Outages], overlap);
                var aloneFirst = Run(first.Outages, (long)first.Length.TotalSeconds);
                var aloneSecond = Run(second.Outages, (long)second.Length.TotalSeconds);
                var origins = first.Outages.Concat(second.Outages).Select(o => o.Node).ToHashSet();
                foreach (var (id, answer) in together.Where(t => !origins.Contains(t.Key)))
                {
                    var alone = NodeStates.Worst(aloneFirst.GetValueOrDefault(id)?.State ?? NodeState.Up, aloneSecond.GetValueOrDefault(id)?.State ?? NodeState.Up);
                    if (answer.State > alone)
                    {
                        expected[id] = answer.State;
                    }
                }
            }

            Assert.That(conflict?.Parties.ToDictionary(p => p.Id, p => p.State) ?? [], Is.EquivalentTo(expected), scenario.ToString());
            Assert.That(conflict?.Total ?? 0, Is.EqualTo(expected.Count));
        });

    [Test]
    public void The_parties_a_window_reaches_get_a_letter_before_it_as_it_starts_and_once_it_is_over_in_their_language()
    {
        var graph = new TestGraph().Nodes("region", "bank", "shoppers").Dep("bank", "region", toleranceMinutes: 15).Dep("shoppers", "bank").Build();
        var window = Window("drain", Sunday, TimeSpan.FromHours(2), new IncidentOutage("region", NodeState.Down)) with
        {
            Title = "Region drained for a power upgrade", Advice = "Pay by bank transfer meanwhile",
        };
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, window.Outages, window.Length, Sunday, 1000);
        Notice Letter(string phase, string? language = null) =>
            MaintenanceNotices.For(window, impact, impact.Affected.Where(p => p.Id == "shoppers"), phase, new LetterSettings("Bank desk <desk@bank.example>"), language).Single();

        var planned = Letter("planned");
        Assert.That(planned.Subject, Is.EqualTo("Planned maintenance that affects you: Region drained for a power upgrade"));
        Assert.That(planned.Message, Does.Contain("We plan maintenance: \"Region drained for a power upgrade\", from 2026-12-13 02:00 UTC to 2026-12-13 04:00 UTC (2 hours)."));
        Assert.That(planned.Message, Does.Contain("It will reach you through your service bank, which depends on region."));
        Assert.That(planned.Message, Does.Contain("Impact on you: down, from 2026-12-13 02:15 UTC to 2026-12-13 04:00 UTC. What you can do: Pay by bank transfer meanwhile."));
        Assert.That(planned.Message, Does.Contain("Reply to Bank desk <desk@bank.example>."));
        Assert.That(Letter("started").Message, Does.Contain("began at 2026-12-13 02:00 UTC and is planned to end at 2026-12-13 04:00 UTC"));
        Assert.That(Letter("completed").Message, Does.Contain("was completed at 2026-12-13 04:00 UTC").And.Contain("Service is back to normal."));
        var dutch = Letter("planned", "nl");
        Assert.That(dutch.Subject, Is.EqualTo("Gepland onderhoud met gevolgen voor u: Region drained for a power upgrade"));
        Assert.That(dutch.Message, Does.Contain("Wij plannen onderhoud aan region").And.Contain("(2 uur)").And.Contain("Gevolgen voor u: volledige uitval, van 2026-12-13 02:15 UTC"));
        Assert.That(dutch.Message, Does.Contain("Wat u kunt doen: Pay by bank transfer meanwhile."));
    }

    [Test]
    public void A_window_shorter_than_a_tolerance_writes_no_letter_to_the_party_it_spares()
    {
        var graph = new TestGraph().Nodes("region", "report").Dep("report", "region", toleranceMinutes: 240).Build();
        var window = Window("drain", Sunday, TimeSpan.FromHours(2), new IncidentOutage("region", NodeState.Down));
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, window.Outages, window.Length, Sunday, 1000);

        Assert.That(MaintenanceNotices.For(window, impact, impact.Affected, "planned"), Is.Empty);
    }

    [Test]
    public void A_windows_status_follows_the_clock()
    {
        var window = Window("w", Sunday, TimeSpan.FromHours(2), new IncidentOutage("region", NodeState.Down));

        Assert.That(new[] { Sunday.AddMinutes(-1), Sunday, Sunday.AddHours(2) }.Select(window.StatusAt),
            Is.EqualTo(new[] { MaintenanceStatus.Scheduled, MaintenanceStatus.InProgress, MaintenanceStatus.Completed }));
        Assert.That((window with { Cancelled = true }).StatusAt(Sunday).ToWire(), Is.EqualTo("cancelled"));
        Assert.That(MaintenanceStatus.InProgress.ToWire(), Is.EqualTo("in-progress"));
    }
}
