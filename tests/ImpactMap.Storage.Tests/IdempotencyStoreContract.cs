using System.Text;
using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>What every store must do with first answers to Idempotency-Key requests, run against each of them.</summary>
[TestFixtureSource(typeof(StoreFactories), nameof(StoreFactories.All))]
public class IdempotencyStoreContract(string kind)
{
    private TempFolder _folder = null!;
    private Func<StoreSet> _newStores = null!;
    private IIdempotencyStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        _newStores = await StoreFactories.CreateAsync(kind, _folder);
        var stores = _newStores();
        await stores.Database.InitializeAsync(CancellationToken.None);
        _store = stores.Idempotency;
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    [Test]
    public async Task An_answer_is_kept_whole_and_found_by_another_instance()
    {
        var key = Guid.NewGuid().ToString();
        var answer = new IdempotentResponse("abc123", 201, "application/json; charset=utf-8", "/v1/graphs/g/nodes/n", "\"7\"",
            Encoding.UTF8.GetBytes("""{"id":"n","name":"'); DROP TABLE nodes; --"}"""));

        await _store.SaveAsync(key, answer, DateTimeOffset.MinValue, CancellationToken.None);
        var found = await _newStores().Idempotency.FindAsync(key, DateTimeOffset.MinValue, CancellationToken.None);

        Assert.That(found, Is.Not.Null);
        Assert.That((found!.RequestHash, found.Status, found.ContentType, found.Location, found.ETag),
            Is.EqualTo((answer.RequestHash, answer.Status, answer.ContentType, answer.Location, answer.ETag)));
        Assert.That(found.Body, Is.EqualTo(answer.Body));
        Assert.That(await _store.FindAsync(Guid.NewGuid().ToString(), DateTimeOffset.MinValue, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task The_first_answer_kept_for_a_key_stays()
    {
        var key = Guid.NewGuid().ToString();
        await _store.SaveAsync(key, new IdempotentResponse("first", 201, null, null, null, [1]), DateTimeOffset.MinValue, CancellationToken.None);

        await _store.SaveAsync(key, new IdempotentResponse("second", 200, "text/plain", null, null, [2]), DateTimeOffset.MinValue, CancellationToken.None);

        var found = await _store.FindAsync(key, DateTimeOffset.MinValue, CancellationToken.None);
        Assert.That((found!.RequestHash, found.Status, found.ContentType, found.Body), Is.EqualTo(("first", 201, (string?)null, new byte[] { 1 })));
    }

    [Test]
    public async Task An_answer_past_its_retention_is_not_found_is_replaced_and_is_forgotten()
    {
        var start = new DateTimeOffset(2100, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new FrozenClock(start);
        var stores = (await StoreFactories.CreateAsync(kind, _folder, clock))().Idempotency;
        var (expired, fresh) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await stores.SaveAsync(expired, new IdempotentResponse("old", 201, null, null, null, [1]), start - TimeSpan.FromHours(24), CancellationToken.None);
        clock.Now = start + TimeSpan.FromHours(2);
        await stores.SaveAsync(fresh, new IdempotentResponse("fresh", 201, null, null, null, [2]), start - TimeSpan.FromHours(22), CancellationToken.None);
        var keptSince = start + TimeSpan.FromHours(1);

        Assert.That(await stores.FindAsync(expired, keptSince, CancellationToken.None), Is.Null, "kept before keptSince: gone");
        Assert.That((await stores.FindAsync(expired, start, CancellationToken.None))?.RequestHash, Is.EqualTo("old"), "still there until forgotten");
        Assert.That((await stores.FindAsync(fresh, keptSince, CancellationToken.None))?.RequestHash, Is.EqualTo("fresh"));

        Assert.That(await stores.ForgetBeforeAsync(keptSince, CancellationToken.None), Is.GreaterThanOrEqualTo(1));
        Assert.That(await stores.FindAsync(expired, DateTimeOffset.MinValue, CancellationToken.None), Is.Null, "forgotten");
        Assert.That(await stores.FindAsync(fresh, DateTimeOffset.MinValue, CancellationToken.None), Is.Not.Null, "kept");

        await stores.SaveAsync(fresh, new IdempotentResponse("again", 200, null, null, null, [3]), clock.Now + TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That((await stores.FindAsync(fresh, DateTimeOffset.MinValue, CancellationToken.None))?.RequestHash, Is.EqualTo("again"), "an expired key is kept anew");
    }
}
