using ImpactMap.Storage.Neo4j;

namespace ImpactMap.Storage.Tests;

/// <summary>
/// Which endpoint and schema statements the store picks for each Neo4j major version. Neo4j 4 and 5 cannot run
/// on this machine (the tests' real Neo4j is 3.1), so these use a fake HTTP server that answers like them and
/// records what the store sends; the 3.x path is also covered against the real Neo4j by the contract suite.
/// </summary>
[Category(TestTiers.Neo4j)]
public class Neo4jVersionTests
{
    [TestCase("5.26.0", "/db/impact/tx/commit", "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS FOR (n:ImpactMapNode) REQUIRE n.key IS UNIQUE")]
    [TestCase("4.4.30", "/db/impact/tx/commit", "CREATE CONSTRAINT impactmap_node_key IF NOT EXISTS ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE")]
    [TestCase("3.5.35", "/db/data/transaction/commit", "CREATE CONSTRAINT ON (n:ImpactMapNode) ASSERT n.key IS UNIQUE")]
    public async Task The_store_uses_the_endpoint_and_schema_of_the_servers_version_with_a_fake_Neo4j_since_4_and_5_cannot_run_here(
        string version, string commitPath, string firstStatement)
    {
        var server = new FakeNeo4j(version);
        var database = new Neo4jDatabase(new HttpClient(server), new HttpClient(server),
            new Neo4jStoreOptions { Url = new Uri("http://neo4j.test:7474"), Database = "impact" }, TimeProvider.System);

        await database.InitializeAsync(CancellationToken.None);

        Assert.That(server.Posts.Select(p => p.Path).Distinct(), Is.EqualTo(new[] { commitPath }));
        Assert.That(server.Posts[0].Statement, Is.EqualTo(firstStatement));
        Assert.That(server.Posts.Select(p => p.Statement), Has.Some.StartsWith("MERGE (s:ImpactMapSequence {id: 1})"));
        Assert.That(server.Posts.Select(p => p.Statement).Count(s => s.StartsWith("CREATE", StringComparison.Ordinal)), Is.EqualTo(9),
            "constraints and indexes each in their own transaction");
    }

    [TestCase(0, 50_000)]
    [TestCase(5_000, 0)]
    public void Batches_or_read_pages_of_nothing_are_refused_at_start(int batchSize, int readPageNodes)
    {
        var server = new FakeNeo4j("5.26.0");

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Neo4jDatabase(new HttpClient(server), new HttpClient(server),
            new Neo4jStoreOptions { Url = new Uri("http://neo4j.test:7474"), BatchSize = batchSize, ReadPageNodes = readPageNodes }, TimeProvider.System));

        Assert.That(refused!.Message, Does.Contain("must be at least 1"));
    }
}
