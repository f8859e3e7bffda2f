using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>What every store must do with the event feed, run against each of them, on a frozen clock.</summary>
[TestFixtureSource(typeof(StoreFactories), nameof(StoreFactories.All))]
public class EventStoreContract(string kind)
{
    private readonly FrozenClock _clock = new(new DateTimeOffset(2026, 11, 30, 6, 13, 0, TimeSpan.Zero));
    private TempFolder _folder = null!;
    private IEventStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        var stores = (await StoreFactories.CreateAsync(kind, _folder, _clock))();
        await stores.Database.InitializeAsync(CancellationToken.None);
        _store = stores.Events;
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    [Test]
    public async Task Events_come_back_in_order_per_graph_after_a_given_id()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var other = "g-" + Guid.NewGuid().ToString("N")[..8];
        var before = await _store.LastIdAsync(CancellationToken.None);

        var first = await _store.AppendAsync(graph, "incident.opened", """{"id":"x"}""", CancellationToken.None);
        await _store.AppendAsync(other, "graph.changed", "{}", CancellationToken.None);
        var second = await _store.AppendAsync(graph, "incident.closed", """{"id":"x"}""", CancellationToken.None);

        Assert.That(first, Is.GreaterThan(before));
        Assert.That(second, Is.GreaterThan(first));
        var all = await _store.ReadAsync(graph, 0, 100, CancellationToken.None);
        Assert.That(all.Select(e => (e.Id, e.Type, e.Data)), Is.EqualTo(new[] { (first, "incident.opened", """{"id":"x"}"""), (second, "incident.closed", """{"id":"x"}""") }));
        Assert.That((await _store.ReadAsync(graph, first, 100, CancellationToken.None)).Single().Id, Is.EqualTo(second));
        Assert.That(await _store.LastIdAsync(CancellationToken.None), Is.GreaterThanOrEqualTo(second));
    }

    [Test]
    public async Task An_event_is_stamped_with_the_stores_clock()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        _clock.Now = new DateTimeOffset(2026, 11, 30, 6, 13, 0, TimeSpan.Zero);
        await _store.AppendAsync(graph, "incident.opened", "{}", CancellationToken.None);
        _clock.Now = _clock.Now.AddMinutes(87);
        await _store.AppendAsync(graph, "incident.closed", "{}", CancellationToken.None);

        var events = await _store.ReadAsync(graph, 0, 10, CancellationToken.None);

        Assert.That(events.Select(e => e.At), Is.EqualTo(new[]
        {
            new DateTimeOffset(2026, 11, 30, 6, 13, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 30, 7, 40, 0, TimeSpan.Zero),
        }));
    }

    [Test]
    public async Task At_most_the_asked_number_of_events_come_back()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _store.AppendAsync(graph, "graph.changed", "{}", CancellationToken.None));
        }

        var page = await _store.ReadAsync(graph, ids[0], 3, CancellationToken.None);

        Assert.That(page.Select(e => e.Id), Is.EqualTo(ids.Skip(1).Take(3)));
    }

    [Test]
    public async Task Deleting_a_graphs_events_up_to_an_id_keeps_later_ones_and_other_graphs()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var other = "g-" + Guid.NewGuid().ToString("N")[..8];
        var first = await _store.AppendAsync(graph, "incident.opened", "{}", CancellationToken.None);
        var kept = await _store.AppendAsync(other, "incident.opened", "{}", CancellationToken.None);
        var later = await _store.AppendAsync(graph, "graph.changed", "{}", CancellationToken.None);

        await _store.DeleteAllAsync(graph, first, CancellationToken.None);
        var afterPartial = await _store.ReadAsync(graph, 0, 10, CancellationToken.None);
        await _store.DeleteAllAsync(graph, null, CancellationToken.None);

        Assert.That(afterPartial.Select(e => e.Id), Is.EqualTo(new[] { later }));
        Assert.That(await _store.ReadAsync(graph, 0, 10, CancellationToken.None), Is.Empty);
        Assert.That((await _store.ReadAsync(other, 0, 10, CancellationToken.None)).Single().Id, Is.EqualTo(kept));
    }
}
