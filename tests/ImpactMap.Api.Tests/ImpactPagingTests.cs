using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Impact answers that stay bounded: chains only when they fit, via always, pages with cursors, filters.</summary>
// The 100,000-node graphs sit in the catalog's memory once stored, and their answers come from the engine: what is
// bounded here is the HTTP path, whichever store took the graph. LargeIncidentTests hold a 100,000-party incident on
// both stores.
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.Embedded))]
public class ImpactPagingTests(string store) : ApiTestBase(store)
{
    private const long OneGigabyte = 1L << 30;

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_100000_node_ring_with_the_largest_limit_is_refused_with_how_to_ask_and_answers_without_chains_within_1_GB()
    {
        var graph = NewGraphName();
        var put = await Client.PutAsync($"/v1/graphs/{graph}", Ring(100_000));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());

        var full = await Client.GetAsync($"/v1/graphs/{graph}/nodes/n0/impact?limit=100000");
        var none = await Client.GetAsync($"/v1/graphs/{graph}/nodes/n0/impact?limit=100000&paths=none");

        var problem = await ProblemOf(full, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("paths=none").And.Contain("nextCursor").And.Contain("5000000 allowed"));
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await JsonOf(none);
        var affected = answer.GetProperty("affected");
        Assert.That(affected.GetArrayLength(), Is.EqualTo(99_999));
        Assert.That(answer.GetProperty("truncated").GetBoolean(), Is.False);
        Assert.That(affected[0].TryGetProperty("path", out _), Is.False);
        Assert.That((affected[0].GetProperty("via").GetString(), affected[affected.GetArrayLength() - 1].GetProperty("via").GetString()), Is.EqualTo(("n0", "n99998")));
        Assert.That(affected[affected.GetArrayLength() - 1].GetProperty("depth").GetInt32(), Is.EqualTo(99_999));
        Assert.That(Server.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
    }

