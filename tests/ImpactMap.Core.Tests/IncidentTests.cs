using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class IncidentTests
{
    [Test]
    public void The_change_between_two_impacts_names_who_became_affected_recovered_worsened_and_improved()
    {
        static AffectedParty P(string id, NodeState state) => new(id, id, "service", state, 1, [new PartyStep("o", "o", "supplier"), new PartyStep(id, id, "service")], TimeSpan.Zero);
        var before = new IncidentImpact(1, DateTimeOffset.UnixEpoch, [P("a", NodeState.Down), P("b", NodeState.AtRisk), P("c", NodeState.Down)], [], 3, false);
        var after = new IncidentImpact(2, DateTimeOffset.UnixEpoch, [P("b", NodeState.Down), P("c", NodeState.Degraded), P("d", NodeState.AtRisk)], [], 3, false);

        var change = ImpactChange.Between(before, after);

        Assert.That(change.BecameAffected, Is.EqualTo(new[] { "d" }));
        Assert.That(change.Recovered, Is.EqualTo(new[] { "a" }));
        Assert.That(change.Worsened, Is.EqualTo(new[] { "b" }));
        Assert.That(change.Improved, Is.EqualTo(new[] { "c" }));
    }

    [Test]
    public void An_incident_round_trips_through_its_stored_json()
    {
        var graph = DependencyGraph.Create([Node.Create("a", Node.Supplier, "A"), Node.Create("b", Node.Customer, "B")], [Dependency.Create("b", "a")]);
        var impact = IncidentImpacts.Compute(new PropagationEngine(graph), 1, [new IncidentOutage("a", NodeState.Degraded)], TimeSpan.FromHours(2), DateTimeOffset.UnixEpoch, 1000);
        var incident = Open(impact) with
        {
            Updates = [new IncidentUpdate(1, DateTimeOffset.UnixEpoch, IncidentStatus.Monitoring, "fix deployed", [new IncidentOutage("a", NodeState.AtRisk)],
                new ImpactChange(["x"], ["y"], [], ["z"]))],
            Review = new IncidentReview("what", "learned", [new PreventionAction("act", "me", new DateOnly(2027, 2, 1))], DateTimeOffset.UnixEpoch),
        };

        var json = IncidentJson.Write(incident);
        var back = IncidentJson.Read(json);

        Assert.That(IncidentJson.Write(back), Is.EqualTo(json));
        Assert.That(json, Does.Contain("\"status\":\"investigating\"").And.Contain("\"state\":\"at-risk\""));
    }

    [Test]
    public void An_update_moves_the_status_on_records_what_changed_and_the_revision()
    {
        var (graph, before) = TwoNodeImpact(NodeState.Down);
        var after = IncidentImpacts.Compute(new PropagationEngine(graph), 1, [new IncidentOutage("a", NodeState.AtRisk)], null, DateTimeOffset.UnixEpoch, 1000);
        var at = new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero);

        var updated = Open(before).WithUpdate(at, IncidentStatus.Monitoring, "partly restored", [new IncidentOutage("a", NodeState.AtRisk)], null, after);

        Assert.That(updated.Status, Is.EqualTo(IncidentStatus.Monitoring));
        Assert.That(updated.Revision, Is.EqualTo(2));
        Assert.That(updated.Impact, Is.SameAs(after));
        Assert.That(updated.Outages.Single().State, Is.EqualTo(NodeState.AtRisk));
        var update = updated.LatestUpdate!;
        Assert.That((update.Sequence, update.At, update.Message), Is.EqualTo((1, at, "partly restored")));
        Assert.That(update.Change!.Improved, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void An_update_without_new_outages_keeps_the_impact_and_records_no_change()
    {
        var (_, impact) = TwoNodeImpact(NodeState.Down);

        var updated = Open(impact).WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Identified, "cause found", null, null, null);

        Assert.That(updated.Impact, Is.SameAs(impact));
        Assert.That(updated.LatestUpdate!.Change, Is.Null);
        Assert.That(updated.LatestUpdate.Outages, Is.Null);
    }

    [Test]
    public void An_update_cannot_close_an_incident()
    {
        var (_, impact) = TwoNodeImpact(NodeState.Down);

        Assert.Throws<ArgumentException>(() => Open(impact).WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Closed, "done", null, null, null));
    }

    [Test]
    public void Closing_needs_the_incident_resolved_and_reviewed_and_names_what_is_missing()
    {
        var (_, impact) = TwoNodeImpact(NodeState.Down);
        var monitoring = Open(impact).WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Monitoring, "fix deployed", null, null, null);

        var neither = Assert.Throws<IncidentNotReadyException>(() => monitoring.Close(DateTimeOffset.UnixEpoch))!;
        var resolved = monitoring.WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Resolved, "restored", null, null, null);
        var unreviewed = Assert.Throws<IncidentNotReadyException>(() => resolved.Close(DateTimeOffset.UnixEpoch))!;
        var closed = resolved.WithReview(Review("first")).Close(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.That(neither.Missing, Has.Count.EqualTo(2));
        Assert.That(neither.Missing[0], Does.Contain("monitoring, not resolved"));
        Assert.That(unreviewed.Missing.Single(), Does.Contain("no accepted review"));
        Assert.That(closed.Status, Is.EqualTo(IncidentStatus.Closed));
        Assert.That(closed.ClosedAt, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(closed.Close(DateTimeOffset.MaxValue), Is.SameAs(closed), "closing a closed incident changes nothing");
    }

    [Test]
    public void A_review_comes_once_resolved_and_a_later_one_is_a_new_revision_kept_beside_the_first()
    {
        var (_, impact) = TwoNodeImpact(NodeState.Down);
        var open = Open(impact);
        var resolved = open.WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Resolved, "restored", null, null, null);

        var early = Assert.Throws<IncidentNotReadyException>(() => open.WithReview(Review("early")))!;
        var reviewed = resolved.WithReview(Review("first") with { Author = "ops-key" }).WithReview(Review("second") with { Author = "cto-key" });
        var closed = reviewed.Close(DateTimeOffset.UnixEpoch);

        Assert.That(early.Missing.Single(), Does.Contain("investigating, not resolved"));
        Assert.That((reviewed.Review!.WhatHappened, reviewed.Review.Revision, reviewed.Review.Author), Is.EqualTo(("second", 2, "cto-key")));
        Assert.That(reviewed.EarlierReviews!.Select(r => (r.WhatHappened, r.Revision, r.Author)), Is.EqualTo(new[] { ("first", 1, "ops-key") }));
        Assert.That(Assert.Throws<IncidentClosedException>(() => closed.WithReview(Review("third")))!.Id, Is.EqualTo("i-1"));
        Assert.Throws<IncidentClosedException>(() => closed.WithUpdate(DateTimeOffset.UnixEpoch, IncidentStatus.Investigating, "again", null, null, null));
    }

    private static (DependencyGraph Graph, IncidentImpact Impact) TwoNodeImpact(NodeState state)
    {
        var graph = DependencyGraph.Create([Node.Create("a", Node.Supplier, "A"), Node.Create("b", Node.Customer, "B")], [Dependency.Create("b", "a")]);
        return (graph, IncidentImpacts.Compute(new PropagationEngine(graph), 1, [new IncidentOutage("a", state)], null, DateTimeOffset.UnixEpoch, 1000));
    }

    private static IncidentReview Review(string whatHappened) =>
        new(whatHappened, "learned", [new PreventionAction("act", "me", new DateOnly(2027, 2, 1))], DateTimeOffset.UnixEpoch);

    private static Incident Open(IncidentImpact impact) => new(
        "i-1", "g", "Payments down", IncidentStatus.Investigating, DateTimeOffset.UnixEpoch, null,
        impact.Origins.Select(o => new IncidentOutage(o.Id, o.State)).ToList(), impact, [], null, DateTimeOffset.UnixEpoch, null, 1);
}
