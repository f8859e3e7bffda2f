using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.Embedded))]
public class PlatformTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task The_OpenAPI_document_describes_every_operation_with_a_summary()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name.ToUpperInvariant()} {path.Name}", Operation: op.Value)))
            .ToList();
        Assert.That(operations.Select(o => o.Name), Is.SupersetOf(new[]
        {
            "GET /v1/graphs", "PUT /v1/graphs/{graph}", "GET /v1/graphs/{graph}", "DELETE /v1/graphs/{graph}",
            "GET /v1/graphs/{graph}/nodes", "POST /v1/graphs/{graph}/nodes", "GET /v1/graphs/{graph}/nodes/{id}",
            "PUT /v1/graphs/{graph}/nodes/{id}", "DELETE /v1/graphs/{graph}/nodes/{id}",
            "GET /v1/graphs/{graph}/dependencies", "POST /v1/graphs/{graph}/dependencies", "DELETE /v1/graphs/{graph}/dependencies",
            "POST /v1/graphs/{graph}/impact", "GET /v1/graphs/{graph}/nodes/{id}/impact", "GET /v1/graphs/{graph}/nodes/{id}/exposure",
            "GET /v1/graphs/{graph}/criticality", "GET /v1/graphs/{graph}/cycles",
        }));
        foreach (var (name, operation) in operations.Where(o => o.Name.Contains("/v1/", StringComparison.Ordinal)))
        {
            Assert.That(operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10, Is.True, name);
            Assert.That(operation.TryGetProperty("operationId", out _), Is.True, name);
            Assert.That(operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2')), Is.True, name);
        }

        var impact = operations.Single(o => o.Name == "POST /v1/graphs/{graph}/impact").Operation;
        Assert.That(impact.GetProperty("requestBody").GetRawText(), Does.Contain("ImpactRequest"));
        Assert.That(impact.GetProperty("responses").GetProperty("200").GetRawText(), Does.Contain("ImpactResponse"));
        Assert.That(impact.GetProperty("responses").TryGetProperty("422", out _), Is.True);
    }

    [Test]
    [Category(TestTiers.External)]
    public async Task The_OpenAPI_document_passes_the_Redocly_linter_with_no_errors()
    {
        using var folder = new ImpactMap.Tests.Shared.TempFolder();
        var file = Path.Combine(folder.Path, "openapi.json");
        await File.WriteAllTextAsync(file, await Client.GetStringAsync("/openapi/v1.json"));

        // Redocly CLI from npm (./build.sh test installs npm); its exit code is 1 on any error, 0 with warnings only.
        var lint = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("npx", ["--yes", "@redocly/cli@2.77.0", "lint", file, "--format", "stylish"])
        {
            WorkingDirectory = folder.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = lint.StandardOutput.ReadToEndAsync();
        var errors = lint.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await lint.WaitForExitAsync(deadline.Token);

        Assert.That(lint.ExitCode, Is.Zero, await output + await errors);
        Assert.That(await output + await errors, Does.Contain("Your API description is valid"));
    }

    [Test]
    public async Task The_OpenAPI_document_names_every_import_format_and_an_unknown_one_is_refused_naming_them()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var import = document.GetProperty("paths").GetProperty("/v1/graphs/{graph}/imports").GetProperty("post").GetProperty("description").GetString();
        var refused = await Client.PostAsync("/v1/graphs/never-made/imports?format=visio", ApiServer.Json("{}"));

        Assert.That(import, Is.EqualTo("format is one of csv, jaeger, backstage, cyclonedx, servicenow, dora; the README's Imports row says how each is read."));
        Assert.That((await ProblemOf(refused, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(),
            Does.Contain("is not one of csv, jaeger, backstage, cyclonedx, servicenow, dora"));
        Assert.That((await Client.GetAsync("/v1/graphs/never-made")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a refused import changes nothing");
    }

    [Test]
    public async Task The_OpenAPI_document_says_what_is_optional_which_words_a_field_takes_what_problems_carry_and_the_API_key()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        List<string?> Required(string schema) =>
            schemas.GetProperty(schema).TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()).ToList() : [];

        Assert.That(Required("ImpactRequest"), Is.EqualTo(new[] { "outages" }), "maxDepth, limit, duration, paths, cursor and filters are optional");
        Assert.That(Required("OutageRequest"), Is.EqualTo(new[] { "node" }));
        Assert.That(Required("OpenIncidentRequest"), Is.EquivalentTo(new[] { "title", "outages" }));
        Assert.That(Required("IncidentUpdateRequest"), Is.EquivalentTo(new[] { "status", "message" }));
        Assert.That(Required("ImpactResponse"), Does.Not.Contain("nextCursor"), "left out when null");
        Assert.That(Required("IncidentResponse"), Does.Not.Contain("closedAt").And.Not.Contain("review"));
        Assert.That(schemas.GetProperty("ImpactResponse").GetProperty("properties").GetProperty("total").GetProperty("type").GetString(), Is.EqualTo("integer"));
        Assert.That(schemas.GetProperty("AffectedNode").GetProperty("properties").GetProperty("state").GetProperty("enum").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "down", "degraded", "at-risk" }));
        Assert.That(schemas.GetProperty("IncidentResponse").GetProperty("properties").GetProperty("status").GetProperty("enum").GetArrayLength(), Is.EqualTo(5));
        var problem = schemas.GetProperty("ProblemDetails").GetProperty("properties");
        Assert.That(problem.TryGetProperty("problems", out _) && problem.TryGetProperty("traceId", out _), Is.True);
        Assert.That(document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString(), Is.EqualTo("X-Api-Key"));
        var notices = document.GetProperty("paths").GetProperty("/v1/graphs/{graph}/incidents/{id}/notices").GetProperty("get");
        Assert.That(notices.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/markdown").GetProperty("schema").GetProperty("type").GetString(),
            Is.EqualTo("string"), "letters are text");
        var put = document.GetProperty("paths").GetProperty("/v1/graphs/{graph}").GetProperty("put");
        Assert.That(put.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("If-Match"));
        Assert.That(put.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "401", "403", "429", "503" }));
    }

    [Test]
    public async Task The_docs_page_is_titled_ImpactMap_introduces_the_API_and_reaches_nothing_outside_the_service()
    {
        var response = await Client.GetAsync("/docs/");
        var html = await response.Content.ReadAsStringAsync();
        var document = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/openapi/v1.json");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<title>ImpactMap</title>").And.Contain("openapi/v1.json"));
        Assert.That(html, Does.Contain("\"telemetry\":false").And.Contain("\"withDefaultFonts\":false").And.Contain("\"agent\":{\"disabled\":true}")
            .And.Contain("\"showDeveloperTools\":\"never\""));
        Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://"), "scripts, fonts and proxies all come from the service itself");
        Assert.That((await Client.GetAsync("/docs/scalar.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page's script is served here");
        Assert.That(document.GetProperty("info").GetProperty("title").GetString(), Is.EqualTo("ImpactMap"));
        Assert.That(document.GetProperty("info").GetProperty("description").GetString(), Does.StartWith("ImpactMap keeps a graph of suppliers"));
    }

    [Test]
    public async Task Health_endpoints_answer()
    {
        Assert.That((await Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await Client.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Unknown_routes_get_a_problem_too()
    {
        await ProblemOf(await Client.GetAsync("/v2/nothing"), HttpStatusCode.NotFound);
        await ProblemOf(await Client.PatchAsync("/v1/graphs", null), HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Each_request_is_logged_once_with_route_status_and_graph()
    {
        await Client.GetAsync("/v1/graphs/no-such-graph-for-logs");
        await Task.Delay(200);

        var lines = Server.Output.Split('\n').Where(l => l.Contains("no-such-graph-for-logs", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), string.Join("\n", lines));
        var line = lines[0];
        Assert.That(line, Does.Contain("HTTP GET /v1/graphs/no-such-graph-for-logs responded 404"));
        Assert.That(line, Does.Contain("\"Route\": \"/v1/graphs/{graph}\"").And.Contain("\"Graph\": \"no-such-graph-for-logs\""));
    }

    [Test]
    public async Task A_burst_of_concurrent_requests_gets_one_log_line_each()
    {
        var burst = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Client.GetAsync($"/v1/graphs/burst-{burst}-{i}")));

        // Lines are written in batches, at most 50 ms after the first of one.
        await Poll.UntilAsync(() => Task.FromResult(Server.Output.Split('\n').Count(l => l.Contains($"burst-{burst}-", StringComparison.Ordinal)) >= 500),
            "every request's line is written", TimeSpan.FromSeconds(10));
        var lines = Server.Output.Split('\n').Where(l => l.Contains($"burst-{burst}-", StringComparison.Ordinal)).ToList();
        Assert.That(lines.Select(l => l[l.IndexOf($"burst-{burst}-", StringComparison.Ordinal)..].Split(' ')[0]),
            Is.EquivalentTo(Enumerable.Range(0, 500).Select(i => $"burst-{burst}-{i}")), "each request once");
        Assert.That(lines, Has.All.Match(@"^\[\d\d:\d\d:\d\d INF\] HTTP GET /v1/graphs/burst-\w+-\d+ responded 404 in [\d.]+ ms \{""Route"": ""/v1/graphs/\{graph\}"", ""Graph"": "".*\}$"));
    }
}