    [Test]
    public async Task Pages_follow_nextCursor_to_the_whole_list_in_order_with_counts_over_all()
    {
        var whole = await ImpactAsync("""{"outages":[{"node":"aws-eu-west-1"}]}""");
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ImpactAsync($$"""{"outages":[{"node":"aws-eu-west-1"}],"limit":2{{(cursor is null ? "" : $",\"cursor\":\"{cursor}\"")}}}""");
            Assert.That(page.GetProperty("counts").GetRawText(), Is.EqualTo(whole.GetProperty("counts").GetRawText()));
            Assert.That(page.GetProperty("total").GetInt32(), Is.EqualTo(whole.GetProperty("total").GetInt32()));
            listed.AddRange(page.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()!));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            Assert.That(page.GetProperty("truncated").GetBoolean(), Is.EqualTo(cursor is not null));
        }
        while (cursor is not null);

        Assert.That(listed, Is.EqualTo(whole.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString())));
        Assert.That(whole.GetProperty("affected").EnumerateArray().All(a => a.GetProperty("via").GetString() == a.GetProperty("path")[a.GetProperty("path").GetArrayLength() - 2].GetString()));
    }

    [Test]
    public async Task A_cursor_of_an_earlier_version_gets_409_naming_the_versions()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var first = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes/region/impact?limit=1"));
        var cursor = first.GetProperty("nextCursor").GetString();
        await Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "cdn", "kind": "supplier"}"""));

        var stale = await Client.GetAsync($"/v1/graphs/{graph}/nodes/region/impact?limit=1&cursor={cursor}");

        var problem = await ProblemOf(stale, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain($"version {first.GetProperty("version").GetInt64()}"));
    }

    [Test]
    public async Task States_and_kinds_narrow_the_list_and_matching_counts_what_they_let_through()
    {
        var whole = await ImpactAsync("""{"outages":[{"node":"aws-eu-west-1"}]}""");
        var down = await ImpactAsync("""{"outages":[{"node":"aws-eu-west-1"}],"states":["down"]}""");
        var customers = await JsonOf(await Client.GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact?kind=customer&state=degraded&state=down"));

        Assert.That(down.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("state").GetString()), Is.All.EqualTo("down"));
        Assert.That(down.GetProperty("matching").GetInt32(), Is.EqualTo(whole.GetProperty("counts").GetProperty("down").GetInt32()));
        Assert.That(down.GetProperty("total").GetInt32(), Is.EqualTo(whole.GetProperty("total").GetInt32()));
        var expected = whole.GetProperty("affected").EnumerateArray()
            .Where(a => a.GetProperty("kind").GetString() == "customer" && a.GetProperty("state").GetString() is "degraded" or "down")
            .Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.That(expected, Is.Not.Empty);
        Assert.That(customers.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EqualTo(expected));
    }

    [Test]
    public async Task Nodes_list_only_those_ids_with_their_exact_chains_and_are_bounded()
    {
        var whole = await ImpactAsync("""{"outages":[{"node":"aws-eu-west-1"}]}""");
        var two = await ImpactAsync("""{"outages":[{"node":"aws-eu-west-1"}],"nodes":["acme-shoppers","kyc-check","mail-relay"]}""");
        var tooMany = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(
            $$"""{"outages":[{"node":"aws-eu-west-1"}],"nodes":[{{string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"n{i}\""))}}]}"""));
        var empty = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}],"nodes":[""]}"""));

        // mail-relay is in the graph but not hit: nothing to list for it.
        var listed = two.GetProperty("affected").EnumerateArray().ToList();
        Assert.That(listed.Select(a => a.GetProperty("id").GetString()), Is.EqualTo(new[] { "kyc-check", "acme-shoppers" }));
        Assert.That(two.GetProperty("matching").GetInt32(), Is.EqualTo(2));
        Assert.That(two.GetProperty("total").GetInt32(), Is.EqualTo(whole.GetProperty("total").GetInt32()));
        var shoppers = whole.GetProperty("affected").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "acme-shoppers");
        Assert.That(listed[1].GetProperty("path").ToString(), Is.EqualTo(shoppers.GetProperty("path").ToString()));
        Assert.That((await ProblemOf(tooMany, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("nodes: at most 1000 ids"));
        Assert.That((await ProblemOf(empty, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("nodes: each must be a node id"));
    }

    [Test]
    public async Task Bad_paths_states_and_cursors_are_400s_naming_each_problem()
    {
        var response = await Client.PostAsync("/v1/graphs/cloud-region/impact",
            ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}],"paths":"some","states":["up","gone"],"kinds":[""]}"""));
        var cursor = await Client.GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact?cursor=not-a-cursor");

        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        var problems = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.That(problems, Is.EquivalentTo(new[] { "paths", "states[0]", "states[1]", "kinds[0]" }));
        Assert.That((await ProblemOf(cursor, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("cursor"));
    }

    [Test]
    public async Task An_incident_on_a_10000_node_chain_keeps_every_party_and_answers_a_page_at_a_time_within_1_GB()
    {
        var graph = NewGraphName();
        var put = await Client.PutAsync($"/v1/graphs/{graph}", Chain(10_000));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());

        var opened = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "Root down", "outages": [{"node": "n0"}]}"""));

        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created), await opened.Content.ReadAsStringAsync());
        var incident = await JsonOf(opened);
        var id = incident.GetProperty("id").GetString();
        var impact = incident.GetProperty("impact");
        Assert.That((impact.GetProperty("total").GetInt32(), impact.GetProperty("counts").GetProperty("down").GetInt32()), Is.EqualTo((9_999, 9_999)));
        Assert.That(impact.GetProperty("affected").GetArrayLength(), Is.EqualTo(1000), "the incident's own answer holds its first page");
        Assert.That(impact.GetProperty("truncated").GetBoolean(), Is.True);

        var rest = await JsonOf(await Client.GetAsync(
            $"/v1/graphs/{graph}/incidents/{id}/impact?paths=none&limit=100000&cursor={impact.GetProperty("nextCursor").GetString()}"));
        Assert.That(rest.GetProperty("affected").GetArrayLength(), Is.EqualTo(8_999), "every party was kept");
        Assert.That(rest.TryGetProperty("nextCursor", out _), Is.False);
        var last = rest.GetProperty("affected")[8_998];
        Assert.That((last.GetProperty("id").GetString(), last.GetProperty("via").GetString(), last.GetProperty("depth").GetInt32()),
            Is.EqualTo(("n9999", "n9998", 9_999)));

        var one = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}/impact?node=n9999"));
        var chain = one.GetProperty("affected")[0].GetProperty("path").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(chain, Is.EqualTo(Enumerable.Range(0, 10_000).Select(i => $"n{i}")), "the chain is kept exactly");
        var tooMany = await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}/impact?limit=100000");
        Assert.That((await ProblemOf(tooMany, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("paths=none"));

        var notices = await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}/notices?limit=10&kind=service");
        Assert.That(notices.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonOf(notices)).GetArrayLength(), Is.EqualTo(10));
        var link = notices.Headers.GetValues("Link").Single();
        Assert.That(link, Does.StartWith($"</v1/graphs/{graph}/incidents/{id}/notices?").And.Contain("limit=10").And.Contain("kind=service")
            .And.Contain("cursor=").And.EndWith("rel=\"next\""));
        var next = await JsonOf(await Client.GetAsync(link[1..link.IndexOf('>', StringComparison.Ordinal)]));
        Assert.That(next[0].GetProperty("node").GetString(), Is.EqualTo("n11"));
        var summaries = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents"));
        Assert.That(summaries[0].TryGetProperty("impact", out _), Is.False, "a list holds summaries");
        Assert.That(summaries[0].GetProperty("total").GetInt32(), Is.EqualTo(9_999));
        Assert.That(Server.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_100000_node_star_on_every_list_endpoint_with_its_largest_limits_answers_or_refuses_within_1_GB_and_stops_when_the_client_leaves_mid_answer()
    {
        // A hub and 99,999 customers on it: the widest answers every list endpoint can be asked for. On an
        // instance of its own, so that its memory is this workload's alone, not the fixture's other graphs'.
        await using var own = await StartAnotherInstanceAsync();
        var client = own.Client;
        var graph = NewGraphName();
        var json = new StringBuilder("{\"nodes\":[{\"id\":\"hub\",\"kind\":\"supplier\",\"availability\":0.999}");
        for (var i = 1; i < 100_000; i++)
        {
            json.Append(",{\"id\":\"c").Append(i).Append("\",\"kind\":\"customer\"}");
        }

        json.Append("],\"dependencies\":[");
        for (var i = 1; i < 100_000; i++)
        {
            json.Append(i == 1 ? "" : ",").Append("{\"from\":\"c").Append(i).Append("\",\"to\":\"hub\"}");
        }

        json.Append("]}");
        var put = await client.PutAsync($"/v1/graphs/{graph}", new ByteArrayContent(Encoding.UTF8.GetBytes(json.ToString())) { Headers = { ContentType = new("application/json") } });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        var opened = await client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title":"Hub down","outages":[{"node":"hub"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created), await opened.Content.ReadAsStringAsync());
        var incident = (await JsonOf(opened)).GetProperty("id").GetString();

        await AskEveryListEndpointAsync(client, graph, "hub", "c1", incident!);

        var impact = await JsonOf(await client.GetAsync($"/v1/graphs/{graph}/nodes/hub/impact?limit=100000&paths=none"));
        Assert.That(impact.GetProperty("affected").GetArrayLength(), Is.EqualTo(99_999));
        var ranking = await JsonOf(await client.GetAsync($"/v1/graphs/{graph}/resilience?top=10000"));
        Assert.That(ranking.GetProperty("items").GetArrayLength(), Is.EqualTo(10_000));
        Assert.That(ranking.GetProperty("items")[0].GetProperty("singlePoints").GetInt32(), Is.EqualTo(1), "the hub, for every customer");

        // A client that reads the start of each large answer and leaves: the service stops writing it and goes idle.
        string[] large =
        [
            "nodes/hub/impact?limit=100000", $"incidents/{incident}/impact?limit=100000", $"incidents/{incident}/notices?limit=1000&format=markdown",
            "resilience?top=10000",
        ];
        foreach (var ask in large)
        {
            using var response = await client.GetAsync($"/v1/graphs/{graph}/{ask}", HttpCompletionOption.ResponseHeadersRead);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), ask);
            await using var body = await response.Content.ReadAsStreamAsync();
            var start = new byte[4096];
            await body.ReadExactlyAsync(start);
            // Unread, the rest of the answer fills the socket's buffers and the service waits on it; then the client goes.
            await Task.Delay(200);
        }

        // The clients' leaving leaves nothing stuck: every answer comes whole again (no CPU-time threshold here: on a
        // busy machine it measures the machine).
        foreach (var ask in large)
        {
            using var response = await client.GetAsync($"/v1/graphs/{graph}/{ask}");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{ask} answers whole again");
            Assert.That((await response.Content.ReadAsByteArrayAsync()).Length, Is.GreaterThan(100_000), ask);
        }

        // Left in the store like the ring: deleting it sets off a sweep of 200,000 records that, on the test Neo4j,
        // overlapped the next fixture's first reads and failed one with Neo.DatabaseError.General.UnknownError.
        Assert.That(own.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
    }

    [TestCase("chain")]
    [TestCase("ring")]
    [Category(TestTiers.Slow)]
    public async Task A_100000_node_chain_or_ring_on_every_list_endpoint_answers_refuses_or_runs_out_of_budget_within_1_GB(string shape)
    {
        // Every node behind every other: the deepest chains, the longest letters, the largest cones upstream. On an
        // instance of its own with a 5 s query budget, so that what runs out of budget does so quickly.
        await using var own = await StartAnotherInstanceAsync(new Dictionary<string, string> { ["ImpactMap:QueryBudget"] = "00:00:05" });
        var client = own.Client;
        var graph = NewGraphName();
        var put = await client.PutAsync($"/v1/graphs/{graph}", shape == "ring" ? Ring(100_000) : Chain(100_000));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        var opened = await client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title":"Root down","outages":[{"node":"n0"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created), await opened.Content.ReadAsStringAsync());
        var incident = (await JsonOf(opened)).GetProperty("id").GetString()!;

        await AskEveryListEndpointAsync(client, graph, "n0", "n99999", incident);

        // The deepest notices: each chain holds about 99,000 ids, so a page holds only as many as MaxNoticePathIds lets
        // through, and its letters name the first steps and count the rest.
        var deep = await JsonOf(await client.GetAsync($"/v1/graphs/{graph}/incidents/{incident}/impact?paths=none&limit=99000"));
        var cursor = deep.GetProperty("nextCursor").GetString();
        var page = await client.GetAsync($"/v1/graphs/{graph}/incidents/{incident}/notices?limit=1000&cursor={cursor}");
        var notices = await JsonOf(page);
        Assert.That(notices.GetArrayLength(), Is.EqualTo(5), "500,000 chain ids at most: 99,002 to 99,006 each");
        Assert.That(page.Headers.Contains("Link"), Is.True, "the rest follow");
        Assert.That((notices[0].GetProperty("node").GetString(), notices[0].GetProperty("path").GetArrayLength()), Is.EqualTo(("n99001", 99_002)));
        Assert.That(notices[0].GetProperty("message").GetString(), Does.Contain("more components, on n0").And.Length.LessThan(3_000));
        TestContext.Out.WriteLine($"{shape} on {TestContext.CurrentContext.Test.FullName}: peak resident {own.PeakResidentBytes >> 20} MB");
        Assert.That(own.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
    }

    /// <summary>
    /// Every endpoint that answers a list, with its largest limits: each answers, refuses with problem+json, or gives
    /// the query budget's 503 with Retry-After; never a 500.
    /// </summary>
    private static async Task AskEveryListEndpointAsync(HttpClient client, string graph, string origin, string far, string incident)
    {
        string[] asks =
        [
            "nodes?limit=1000", "dependencies?limit=1000", $"dependencies?to={origin}&limit=1000",
            $"nodes/{origin}/impact?limit=100000&paths=none", $"nodes/{origin}/impact?limit=100000", $"nodes/{far}/exposure",
            "criticality?top=1000", "cycles", "resilience?top=10000", $"nodes/{far}/resilience?maxOrder=4&limit=10000",
            "incidents", $"incidents/{incident}", $"incidents/{incident}/impact?limit=100000&paths=none",
            $"incidents/{incident}/notices?limit=1000", $"incidents/{incident}/notices?limit=1000&format=markdown",
        ];
        foreach (var ask in asks)
        {
            using var response = await client.GetAsync($"/v1/graphs/{graph}/{ask}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.AnyOf(200, 400, 503), $"{ask}: {body[..Math.Min(500, body.Length)]}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.That(response.Headers.RetryAfter, Is.Not.Null, ask);
            }

            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), ask);
            }
        }
    }

    private async Task<JsonElement> ImpactAsync(string body)
    {
        var response = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await JsonOf(response);
    }

    /// <summary>n(i+1) depends on n(i): n0 down takes every other node down, n(i) at depth i.</summary>
    private static ByteArrayContent Chain(int length) => Document(length, ring: false);

    /// <summary>n(i+1) depends on n(i), and n0 on the last: every node down when n0 is, at depths up to the ring's length.</summary>
    private static ByteArrayContent Ring(int length) => Document(length, ring: true);

    private static ByteArrayContent Document(int length, bool ring)
    {
        var json = new StringBuilder("{\"nodes\":[");
        for (var i = 0; i < length; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"id\":\"n").Append(i).Append("\",\"kind\":\"service\"}");
        }

        json.Append("],\"dependencies\":[");
        for (var i = 0; i < (ring ? length : length - 1); i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"from\":\"n").Append((i + 1) % length).Append("\",\"to\":\"n").Append(i).Append("\"}");
        }

        json.Append("]}");
        return new ByteArrayContent(Encoding.UTF8.GetBytes(json.ToString())) { Headers = { ContentType = new("application/json") } };
    }
}
