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
        // Criticality fails every node of a 20,000-node chain alone: the i-th takes the 20,000 - i after it
        // down, 2 x 10^8 steps in all, which no machine does within this server's 1 ms budget. The document
        // is larger than the other tests' server accepts, so this one runs its own.
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        settings["ImpactMap:QueryBudget"] = "00:00:00.001";
        await using var server = await ApiServer.StartAsync(settings);
        const int length = 20_000;
        var put = await server.Client.PutAsync("/v1/graphs/budget", Chain(length));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var response = await server.Client.GetAsync("/v1/graphs/budget/criticality?top=5");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("budget"));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_client_that_hangs_up_stops_the_work()
    {
        // Criticality on a 60,000-node chain is 1.8 x 10^9 steps, many seconds on both cores, well within the
        // default 30 s budget: only the client leaving can stop it.
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(data.Path, samples: false));
        const int length = 60_000;
        Assert.That((await server.Client.PutAsync("/v1/graphs/long", Chain(length))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));

        using var hangUp = new CancellationTokenSource();
        var request = server.Client.GetAsync("/v1/graphs/long/criticality?top=5", hangUp.Token);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.That(request.IsCompleted, Is.False, "the computation is under way when the client leaves");
        await hangUp.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await request);

        // Proven by what the service did, not by how fast: the computation gave up and the request ended as one whose
        // client closed it (499; run to its end it would have been a 200), and the service answers the next request.
        await Poll.UntilAsync(() => Task.FromResult(server.Output.Contains("HTTP GET /v1/graphs/long/criticality responded 499", StringComparison.Ordinal)),
            "the request ends as closed by its client", TimeSpan.FromSeconds(60));
        Assert.That(server.Output, Does.Not.Contain("HTTP GET /v1/graphs/long/criticality responded 200"));
        Assert.That((await server.Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task SIGTERM_lets_a_request_in_flight_finish_and_then_the_service_exits()
    {
        // Criticality on a 40,000-node chain: seconds of work, well within the 30 s budget and shutdown timeout.
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(data.Path, samples: false));
        const int length = 40_000;
        Assert.That((await server.Client.PutAsync("/v1/graphs/long", Chain(length))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));

        var request = server.Client.GetAsync("/v1/graphs/long/criticality?top=5");
        await Task.Delay(TimeSpan.FromSeconds(0.8));
        Assert.That(request.IsCompleted, Is.False, "the request is in flight when the service is told to stop");
        server.Terminate();

        var response = await request;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodes")[0].GetProperty("id").GetString(), Is.EqualTo("p0"),
            "the whole answer: p0 takes the most down");
        Assert.That(server.ExitsWithin(TimeSpan.FromSeconds(35)), Is.True, "the service exits once drained, within the host's 30 s shutdown timeout");
    }

    /// <summary>p(i) depends on p(i - 1): failing p(i) alone takes every node after it down.</summary>
    private static StringContent Chain(int length)
    {
        var nodes = string.Join(",", Enumerable.Range(0, length).Select(i => $$"""{"id":"p{{i}}","kind":"service"}"""));
        var dependencies = string.Join(",", Enumerable.Range(1, length - 1).Select(i => $$"""{"from":"p{{i}}","to":"p{{i - 1}}"}"""));
        return ApiServer.Json($$"""{"nodes":[{{nodes}}],"dependencies":[{{dependencies}}]}""");
    }
}
