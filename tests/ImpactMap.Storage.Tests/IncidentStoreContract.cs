using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>What every store must do with incidents, run against each of them.</summary>
[TestFixtureSource(typeof(StoreFactories), nameof(StoreFactories.All))]
public class IncidentStoreContract(string kind)
{
    private TempFolder _folder = null!;
    private IIncidentStore _store = null!;
    private IEventStore _events = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        var stores = (await StoreFactories.CreateAsync(kind, _folder))();
        await stores.Database.InitializeAsync(CancellationToken.None);
        _store = stores.Incidents;
        _events = stores.Events;
    }

    [Test]
    public async Task The_events_of_a_change_are_stored_with_it_and_not_without_it()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var incident = NewIncident(graph, DateTimeOffset.UtcNow);

        await _store.CreateAsync(incident, [new NewEvent("incident.opened", "{\"n\":1}")], CancellationToken.None);
        await _store.SaveAsync(incident with { Title = "updated", Revision = 2 }, 1,
            [new NewEvent("incident.updated", "{\"n\":2}"), new NewEvent("incident.impact-changed", "{\"n\":3}")], impactChanged: true, CancellationToken.None);
        Assert.ThrowsAsync<VersionConflictException>(() =>
            _store.SaveAsync(incident with { Title = "stale", Revision = 2 }, 1, [new NewEvent("incident.updated", "{\"lost\":true}")], impactChanged: true, CancellationToken.None));
        Assert.ThrowsAsync(Is.InstanceOf<Exception>(), () => _store.CreateAsync(incident, [new NewEvent("incident.opened", "{\"twice\":true}")], CancellationToken.None),
            "the same id again");

        var stored = await _events.ReadAsync(graph, 0, 100, CancellationToken.None);
        Assert.That(stored.Select(e => (e.Type, e.Data)), Is.EqualTo(new[]
        {
            ("incident.opened", "{\"n\":1}"), ("incident.updated", "{\"n\":2}"), ("incident.impact-changed", "{\"n\":3}"),
        }), "a refused change leaves no event");
        Assert.That(stored.Select(e => e.Id), Is.Ordered.Ascending);
        Assert.That((await _store.GetAsync(graph, incident.Id, CancellationToken.None))!.Title, Is.EqualTo("updated"));
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static Incident NewIncident(string graph, DateTimeOffset openedAt, IncidentStatus status = IncidentStatus.Investigating)
    {
        var party = new AffectedParty("b", "B \"quoted\"", "customer", NodeState.Down, 1, [new PartyStep("a", "A", "supplier"), new PartyStep("b", "B", "customer")], TimeSpan.FromMinutes(5));
        var origin = new AffectedParty("a", "A", "supplier", NodeState.Down, 0, [new PartyStep("a", "A", "supplier")], TimeSpan.Zero);
        var impact = new IncidentImpact(3, openedAt, [party], [origin], 1, false);
        return new Incident("i-" + Guid.NewGuid().ToString("N")[..8], graph, "Region down', DETACH DELETE n //", status, openedAt, TimeSpan.FromHours(2),
            [new IncidentOutage("a", NodeState.Down)], impact, [], null, openedAt, null, 1);
    }

    [Test]
    public async Task An_incident_is_stored_and_read_back_whole()
    {
        var incident = NewIncident("g-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);

        await _store.CreateAsync(incident, [], CancellationToken.None);
        var stored = await _store.GetAsync(incident.Graph, incident.Id, CancellationToken.None);

        Assert.That(IncidentJson.Write(stored!), Is.EqualTo(IncidentJson.Write(incident)));
        Assert.That(await _store.GetAsync(incident.Graph, "nope", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task A_text_only_update_keeps_the_stored_impact_and_a_new_impact_replaces_it()
    {
        var incident = NewIncident("g-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        await _store.CreateAsync(incident, [], CancellationToken.None);
        var told = incident.WithUpdate(DateTimeOffset.UtcNow, IncidentStatus.Identified, "found it", null, null, null);
        await _store.SaveAsync(told, incident.Revision, [], impactChanged: false, CancellationToken.None);

        Assert.That(IncidentJson.Write((await _store.GetAsync(incident.Graph, incident.Id, CancellationToken.None))!), Is.EqualTo(IncidentJson.Write(told)));

        var recovered = told.WithUpdate(DateTimeOffset.UtcNow, IncidentStatus.Monitoring, "recovering", null, null,
            told.Impact with { Affected = [], Total = 0, AllCounts = new Core.Engine.StateCounts(0, 0, 0) });
        await _store.SaveAsync(recovered, told.Revision, [], impactChanged: true, CancellationToken.None);

        var stored = await _store.GetAsync(incident.Graph, incident.Id, CancellationToken.None);
        Assert.That(IncidentJson.Write(stored!), Is.EqualTo(IncidentJson.Write(recovered)));
        Assert.That(stored!.Impact.Affected, Is.Empty);
        Assert.ThrowsAsync<VersionConflictException>(() => _store.SaveAsync(told, incident.Revision, [], impactChanged: false, CancellationToken.None),
            "a text-only save from a stale revision is refused too");
    }

    [Test]
    public async Task Incidents_are_listed_newest_first_and_filtered_by_status()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var older = NewIncident(graph, DateTimeOffset.UtcNow.AddHours(-2));
        var newer = NewIncident(graph, DateTimeOffset.UtcNow.AddHours(-1));
        var closed = NewIncident(graph, DateTimeOffset.UtcNow, IncidentStatus.Closed);
        foreach (var incident in new[] { older, newer, closed })
        {
            await _store.CreateAsync(incident, [], CancellationToken.None);
        }

        var all = await _store.ListAsync(graph, null, openOnly: false, CancellationToken.None);
        var investigating = await _store.ListAsync(graph, IncidentStatus.Investigating, openOnly: false, CancellationToken.None);
        var openSummaries = await _store.ListAsync(null, null, openOnly: true, CancellationToken.None);
        var everywhereOpen = await _store.ListOpenAsync(null, CancellationToken.None);
        var openHere = await _store.ListOpenAsync(graph, CancellationToken.None);

        Assert.That(all.Select(i => i.Id), Is.EqualTo(new[] { closed.Id, newer.Id, older.Id }));
        Assert.That(investigating.Select(i => i.Id), Is.EqualTo(new[] { newer.Id, older.Id }));
        Assert.That(openSummaries.Where(i => i.Graph == graph).Select(i => i.Id), Is.EqualTo(new[] { newer.Id, older.Id }), "open ones of every graph");
        Assert.That(openSummaries.Select(i => i.Status), Has.None.EqualTo(IncidentStatus.Closed));
        Assert.That(everywhereOpen.Select(i => i.Id), Is.SupersetOf(new[] { newer.Id, older.Id }).And.No.Member(closed.Id));
        Assert.That(openHere.Select(i => i.Id), Is.EqualTo(new[] { newer.Id, older.Id }), "a graph's open incidents alone, newest first");
    }

    [Test]
    public async Task A_listed_summary_is_the_incidents_as_last_saved()
    {
        var incident = NewIncident("g-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        await _store.CreateAsync(incident, [], CancellationToken.None);
        var created = (await _store.ListAsync(incident.Graph, null, openOnly: false, CancellationToken.None)).Single();
        var updated = incident.WithUpdate(DateTimeOffset.UtcNow, IncidentStatus.Identified, "found it", null, TimeSpan.FromHours(3), null);
        await _store.SaveAsync(updated, incident.Revision, [], impactChanged: true, CancellationToken.None);
        var saved = (await _store.ListAsync(incident.Graph, null, openOnly: false, CancellationToken.None)).Single();

        Assert.That(Describe(created), Is.EqualTo(Describe(IncidentSummary.Of(incident))));
        Assert.That(created.Counts, Is.EqualTo(new Core.Engine.StateCounts(1, 0, 0)));
        Assert.That(Describe(saved), Is.EqualTo(Describe(IncidentSummary.Of(updated))));
        Assert.That((saved.Status, saved.Updates, saved.ExpectedDuration), Is.EqualTo((IncidentStatus.Identified, 1, (TimeSpan?)TimeSpan.FromHours(3))));
    }

    /// <summary>A summary's every value, its outages listed (records compare lists by reference).</summary>
    private static string Describe(IncidentSummary summary) => (summary with { Outages = [] }) + string.Join(",", summary.Outages);

    [Test]
    public async Task A_save_from_a_stale_revision_is_refused()
    {
        var incident = NewIncident("g-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        await _store.CreateAsync(incident, [], CancellationToken.None);
        var updated = incident with { Status = IncidentStatus.Identified, Revision = 2 };

        await _store.SaveAsync(updated, 1, [], impactChanged: true, CancellationToken.None);

        Assert.ThrowsAsync<VersionConflictException>(() => _store.SaveAsync(incident with { Title = "lost", Revision = 2 }, 1, [], impactChanged: true, CancellationToken.None));
        var stored = await _store.GetAsync(incident.Graph, incident.Id, CancellationToken.None);
        Assert.That(stored!.Status, Is.EqualTo(IncidentStatus.Identified));
        Assert.That(stored.Title, Is.EqualTo(incident.Title));
    }

    [Test]
    public async Task Deleting_a_graphs_incidents_leaves_other_graphs_alone()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var other = "g-" + Guid.NewGuid().ToString("N")[..8];
        await _store.CreateAsync(NewIncident(graph, DateTimeOffset.UtcNow), [], CancellationToken.None);
        await _store.CreateAsync(NewIncident(graph, DateTimeOffset.UtcNow, IncidentStatus.Closed), [], CancellationToken.None);
        var kept = NewIncident(other, DateTimeOffset.UtcNow);
        await _store.CreateAsync(kept, [], CancellationToken.None);

        var deleted = await _store.DeleteAllAsync(graph, CancellationToken.None);

        Assert.That(deleted, Is.EqualTo(2));
        Assert.That(await _store.ListAsync(graph, null, openOnly: false, CancellationToken.None), Is.Empty);
        Assert.That((await _store.ListAsync(other, null, openOnly: false, CancellationToken.None)).Single().Id, Is.EqualTo(kept.Id));
    }

    [Test]
    public async Task An_incidents_revision_is_read_alone_and_follows_its_saves()
    {
        var incident = NewIncident("g-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        await _store.CreateAsync(incident, [], CancellationToken.None);

        var first = await _store.GetRevisionAsync(incident.Graph, incident.Id, CancellationToken.None);
        await _store.SaveAsync(incident with { Status = IncidentStatus.Identified, Revision = 2 }, 1, [], impactChanged: true, CancellationToken.None);

        Assert.That(first, Is.EqualTo(1));
        Assert.That(await _store.GetRevisionAsync(incident.Graph, incident.Id, CancellationToken.None), Is.EqualTo(2));
        Assert.That(await _store.GetRevisionAsync(incident.Graph, "nope", CancellationToken.None), Is.Null);
    }
}
