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

        await _store.SaveAsync(key, answer, CancellationToken.None);
        var found = await _newStores().Idempotency.FindAsync(key, CancellationToken.None);

        Assert.That(found, Is.Not.Null);
        Assert.That((found!.RequestHash, found.Status, found.ContentType, found.Location, found.ETag),
            Is.EqualTo((answer.RequestHash, answer.Status, answer.ContentType, answer.Location, answer.ETag)));
        Assert.That(found.Body, Is.EqualTo(answer.Body));
        Assert.That(await _store.FindAsync(Guid.NewGuid().ToString(), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task The_first_answer_kept_for_a_key_stays()
    {
        var key = Guid.NewGuid().ToString();
        await _store.SaveAsync(key, new IdempotentResponse("first", 201, null, null, null, [1]), CancellationToken.None);

        await _store.SaveAsync(key, new IdempotentResponse("second", 200, "text/plain", null, null, [2]), CancellationToken.None);

        var found = await _store.FindAsync(key, CancellationToken.None);
        Assert.That((found!.RequestHash, found.Status, found.ContentType, found.Body), Is.EqualTo(("first", 201, (string?)null, new byte[] { 1 })));
    }
}
