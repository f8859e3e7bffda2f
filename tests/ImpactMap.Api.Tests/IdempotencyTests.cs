using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class IdempotencyTests(string store) : ApiTestBase(store)
{
    private async Task<HttpResponseMessage> PostAsync(string url, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ApiServer.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return await Client.SendAsync(request);
    }

    [Test]
    public async Task A_retried_create_returns_the_first_answer_and_creates_nothing_more()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync($"/v1/graphs/{graph}/nodes", """{"id": "cdn", "kind": "supplier"}""", key);
        var retry = await PostAsync($"/v1/graphs/{graph}/nodes", """{"id": "cdn", "kind": "supplier"}""", key);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created), "not 409: the retry is the same request");
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(retry.Headers.ETag, Is.EqualTo(first.Headers.ETag));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
    }

    [Test]
    public async Task A_retried_incident_is_opened_once()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();
        const string body = """{"title": "Region down", "outages": [{"node": "region"}]}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostAsync($"/v1/graphs/{graph}/incidents", body, key)));

        var ids = new List<string?>();
        foreach (var response in responses)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        }

        Assert.That(ids.Distinct().Count(), Is.EqualTo(1));
        var incidents = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents");
        Assert.That(incidents.GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_retried_incident_whose_first_answer_was_lost_finds_the_incident_the_first_try_opened()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();
        const string body = """{"title": "Region down", "outages": [{"node": "region"}]}""";
        var first = (await JsonOf(await PostAsync($"/v1/graphs/{graph}/incidents", body, key))).GetProperty("id").GetString();
        await ForgetKeptAnswersAsync();

        var retry = await PostAsync($"/v1/graphs/{graph}/incidents", body, key);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.Headers.Contains("Idempotent-Replayed"), Is.False, "the kept answer was gone: the incident was found, not the answer");
        Assert.That((await JsonOf(retry)).GetProperty("id").GetString(), Is.EqualTo(first));
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents")).GetArrayLength(), Is.EqualTo(1));
        var other = await PostAsync($"/v1/graphs/{graph}/incidents", body, Guid.NewGuid().ToString());
        Assert.That((await JsonOf(other)).GetProperty("id").GetString(), Is.Not.EqualTo(first), "another key, another incident");
    }

    [Test]
    public async Task The_same_key_with_another_body_gets_422_and_changes_nothing()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();
        await PostAsync($"/v1/graphs/{graph}/nodes", """{"id": "cdn", "kind": "supplier"}""", key);

        var other = await PostAsync($"/v1/graphs/{graph}/nodes", """{"id": "dns", "kind": "supplier"}""", key);

        var problem = await ProblemOf(other, HttpStatusCode.UnprocessableEntity);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("another body"));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/dns"), HttpStatusCode.NotFound);
        await ProblemOf(await PostAsync($"/v1/graphs/{graph}/nodes", "{}", new string('k', 201)), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_failed_first_attempt_is_not_kept_so_a_corrected_retry_is_not_refused()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();

        var failed = await PostAsync($"/v1/graphs/{graph}/dependencies", """{"from": "shop", "to": "ghost"}""", key);
        var corrected = await PostAsync($"/v1/graphs/{graph}/dependencies", """{"from": "shop", "to": "region"}""", key);
        var retried = await PostAsync($"/v1/graphs/{graph}/dependencies", """{"from": "shop", "to": "region"}""", key);

        await ProblemOf(failed, HttpStatusCode.BadRequest);
        Assert.That(corrected.StatusCode, Is.EqualTo(HttpStatusCode.Created),
            "had the failed attempt been kept, this other body under the same key would get 422: " + await corrected.Content.ReadAsStringAsync());
        Assert.That(corrected.Headers.Contains("Idempotent-Replayed"), Is.False);
        Assert.That(retried.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"), "the corrected attempt is the one kept");
        var edges = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/dependencies?from=shop&to=region"));
        Assert.That(edges.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Read_only_posts_keep_no_answer_and_a_repeat_recomputes()
    {
        var before = await KeptAnswersAsync();
        var key = Guid.NewGuid().ToString();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphs/cloud-region/impact")
            {
                Content = ApiServer.Json("""{"outages": [{"node": "aws-eu-west-1"}]}"""),
                Headers = { { "Idempotency-Key", i == 19 ? key : Guid.NewGuid().ToString() }, { "Accept", "text/csv" } },
            };
            answers.Add(await Client.SendAsync(request));
        }

        var what = await PostAsync("/v1/graphs/cloud-region/nodes/kyc-check/resilience", "{}", key);
        var dryRun = new HttpRequestMessage(HttpMethod.Post, "/v1/graphs/cloud-region/imports?format=csv&dryRun=true")
        {
            Content = new StringContent("id,kind\nextra,service\n", System.Text.Encoding.UTF8, "text/csv"), Headers = { { "Idempotency-Key", key } },
        };
        var dry = await Client.SendAsync(dryRun);

        Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(what.StatusCode, Is.EqualTo(HttpStatusCode.OK), await what.Content.ReadAsStringAsync());
        Assert.That(dry.StatusCode, Is.EqualTo(HttpStatusCode.OK), await dry.Content.ReadAsStringAsync());
        Assert.That(new[] { answers[^1], what, dry }.Any(a => a.Headers.Contains("Idempotent-Replayed")), Is.False, "the same key thrice, each answered anew");
        Assert.That(await KeptAnswersAsync(), Is.EqualTo(before), "nothing kept for what changes nothing");
    }

    [Test]
    public async Task An_import_over_the_small_request_limit_is_taken_with_an_Idempotency_Key_as_without()
    {
        var graph = NewGraphName();
        var rows = string.Concat(Enumerable.Range(0, 60_000).Select(i => $"node-{i},service\n"));
        Assert.That(rows.Length, Is.GreaterThan(1024 * 1024));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/graphs/{graph}/imports?format=csv")
        {
            Content = new StringContent("id,kind\n" + rows, System.Text.Encoding.UTF8, "text/csv"), Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        };

        var response = await Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_kept_answer_expires_after_its_retention_and_the_key_then_makes_a_new_request()
    {
        await using var shortMemory = await StartAnotherInstanceAsync(new Dictionary<string, string> { ["ImpactMap:Idempotency:Retention"] = "00:00:02" });
        var graph = await CreateGraphAsync(SmallGraph);
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> Post(string id)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/graphs/{graph}/nodes") { Content = ApiServer.Json($$"""{"id": "{{id}}", "kind": "supplier"}""") };
            request.Headers.Add("Idempotency-Key", key);
            return await shortMemory.Client.SendAsync(request);
        }

        Assert.That((await Post("cdn")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Post("cdn")).Headers.Contains("Idempotent-Replayed"), Is.True, "within its retention the answer is given again");
        await Poll.UntilAsync(async () => (await Post("dns")).StatusCode == HttpStatusCode.Created, "past its retention, the key is a new request", TimeSpan.FromSeconds(20));
    }
}
