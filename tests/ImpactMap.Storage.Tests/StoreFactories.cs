using ImpactMap.Core.Storage;
using ImpactMap.Storage.Neo4j;
using ImpactMap.Storage.Sqlite;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>Every port of one store instance, over one database object, as the service registers them.</summary>
public sealed record StoreSet(IStoreReadiness Database, IGraphStore Graphs, IIncidentStore Incidents, IEventStore Events, IIdempotencyStore Idempotency,
    IRecordStore Records);

/// <summary>Each store the contract runs against: a fresh SQLite file, or the test Neo4j.</summary>
public static class StoreFactories
{
    public static IEnumerable<TestFixtureData> All()
    {
        yield return new TestFixtureData("sqlite").SetArgDisplayNames("sqlite");
        yield return new TestFixtureData("neo4j").SetArgDisplayNames("neo4j").InTier(TestTiers.Neo4j);
    }

    /// <summary>
    /// A factory of store instances on the same data; each call gives another instance (another "service
    /// instance"). Times come from <paramref name="clock"/>, the system's by default.
    /// </summary>
    public static async Task<Func<StoreSet>> CreateAsync(string kind, TempFolder folder, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        switch (kind)
        {
            case "sqlite":
                var file = Path.Combine(folder.Path, "store.db");
                return () => Sqlite(new SqliteDatabase(file, clock));
            case "neo4j":
                var url = await Neo4jTestServer.UrlAsync();
                // Small batches and read pages so that writes and whole-graph reads in these tests cross their boundaries.
                return () => Neo4j(new Neo4jDatabase(
                    new HttpClient { Timeout = TimeSpan.FromSeconds(60) },
                    new HttpClient { Timeout = TimeSpan.FromSeconds(60) },
                    new Neo4jStoreOptions { Url = url, BatchSize = 500, ReadPageNodes = 700 },
                    clock));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static StoreSet Sqlite(SqliteDatabase database) => new(database,
        new SqliteGraphStore(database), new SqliteIncidentStore(database), new SqliteEventStore(database), new SqliteIdempotencyStore(database),
        new SqliteRecordStore(database));

    private static StoreSet Neo4j(Neo4jDatabase database) => new(database,
        new Neo4jGraphStore(database), new Neo4jIncidentStore(database), new Neo4jEventStore(database), new Neo4jIdempotencyStore(database),
        new Neo4jRecordStore(database));
}

/// <summary>A clock that stands still where a test puts it.</summary>
public sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

[SetUpFixture]
public sealed class Neo4jLifetime
{
    [OneTimeTearDown]
    public void StopNeo4j() => Neo4jTestServer.Shutdown();
}
