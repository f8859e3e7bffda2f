using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class NodeAndDependencyApiTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task Nodes_are_listed_by_id_filtered_by_kind_and_search_and_paged_with_a_cursor()
    {
        var customers = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/nodes?kind=customer");
        var searched = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/nodes?search=ACME");

        Assert.That(Ids(customers), Is.EqualTo(new[] { "acme-shoppers", "acme-webshop", "business-customers", "retail-customers" }));
        Assert.That(Ids(searched), Is.EqualTo(new[] { "acme-shoppers", "acme-webshop" }));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/nodes?limit=5{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.That(page.GetProperty("items").GetArrayLength(), Is.LessThanOrEqualTo(5));
            seen.AddRange(Ids(page));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.That(seen, Has.Count.EqualTo(13));
        Assert.That(seen, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(seen, Is.Unique);
    }

    [TestCase("limit=0")]
    [TestCase("limit=5000")]
    [TestCase("cursor=%25%25%25")]
    public async Task Bad_paging_gets_400(string query)
    {
        await ProblemOf(await Client.GetAsync($"/v1/graphs/cloud-region/nodes?{query}"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_node_is_added_read_replaced_and_deleted_with_its_dependencies()
    {
        var name = await CreateGraphAsync(SmallGraph);

        var added = await Client.PostAsync($"/v1/graphs/{name}/nodes",
            ApiServer.Json("""{"id": "cdn", "name": "CDN", "kind": "supplier", "attributes": {"owner": "web"}}"""));
        var duplicate = await Client.PostAsync($"/v1/graphs/{name}/nodes", ApiServer.Json("""{"id": "cdn", "kind": "supplier"}"""));
        var read = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/nodes/cdn");
        var replaced = await Client.PutAsync($"/v1/graphs/{name}/nodes/cdn", ApiServer.Json("""{"name": "Edge CDN", "kind": "supplier"}"""));
        var createdByPut = await Client.PutAsync($"/v1/graphs/{name}/nodes/dns", ApiServer.Json("""{"kind": "supplier"}"""));
        await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "cdn"}"""));
        var deleted = await Client.DeleteAsync($"/v1/graphs/{name}/nodes/cdn");

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(added.Headers.Location?.ToString(), Is.EqualTo($"/v1/graphs/{name}/nodes/cdn"));
        await ProblemOf(duplicate, HttpStatusCode.Conflict);
        Assert.That(read.GetProperty("attributes").GetProperty("owner").GetString(), Is.EqualTo("web"));
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(createdByPut.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{name}/nodes/cdn"), HttpStatusCode.NotFound);
        var fromShop = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/dependencies?from=shop");
        Assert.That(fromShop.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("to").GetString()), Is.EqualTo(new[] { "app" }));
    }

    [Test]
    public async Task Bad_nodes_get_400_naming_the_problem_and_change_nothing()
    {
        var name = await CreateGraphAsync(SmallGraph);
        var before = await Client.GetStringAsync($"/v1/graphs/{name}");

        var badId = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/nodes", ApiServer.Json("""{"id": "a'b", "kind": "service"}""")), HttpStatusCode.BadRequest);
        var noKind = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/nodes", ApiServer.Json("""{"id": "ok"}""")), HttpStatusCode.BadRequest);
        var wrongType = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/nodes", ApiServer.Json("""{"id": ["x"], "kind": "service"}""")), HttpStatusCode.BadRequest);
        var idMismatch = await ProblemOf(await Client.PutAsync($"/v1/graphs/{name}/nodes/app", ApiServer.Json("""{"id": "other", "kind": "service"}""")), HttpStatusCode.BadRequest);
        var needTooLarge = await ProblemOf(await Client.PutAsync($"/v1/graphs/{name}/nodes/app",
            ApiServer.Json("""{"kind": "service", "groups": {"compute": {"need": 3}}}""")), HttpStatusCode.BadRequest);

        Assert.That(badId.GetProperty("detail").GetString(), Does.Contain("'a'b' is not a valid id"));
        Assert.That(noKind.GetProperty("detail").GetString(), Does.Contain("kind is required"));
        Assert.That(wrongType.GetProperty("detail").GetString(), Does.Contain("$.id"));
        Assert.That(idMismatch.GetProperty("detail").GetString(), Does.Contain("differs"));
        Assert.That(needTooLarge.GetProperty("detail").GetString(), Does.Contain("needs 3 of group 'compute', which has 2"));
        Assert.That(await Client.GetStringAsync($"/v1/graphs/{name}"), Is.EqualTo(before));
    }

    [Test]
    public async Task Dependencies_are_added_filtered_and_deleted()
    {
        var name = await CreateGraphAsync(SmallGraph);

        var added = await Client.PostAsync($"/v1/graphs/{name}/dependencies",
            ApiServer.Json("""{"from": "shop", "to": "region", "effect": "degraded", "tolerance": "PT1H"}"""));
        var duplicate = await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "region"}"""));
        var toRegion = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/dependencies?to=region");
        var deleted = await Client.DeleteAsync($"/v1/graphs/{name}/dependencies?from=shop&to=region");
        var deletedAgain = await Client.DeleteAsync($"/v1/graphs/{name}/dependencies?from=shop&to=region");

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await ProblemOf(duplicate, HttpStatusCode.Conflict);
        Assert.That(toRegion.GetProperty("items").EnumerateArray().Select(d => $"{d.GetProperty("from").GetString()}:{(d.TryGetProperty("tolerance", out var t) ? t.GetString() : "")}"),
            Is.EqualTo(new[] { "app:", "shop:PT1H" }));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemOf(deletedAgain, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Bad_dependencies_get_400_and_change_nothing()
    {
        var name = await CreateGraphAsync(SmallGraph.Replace("need: 1", "need: 2", StringComparison.Ordinal));
        var before = await Client.GetStringAsync($"/v1/graphs/{name}");

        var unknown = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "ghost"}""")), HttpStatusCode.BadRequest);
        var self = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "shop"}""")), HttpStatusCode.BadRequest);
        var effect = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "region", "effect": "meh"}""")), HttpStatusCode.BadRequest);
        var tolerance = await ProblemOf(await Client.PostAsync($"/v1/graphs/{name}/dependencies", ApiServer.Json("""{"from": "shop", "to": "region", "tolerance": "-PT1H"}""")), HttpStatusCode.BadRequest);
        var belowNeed = await ProblemOf(await Client.DeleteAsync($"/v1/graphs/{name}/dependencies?from=app&to=backup"), HttpStatusCode.BadRequest);
        var missingEnds = await ProblemOf(await Client.DeleteAsync($"/v1/graphs/{name}/dependencies?from=app"), HttpStatusCode.BadRequest);

        Assert.That(unknown.GetProperty("detail").GetString(), Does.Contain("unknown node 'ghost'"));
        Assert.That(self.GetProperty("detail").GetString(), Does.Contain("cannot depend on itself"));
        Assert.That(effect.GetProperty("detail").GetString(), Does.Contain("'meh' is not an effect"));
        Assert.That(tolerance.GetProperty("detail").GetString(), Does.Contain("tolerance"));
        Assert.That(belowNeed.GetProperty("detail").GetString(), Does.Contain("needs 2 of group 'compute', which has 1"));
        Assert.That(missingEnds.GetProperty("detail").GetString(), Does.Contain("?from= and ?to="));
        Assert.That(await Client.GetStringAsync($"/v1/graphs/{name}"), Is.EqualTo(before));
    }

    [Test]
    public async Task Nodes_and_dependencies_of_an_unknown_graph_get_404()
    {
        await ProblemOf(await Client.GetAsync("/v1/graphs/nope/nodes"), HttpStatusCode.NotFound);
        await ProblemOf(await Client.PostAsync("/v1/graphs/nope/nodes", ApiServer.Json("""{"id": "a", "kind": "service"}""")), HttpStatusCode.NotFound);
        await ProblemOf(await Client.GetAsync("/v1/graphs/nope/dependencies"), HttpStatusCode.NotFound);
        await ProblemOf(await Client.GetAsync("/v1/graphs/cloud-region/nodes/nope"), HttpStatusCode.NotFound);
    }

    private static IEnumerable<string> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToList();
}
