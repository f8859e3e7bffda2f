using ImpactMap.Core.Storage;
using ImpactMap.Storage.Neo4j;
using ImpactMap.Storage.Sqlite;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>Each store the contract runs against: a fresh SQLite file, or the test Neo4j.</summary>
public static class StoreFactories
{
    public static IEnumerable<TestFixtureData> All()
    {
        yield return new TestFixtureData("sqlite").SetArgDisplayNames("sqlite");
        yield return new TestFixtureData("neo4j").SetArgDisplayNames("neo4j");
    }

    /// <summary>A store; each call gives another instance (another "service instance") on the same data.</summary>
    public static async Task<Func<IGraphStore>> CreateAsync(string kind, TempFolder folder) => kind switch
    {
        "sqlite" => () => new SqliteGraphStore(Path.Combine(folder.Path, "store.db")),
        "neo4j" => await Neo4jFactoryAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static async Task<Func<IGraphStore>> Neo4jFactoryAsync()
    {
        var url = await Neo4jTestServer.UrlAsync();
        // Small batches so that imports in these tests cross batch boundaries.
        return () => new Neo4jGraphStore(
            new HttpClient { Timeout = TimeSpan.FromSeconds(60) },
            new HttpClient { Timeout = TimeSpan.FromSeconds(60) },
            new Neo4jStoreOptions { Url = url, BatchSize = 500 });
    }
}

[SetUpFixture]
public sealed class Neo4jLifetime
{
    [OneTimeTearDown]
    public void StopNeo4j() => Neo4jTestServer.Shutdown();
}
