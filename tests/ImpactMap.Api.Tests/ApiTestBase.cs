using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// One real service per fixture, loaded with the sample graphs, once on each store; tests that write use
/// graphs of their own.
/// </summary>
public abstract class ApiTestBase(string store)
{
    private TempFolder? _data;

    protected ApiServer Server { get; private set; } = null!;

    protected HttpClient Client => Server.Client;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _data = new TempFolder();
        Server = await ApiServer.StartAsync(await ApiStores.SettingsAsync(store, _data.Path, samples: true));
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await Server.DisposeAsync();
        _data?.Dispose();
    }

    /// <summary>Another instance on the same store, which knows a graph only as the store holds it.</summary>
    protected async Task<ApiServer> StartAnotherInstanceAsync(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = await ApiStores.SettingsAsync(store, _data!.Path, samples: false);
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return await ApiServer.StartAsync(settings);
    }

    /// <summary>
    /// Deletes every answer kept for an Idempotency-Key, straight in the store: what a service killed between
    /// storing a change and keeping its answer leaves behind.
    /// </summary>
    protected async Task ForgetKeptAnswersAsync()
    {
        if (store == "neo4j")
        {
            await Neo4jTestServer.CypherAsync("MATCH (r:ImpactMapIdempotency) DELETE r");
            return;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data!.Path, "impactmap.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM idempotency";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many answers the store keeps for Idempotency-Keys, counted straight in the store.</summary>
    protected async Task<long> KeptAnswersAsync()
    {
        if (store == "neo4j")
        {
            return (await Neo4jTestServer.CypherAsync("MATCH (r:ImpactMapIdempotency) RETURN count(r)"))[0][0].GetInt64();
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data!.Path, "impactmap.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM idempotency";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A graph name no other test uses.</summary>
    protected static string NewGraphName() => "t-" + Guid.NewGuid().ToString("N")[..12];

    protected async Task<string> CreateGraphAsync(string yaml)
    {
        var name = NewGraphName();
        var response = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(yaml));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return name;
    }

    protected static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>())!;

    /// <summary>Asserts an RFC 9457 problem with this status, and returns it.</summary>
    protected static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
        return problem;
    }

    protected const string SmallGraph = """
        nodes:
          - {id: region, kind: supplier, name: Region}
          - {id: backup, kind: supplier}
          - {id: app, kind: service, groups: {compute: {need: 1}}}
          - {id: shop, kind: customer, name: The Shop}
        dependencies:
          - {from: app, to: region, group: compute}
          - {from: app, to: backup, group: compute}
          - {from: shop, to: app}
        """;
}
