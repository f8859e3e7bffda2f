using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>What every store must do with feature records (watches, status pages, webhooks), run against each of them.</summary>
[TestFixtureSource(typeof(StoreFactories), nameof(StoreFactories.All))]
public class RecordStoreContract(string kind)
{
    private TempFolder _folder = null!;
    private Func<StoreSet> _newStores = null!;
    private FrozenClock _clock = null!;
    private IRecordStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        _clock = new FrozenClock(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        _newStores = await StoreFactories.CreateAsync(kind, _folder, _clock);
        var stores = _newStores();
        await stores.Database.InitializeAsync(CancellationToken.None);
        _store = stores.Records;
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static string NewGraph() => "r-" + Guid.NewGuid().ToString("N")[..10];

    [Test]
    public async Task A_record_is_written_read_by_another_instance_and_revision_checked()
    {
        var graph = NewGraph();
        const string data = """{"url":"https://status.example","name":"'); DROP TABLE records; --"}""";

        var first = await _store.PutAsync(graph, "watches", "aws", data, 0, CancellationToken.None);
        var read = await _newStores().Records.GetAsync(graph, "watches", "aws", CancellationToken.None);

        Assert.That(first, Is.EqualTo(1));
        Assert.That(read, Is.EqualTo(new StoredRecord(graph, "watches", "aws", 1, data)));
        Assert.That(() => _store.PutAsync(graph, "watches", "aws", "{}", 0, CancellationToken.None), Throws.TypeOf<VersionConflictException>(),
            "0 means it must not exist yet");
        Assert.That(() => _store.PutAsync(graph, "watches", "aws", "{}", 7, CancellationToken.None), Throws.TypeOf<VersionConflictException>());
        Assert.That(await _store.PutAsync(graph, "watches", "aws", "{\"b\":2}", 1, CancellationToken.None), Is.EqualTo(2));
        Assert.That(await _store.PutAsync(graph, "watches", "aws", "{\"c\":3}", null, CancellationToken.None), Is.EqualTo(3));
        Assert.That((await _store.GetAsync(graph, "watches", "aws", CancellationToken.None))!.Data, Is.EqualTo("{\"c\":3}"));
        Assert.That(await _store.GetAsync(graph, "webhooks", "aws", CancellationToken.None), Is.Null, "collections are apart");
    }

    [Test]
    public async Task Concurrent_writers_of_one_revision_have_exactly_one_winner()
    {
        var graph = NewGraph();
        await _store.PutAsync(graph, "watches", "w", "{}", 0, CancellationToken.None);

        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await _newStores().Records.PutAsync(graph, "watches", "w", $"{{\"i\":{i}}}", 1, CancellationToken.None);
                return true;
            }
            catch (VersionConflictException)
            {
                return false;
            }
        });

        Assert.That((await Task.WhenAll(attempts)).Count(won => won), Is.EqualTo(1));
        Assert.That((await _store.GetAsync(graph, "watches", "w", CancellationToken.None))!.Revision, Is.EqualTo(2));
    }

    [Test]
    public async Task Lists_page_by_id_within_a_graph_or_across_graphs()
    {
        var (a, b) = (NewGraph(), NewGraph());
        foreach (var id in new[] { "c", "a", "b" })
        {
            await _store.PutAsync(a, "pages", id, $"\"{id}\"", null, CancellationToken.None);
        }

        await _store.PutAsync(b, "pages", "a", "\"b/a\"", null, CancellationToken.None);

        var first = await _store.ListAsync(a, "pages", "", 2, CancellationToken.None);
        var rest = await _store.ListAsync(a, "pages", first[^1].Id, 2, CancellationToken.None);
        var everywhere = await _store.ListAsync(null, "pages", "", 10_000, CancellationToken.None);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(rest.Select(r => r.Id), Is.EqualTo(new[] { "c" }));
        Assert.That(everywhere.Where(r => r.Graph == a || r.Graph == b).Select(r => $"{r.Graph == a}:{r.Id}"),
            Is.EquivalentTo(new[] { "True:a", "True:b", "True:c", "False:a" }));
    }

    [Test]
    public async Task Delete_removes_one_record_and_delete_all_a_graphs_records()
    {
        var (a, b) = (NewGraph(), NewGraph());
        await _store.PutAsync(a, "watches", "x", "{}", null, CancellationToken.None);
        await _store.PutAsync(a, "webhooks", "y", "{}", null, CancellationToken.None);
        await _store.PutAsync(b, "watches", "x", "{}", null, CancellationToken.None);

        Assert.That(await _store.DeleteAsync(a, "watches", "x", CancellationToken.None), Is.True);
        Assert.That(await _store.DeleteAsync(a, "watches", "x", CancellationToken.None), Is.False);
        await _store.DeleteAllAsync(a, CancellationToken.None);

        Assert.That(await _store.GetAsync(a, "webhooks", "y", CancellationToken.None), Is.Null);
        Assert.That(await _store.GetAsync(b, "watches", "x", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task A_lease_has_one_holder_until_it_expires_by_the_stores_clock()
    {
        var graph = NewGraph();
        await _store.PutAsync(graph, "watches", "w", "{}", null, CancellationToken.None);
        var until = _clock.Now.AddSeconds(30);

        var takers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _newStores().Records.TryLeaseAsync(graph, "watches", "w", $"instance-{i}", until, CancellationToken.None)));
        var winner = $"instance-{Array.IndexOf(takers, true)}";

        Assert.That(takers.Count(taken => taken), Is.EqualTo(1), "one holder among concurrent takers");
        Assert.That(await _store.TryLeaseAsync(graph, "watches", "w", winner, until.AddSeconds(30), CancellationToken.None), Is.True, "the holder renews");
        Assert.That(await _store.TryLeaseAsync(graph, "watches", "w", "other", until, CancellationToken.None), Is.False);
        _clock.Now = until.AddSeconds(31);
        Assert.That(await _store.TryLeaseAsync(graph, "watches", "w", "other", _clock.Now.AddSeconds(30), CancellationToken.None), Is.True, "expired");
        Assert.That(await _store.TryLeaseAsync(graph, "watches", "missing", "other", until, CancellationToken.None), Is.False);
        Assert.That(await _store.PutAsync(graph, "watches", "w", "{\"kept\":1}", null, CancellationToken.None), Is.EqualTo(2), "a write keeps the lease");
        Assert.That(await _store.TryLeaseAsync(graph, "watches", "w", winner, _clock.Now, CancellationToken.None), Is.False);
    }
}
