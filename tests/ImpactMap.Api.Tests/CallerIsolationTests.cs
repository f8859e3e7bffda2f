using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// What one caller may cost the others, and see of them, on each store: its analyses held to its own places and
/// refused before they start, and outbound addresses shown to readers without their tokens.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class CallerIsolationTests(string store)
{
    private const string ReaderKey = "reader-secret-1a2b", EditorKey = "editor-secret-3c4d", AdminKey = "admin-secret-5e6f";

    private TempFolder _data = null!;
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _data = new TempFolder();
        var settings = await ApiStores.SettingsAsync(store, _data.Path, samples: true);
        AccessTests.AddKey(settings, 0, "reader-1", ReaderKey, "Reader");
        AccessTests.AddKey(settings, 1, "editor-1", EditorKey, "Editor");
        AccessTests.AddKey(settings, 2, "admin-1", AdminKey, "Admin");
        settings["ImpactMap:Webhooks:AllowPrivateTargets"] = "true";
        settings["ImpactMap:Watches:AllowPrivateTargets"] = "true";
        settings["ImpactMap:Watches:MinInterval"] = "00:00:00.5";
        settings["ImpactMap:Work:MaxAnalysesPerCaller"] = "1";
        _server = await ApiServer.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return await _server.Client.SendAsync(request);
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_callers_second_analysis_while_its_first_runs_is_refused_before_it_starts_and_small_queries_still_answer()
    {
        // Criticality on a 20,000-node chain is 2 x 10^8 steps: the two requests overlap, whichever comes first.
        var graph = "long-" + Guid.NewGuid().ToString("N")[..8];
        Assert.That((await SendAsync(HttpMethod.Put, $"/v1/graphs/{graph}", AdminKey, Chain(20_000))).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var first = SendAsync(HttpMethod.Get, $"/v1/graphs/{graph}/criticality?top=5", ReaderKey);
        var second = SendAsync(HttpMethod.Get, $"/v1/graphs/{graph}/criticality?top=3", ReaderKey);
        var small = await SendAsync(HttpMethod.Get, "/v1/graphs/payment-chain/nodes/visa/impact", ReaderKey);
        var answers = await Task.WhenAll(first, second);

        Assert.That(small.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(answers.Select(a => a.StatusCode), Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var refused = answers.Single(a => a.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("Not started").And.Contain("the most one caller may run at once"));
        Assert.That((await SendAsync(HttpMethod.Get, $"/v1/graphs/{graph}/criticality?top=1", ReaderKey)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the place is free again");
        Assert.That((await SendAsync(HttpMethod.Get, $"/v1/graphs/{graph}/criticality?top=1", EditorKey)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "an editor's analysis, with a place of its own");
    }

    [Test]
    public async Task Readers_see_webhook_and_watch_addresses_without_their_tokens_and_errors_without_resolved_addresses()
    {
        const string hook = "http://127.0.0.1:1/services/T0001/B0002/secret-token?auth=abc";
        var created = await SendAsync(HttpMethod.Post, "/v1/graphs/payment-chain/webhooks", EditorKey,
            ApiServer.Json($$"""{"url": "{{hook}}", "events": ["incident.opened"]}"""));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var watch = await SendAsync(HttpMethod.Put, "/v1/graphs/payment-chain/watches/psp", EditorKey, ApiServer.Json(
            """{"url": "http://127.0.0.1:1/pages/secret-page-token", "interval": "PT1S", "components": [{"component": "API", "node": "visa"}]}"""));
        Assert.That(watch.StatusCode, Is.EqualTo(HttpStatusCode.Created), await watch.Content.ReadAsStringAsync());
        var opened = await SendAsync(HttpMethod.Post, "/v1/graphs/payment-chain/incidents", EditorKey,
            ApiServer.Json("""{"title": "Visa down", "outages": [{"node": "visa"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        async Task<string> Read(string path, string key) => await (await SendAsync(HttpMethod.Get, path, key)).Content.ReadAsStringAsync();
        await Poll.UntilAsync(async () => (await Read($"/v1/graphs/payment-chain/webhooks/{id}/deliveries", EditorKey)).Contains("127.0.0.1", StringComparison.Ordinal),
            "the failed delivery's error names the address", TimeSpan.FromSeconds(20));
        await Poll.UntilAsync(async () => (await Read("/v1/graphs/payment-chain/watches/psp", EditorKey)).Contains("\"problem\":\"", StringComparison.Ordinal),
            "the watch's poll failed", TimeSpan.FromSeconds(20));

        foreach (var path in new[] { "/v1/graphs/payment-chain/webhooks", $"/v1/graphs/payment-chain/webhooks/{id}", $"/v1/graphs/payment-chain/webhooks/{id}/deliveries",
                     "/v1/graphs/payment-chain/watches", "/v1/graphs/payment-chain/watches/psp" })
        {
            var asReader = await Read(path, ReaderKey);
            Assert.That(asReader, Does.Not.Contain("secret").And.Not.Contain("auth=").And.Not.Contain("/services/").And.Not.Contain("/pages/"), path);
        }

        Assert.That(await Read($"/v1/graphs/payment-chain/webhooks/{id}", ReaderKey), Does.Contain("\"url\":\"http://127.0.0.1:1/…\""));
        Assert.That(await Read($"/v1/graphs/payment-chain/webhooks/{id}/deliveries", ReaderKey), Does.Not.Contain("127.0.0.1").And.Contain("an address"));
        Assert.That(await Read($"/v1/graphs/payment-chain/webhooks/{id}", EditorKey), Does.Contain(JsonSerializer.Serialize(hook)), "a writer sees it whole");
        Assert.That(await Read("/v1/graphs/payment-chain/watches/psp", AdminKey), Does.Contain("secret-page-token"));
        Assert.That((await SendAsync(HttpMethod.Delete, $"/v1/graphs/payment-chain/webhooks/{id}", EditorKey)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await SendAsync(HttpMethod.Delete, "/v1/graphs/payment-chain/watches/psp", EditorKey)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    /// <summary>p(i) depends on p(i - 1): failing p(i) alone takes every node after it down.</summary>
    private static StringContent Chain(int length)
    {
        var nodes = string.Join(",", Enumerable.Range(0, length).Select(i => $$"""{"id":"p{{i}}","kind":"service"}"""));
        var dependencies = string.Join(",", Enumerable.Range(1, length - 1).Select(i => $$"""{"from":"p{{i}}","to":"p{{i - 1}}"}"""));
        return ApiServer.Json($$"""{"nodes":[{{nodes}}],"dependencies":[{{dependencies}}]}""");
    }
}
