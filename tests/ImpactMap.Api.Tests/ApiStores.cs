using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>The stores the API fixtures run on: the embedded SQLite file and a real Neo4j.</summary>
public static class ApiStores
{
    public static IEnumerable<TestFixtureData> All()
    {
        yield return new TestFixtureData("embedded").SetArgDisplayNames("embedded");
        yield return new TestFixtureData("neo4j").SetArgDisplayNames("neo4j").InTier(TestTiers.Neo4j);
    }

    /// <summary>For fixtures where the store plays no part (the HTTP edge, exports, the OpenAPI document, analyses): once, embedded.</summary>
    public static IEnumerable<TestFixtureData> Embedded()
    {
        yield return new TestFixtureData("embedded").SetArgDisplayNames("embedded");
    }

    public static async Task<Dictionary<string, string>> SettingsAsync(string store, string dataDirectory, bool samples)
    {
        var settings = ApiServer.EmbeddedSettings(dataDirectory, samples);
        if (store == "neo4j")
        {
            settings["ImpactMap:Store"] = "neo4j";
            settings["ImpactMap:Neo4j:Url"] = (await Neo4jTestServer.UrlAsync()).ToString();
        }

        return settings;
    }
}

[SetUpFixture]
public sealed class Neo4jLifetime
{
    [OneTimeTearDown]
    public void StopNeo4j() => Neo4jTestServer.Shutdown();
}
