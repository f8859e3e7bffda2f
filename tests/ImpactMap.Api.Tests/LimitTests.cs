using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

public class LimitTests
{
    private TempFolder _data = null!;
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task StartWithSmallLimits()
    {
        _data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(_data.Path, samples: true);
        settings["ImpactMap:MaxDocumentBytes"] = "4000";
        settings["ImpactMap:MaxRequestBytes"] = "2000";
        settings["ImpactMap:QueryBudget"] = "00:00:00.001";
        _server = await ApiServer.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Test]
    public async Task A_graph_document_over_its_limit_gets_413_and_changes_nothing()
    {
        var nodes = string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""{"id":"n{{i}}","kind":"service"}"""));

        var response = await _server.Client.PutAsync("/v1/graphs/cloud-region", ApiServer.Json($$"""{"nodes":[{{nodes}}]}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var graphs = await _server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs");
        Assert.That(graphs.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cloud-region").GetProperty("nodes").GetInt32(), Is.EqualTo(13));
    }

    [Test]
    public async Task A_chunked_body_over_the_limit_of_a_small_route_gets_413()
    {
        var body = new StringContent($$"""{"id":"n","kind":"service","name":"{{new string('x', 5000)}}"}""", Encoding.UTF8, "application/json");
        body.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphs/cloud-region/nodes") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        var response = await _server.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_query_past_its_time_budget_gets_503_with_Retry_After_not_an_unbounded_computation()
    {
        // A chain of 61 nodes, built a node at a time (this server's document limit is small); this server's
        // budget is 1 ms, less than failing every node alone takes.
        var put = await _server.Client.PutAsync("/v1/graphs/budget", ApiServer.Yaml("nodes: [{id: probe, kind: service}]"));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        for (var i = 0; i < 60; i++)
        {
            await _server.Client.PostAsync("/v1/graphs/budget/nodes", ApiServer.Json($$"""{"id": "p{{i}}", "kind": "service"}"""));
            await _server.Client.PostAsync("/v1/graphs/budget/dependencies", ApiServer.Json($$"""{"from": "p{{i}}", "to": "{{(i == 0 ? "probe" : $"p{i - 1}")}}"}"""));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var response = await _server.Client.GetAsync("/v1/graphs/budget/criticality?top=5");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("budget"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
