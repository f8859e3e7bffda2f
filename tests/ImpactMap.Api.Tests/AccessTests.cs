using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>API keys, roles, graph lists, the audit trail and rate limits, against the real service.</summary>
public class AccessTests
{
    private const string ReaderKey = "reader-secret-7f3a", EditorKey = "editor-secret-91bc", AdminKey = "admin-secret-c0de", LimitedKey = "limited-secret-55aa";
    private TempFolder _data = null!;
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task StartWithKeys()
    {
        _data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(_data.Path, samples: true);
        AddKey(settings, 0, "reader-1", ReaderKey, "Reader");
        AddKey(settings, 1, "editor-1", EditorKey, "Editor");
        AddKey(settings, 2, "admin-1", AdminKey, "Admin");
        AddKey(settings, 3, "payments-only", LimitedKey, "Editor");
        settings["ImpactMap:ApiKeys:3:Graphs:0"] = "payment-chain";
        settings["ImpactMap:RateLimit:PermitsPerSecond"] = "1000";
        _server = await ApiServer.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    internal static void AddKey(Dictionary<string, string> settings, int index, string id, string key, string role)
    {
        settings[$"ImpactMap:ApiKeys:{index}:Id"] = id;
        settings[$"ImpactMap:ApiKeys:{index}:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        settings[$"ImpactMap:ApiKeys:{index}:Role"] = role;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await _server.Client.SendAsync(request);
    }

    [Test]
    public async Task A_missing_or_unknown_key_gets_401()
    {
        var missing = await SendAsync(HttpMethod.Get, "/v1/graphs", null);
        var unknown = await SendAsync(HttpMethod.Get, "/v1/graphs", "guess");

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(missing.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(missing.Headers.WwwAuthenticate.ToString(), Does.Contain("X-Api-Key"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Health_and_the_API_description_need_no_key()
    {
        Assert.That((await SendAsync(HttpMethod.Get, "/health/ready", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await SendAsync(HttpMethod.Get, "/openapi/v1.json", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(ReaderKey, "GET", "/v1/graphs/cloud-region", HttpStatusCode.OK)]
    [TestCase(ReaderKey, "POST", "/v1/graphs/cloud-region/impact", HttpStatusCode.OK)]
    [TestCase(ReaderKey, "POST", "/v1/graphs/cloud-region/nodes", HttpStatusCode.Forbidden)]
    [TestCase(ReaderKey, "POST", "/v1/graphs/cloud-region/incidents", HttpStatusCode.Forbidden)]
    [TestCase(ReaderKey, "DELETE", "/v1/graphs/cloud-region", HttpStatusCode.Forbidden)]
    [TestCase(EditorKey, "POST", "/v1/graphs/cloud-region/nodes", HttpStatusCode.Created)]
    [TestCase(EditorKey, "POST", "/v1/graphs/cloud-region/incidents", HttpStatusCode.Created)]
    [TestCase(EditorKey, "PUT", "/v1/graphs/editor-may-not-create", HttpStatusCode.Forbidden)]
    [TestCase(EditorKey, "DELETE", "/v1/graphs/crowdstrike-2024", HttpStatusCode.Forbidden)]
    [TestCase(AdminKey, "PUT", "/v1/graphs/admin-creates", HttpStatusCode.Created)]
    [TestCase(ReaderKey, "PUT", "/v1/graphs/cloud-region/maintenances/reader-plans", HttpStatusCode.Forbidden)]
    [TestCase(ReaderKey, "POST", "/v1/graphs/cloud-region/maintenances/check", HttpStatusCode.OK)]
    [TestCase(ReaderKey, "GET", "/v1/graphs/cloud-region/maintenances", HttpStatusCode.OK)]
    [TestCase(ReaderKey, "DELETE", "/v1/graphs/cloud-region/maintenances/editor-plans", HttpStatusCode.Forbidden)]
    [TestCase(EditorKey, "PUT", "/v1/graphs/cloud-region/maintenances/editor-plans", HttpStatusCode.Created)]
    public async Task Each_role_may_do_what_it_names_and_no_more(string key, string method, string url, HttpStatusCode expected)
    {
        var body = method switch
        {
            "POST" when url.EndsWith("/impact", StringComparison.Ordinal) => ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}]}"""),
            "POST" when url.EndsWith("/nodes", StringComparison.Ordinal) => ApiServer.Json($$"""{"id":"n-{{Guid.NewGuid():N}}","kind":"service"}"""),
            "POST" or "PUT" when url.Contains("/maintenances/", StringComparison.Ordinal) => ApiServer.Json(
                """{"title":"Drain","outages":[{"node":"aws-eu-west-1"}],"window":{"start":"2030-01-06T02:00:00Z","end":"2030-01-06T04:00:00Z"}}"""),
            "POST" => ApiServer.Json("""{"title":"t","outages":[{"node":"aws-eu-west-1"}]}"""),
            "PUT" => ApiServer.Yaml("nodes: [{id: a, kind: service}]"),
            _ => null,
        };

        var response = await SendAsync(new HttpMethod(method), url, key, body);

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
    }

    [Test]
    public async Task An_editor_may_replace_an_existing_graph_and_an_admin_delete_it()
    {
        Assert.That((await SendAsync(HttpMethod.Put, "/v1/graphs/replaceable", AdminKey, ApiServer.Yaml("nodes: [{id: a, kind: service}]"))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await SendAsync(HttpMethod.Put, "/v1/graphs/replaceable", EditorKey, ApiServer.Yaml("nodes: [{id: b, kind: service}]"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await SendAsync(HttpMethod.Delete, "/v1/graphs/replaceable", AdminKey)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [TestCase("GET", "/v1/graphs/{0}")]
    [TestCase("GET", "/v1/graphs/{0}/nodes")]
    [TestCase("GET", "/v1/graphs/{0}/nodes/aws-eu-west-1")]
    [TestCase("GET", "/v1/graphs/{0}/dependencies")]
    [TestCase("POST", "/v1/graphs/{0}/impact")]
    [TestCase("GET", "/v1/graphs/{0}/nodes/aws-eu-west-1/impact")]
    [TestCase("GET", "/v1/graphs/{0}/nodes/aws-eu-west-1/exposure")]
    [TestCase("GET", "/v1/graphs/{0}/criticality")]
    [TestCase("GET", "/v1/graphs/{0}/cycles")]
    [TestCase("GET", "/v1/graphs/{0}/incidents")]
    [TestCase("POST", "/v1/graphs/{0}/incidents")]
    [TestCase("GET", "/v1/graphs/{0}/events")]
    [TestCase("PUT", "/v1/graphs/{0}")]
    [TestCase("DELETE", "/v1/graphs/{0}")]
    [TestCase("POST", "/v1/graphs/{0}/nodes")]
    [TestCase("PUT", "/v1/graphs/{0}/nodes/aws-eu-west-1")]
    [TestCase("DELETE", "/v1/graphs/{0}/nodes/aws-eu-west-1")]
    [TestCase("POST", "/v1/graphs/{0}/dependencies")]
    [TestCase("DELETE", "/v1/graphs/{0}/dependencies?from=crm-cloud&to=aws-eu-west-1")]
    public async Task A_key_limited_to_another_graph_gets_404_as_if_the_graph_did_not_exist(string method, string template)
    {
        HttpContent? Body() => method is "POST" or "PUT"
            ? ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}],"title":"t","id":"x","kind":"service","from":"a","to":"b"}""")
            : null;

        var hidden = await SendAsync(new HttpMethod(method), string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "cloud-region"), LimitedKey, Body());
        var hiddenText = await hidden.Content.ReadAsStringAsync();

        Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), hiddenText);
        var problem = JsonSerializer.Deserialize<JsonElement>(hiddenText);
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Graph not found"));
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("There is no graph 'cloud-region'."));
        Assert.That(hiddenText, Does.Not.Contain("aws-eu-west-1 (Ireland)").And.Not.Contain("crm-cloud\""));
        var graphs = await (await SendAsync(HttpMethod.Get, "/v1/graphs", ReaderKey)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(graphs.EnumerateArray().Select(g => g.GetProperty("name").GetString()), Does.Contain("cloud-region"), "and nothing changed");
    }

    [Test]
    public async Task A_limited_key_lists_only_its_graphs_and_cannot_read_metrics_that_cover_all()
    {
        var graphs = await (await SendAsync(HttpMethod.Get, "/v1/graphs", LimitedKey)).Content.ReadFromJsonAsync<JsonElement>();
        var metrics = await SendAsync(HttpMethod.Get, "/metrics", LimitedKey);

        Assert.That(graphs.EnumerateArray().Select(g => g.GetProperty("name").GetString()), Is.EqualTo(new[] { "payment-chain" }));
        Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await SendAsync(HttpMethod.Get, "/metrics", ReaderKey)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await SendAsync(HttpMethod.Post, "/v1/graphs/payment-chain/impact", LimitedKey, ApiServer.Json("""{"outages":[{"node":"visa"}]}"""))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Changes_and_refusals_are_audited_by_key_id_and_keys_are_never_logged()
    {
        await SendAsync(HttpMethod.Post, "/v1/graphs/cloud-region/nodes", EditorKey, ApiServer.Json("""{"id":"audited-node","kind":"service"}"""));
        await SendAsync(HttpMethod.Put, "/v1/graphs/cloud-region/maintenances/audited-window", EditorKey, ApiServer.Json(
            """{"title":"Drain","outages":[{"node":"aws-eu-west-1"}],"window":{"start":"2030-01-06T02:00:00Z","end":"2030-01-06T04:00:00Z"}}"""));
        await SendAsync(HttpMethod.Delete, "/v1/graphs/cloud-region", ReaderKey);
        await SendAsync(HttpMethod.Get, "/v1/graphs", "wrong-key-value");
        await SendAsync(HttpMethod.Get, "/v1/graphs/cloud-region", LimitedKey);
        await Task.Delay(1500);

        var audit = await File.ReadAllTextAsync(Path.Combine(_data.Path, "audit.log"));
        var entries = audit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();

        Assert.That(entries, Has.Some.Matches<JsonElement>(e => e.GetProperty("KeyId").GetString() == "editor-1"
            && e.GetProperty("Action").GetString() == "POST /v1/graphs/{graph}/nodes/" && e.GetProperty("Result").GetInt32() == 201));
        Assert.That(entries, Has.Some.Matches<JsonElement>(e => e.GetProperty("KeyId").GetString() == "editor-1"
            && e.GetProperty("Action").GetString() == "PUT /v1/graphs/{graph}/maintenances/{id}" && e.GetProperty("Result").GetInt32() == 201));
        Assert.That(entries, Has.Some.Matches<JsonElement>(e => e.GetProperty("KeyId").GetString() == "reader-1"
            && e.GetProperty("Action").GetString() == "DELETE /v1/graphs/{graph}" && e.GetProperty("Result").GetInt32() == 403));
        Assert.That(entries, Has.Some.Matches<JsonElement>(e => e.GetProperty("KeyId").GetString() == "unknown" && e.GetProperty("Result").GetInt32() == 401));
        Assert.That(entries, Has.Some.Matches<JsonElement>(e => e.GetProperty("KeyId").GetString() == "payments-only"
            && e.GetProperty("Target").GetString() == "/v1/graphs/cloud-region" && e.GetProperty("Result").GetInt32() == 404));
        Assert.That(entries.All(e => e.TryGetProperty("@t", out _)), Is.True, "every entry has its time");
        foreach (var secret in new[] { ReaderKey, EditorKey, AdminKey, LimitedKey, "wrong-key-value" })
        {
            Assert.That(audit, Does.Not.Contain(secret));
            Assert.That(_server.Output, Does.Not.Contain(secret));
        }
    }

    [Test]
    public async Task Over_its_rate_limit_a_key_gets_429_with_Retry_After()
    {
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        AddKey(settings, 0, "slow", "slow-key", "Reader");
        settings["ImpactMap:RateLimit:PermitsPerSecond"] = "3";
        settings["ImpactMap:RateLimit:Burst"] = "3";
        await using var server = await ApiServer.StartAsync(settings);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/graphs");
            request.Headers.Add("X-Api-Key", "slow-key");
            responses.Add(await server.Client.SendAsync(request));
        }

        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.That(responses.Take(3).Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(limited.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await server.Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "probes are never limited");
    }

    [Test]
    public async Task Without_keys_the_service_listens_on_loopback_only_and_says_so()
    {
        using var data = new TempFolder();

        await using var server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(data.Path, samples: false), urls: "http://0.0.0.0:0");

        Assert.That(server.Address.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(server.Output, Does.Contain("No API keys are configured"));
    }
}
