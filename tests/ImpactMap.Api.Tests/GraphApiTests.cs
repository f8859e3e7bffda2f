using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class GraphApiTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task The_sample_graphs_are_listed_with_their_sizes_and_versions()
    {
        var graphs = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs");

        var cloud = graphs.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cloud-region");
        Assert.That(cloud.GetProperty("nodes").GetInt32(), Is.EqualTo(13));
        Assert.That(cloud.GetProperty("dependencies").GetInt32(), Is.EqualTo(15));
        Assert.That(cloud.GetProperty("version").GetInt64(), Is.Positive);
        Assert.That(graphs.EnumerateArray().Select(g => g.GetProperty("name").GetString()),
            Is.SupersetOf(new[] { "cloud-region", "payment-chain", "crowdstrike-2024" }));
    }

    [Test]
    public async Task Put_creates_with_201_then_replaces_with_200_and_a_higher_version()
    {
        var name = NewGraphName();

        var created = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(SmallGraph));
        var replaced = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(SmallGraph.Replace("The Shop", "The New Shop", StringComparison.Ordinal)));

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/v1/graphs/{name}"));
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var first = (await JsonOf(created)).GetProperty("version").GetInt64();
        var second = (await JsonOf(replaced)).GetProperty("version").GetInt64();
        Assert.That(second, Is.GreaterThan(first));
        var node = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/nodes/shop");
        Assert.That(node.GetProperty("name").GetString(), Is.EqualTo("The New Shop"));
    }

    [Test]
    public async Task A_graph_round_trips_through_yaml_and_json_with_its_version_as_ETag()
    {
        var name = await CreateGraphAsync(SmallGraph);

        var json = await Client.GetAsync($"/v1/graphs/{name}");
        var yamlRequest = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{name}");
        yamlRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/yaml"));
        var yaml = await Client.SendAsync(yamlRequest);

        Assert.That(json.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(yaml.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/yaml"));
        var version = (await Client.GetFromJsonAsync<JsonElement>("/v1/graphs")).EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == name).GetProperty("version").GetInt64();
        Assert.That(json.Headers.ETag?.Tag, Is.EqualTo($"\"{version}\""));

        var copyFromJson = NewGraphName();
        var copyFromYaml = NewGraphName();
        var jsonText = await json.Content.ReadAsStringAsync();
        Assert.That((await Client.PutAsync($"/v1/graphs/{copyFromJson}", ApiServer.Json(jsonText))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Client.PutAsync($"/v1/graphs/{copyFromYaml}", ApiServer.Yaml(await yaml.Content.ReadAsStringAsync()))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await Client.GetStringAsync($"/v1/graphs/{copyFromJson}"), Is.EqualTo(jsonText));
        Assert.That(await Client.GetStringAsync($"/v1/graphs/{copyFromYaml}"), Is.EqualTo(jsonText));
        Assert.That(jsonText, Does.Contain("\"groups\":{\"compute\":{\"need\":1}}"));
    }

    [Test]
    public async Task An_invalid_document_gets_400_listing_each_problem_and_changes_nothing()
    {
        var name = await CreateGraphAsync(SmallGraph);
        var before = await Client.GetStringAsync($"/v1/graphs/{name}");

        var response = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml("""
            nodes:
              - {id: a, kind: service, groups: {g: {need: 2}}}
              - {id: a, kind: service}
              - {id: "bad id", kind: service}
            dependencies:
              - {from: a, to: ghost}
              - {from: a, to: a, effect: sideways, group: g}
            """));

        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        var problems = problem.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("path").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        Assert.That(problems, Has.Some.Contains("effect").And.Some.Contains("'sideways'"));
        var afterEffectFixed = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml("""
            nodes:
              - {id: a, kind: service, groups: {g: {need: 2}}}
              - {id: a, kind: service}
              - {id: "bad id", kind: service}
            dependencies:
              - {from: a, to: ghost}
              - {from: a, to: a, group: g}
            """));
        var modelProblems = (await ProblemOf(afterEffectFixed, HttpStatusCode.BadRequest)).GetProperty("problems").EnumerateArray()
            .Select(p => p.GetProperty("message").GetString()).ToList();
        Assert.That(modelProblems, Has.Some.EqualTo("duplicate node id 'a'"));
        Assert.That(modelProblems, Has.Some.StartsWith("'bad id' is not a valid id"));
        Assert.That(modelProblems, Has.Some.EqualTo("unknown node 'ghost'"));
        Assert.That(modelProblems, Has.Some.EqualTo("'a' cannot depend on itself"));
        Assert.That(modelProblems, Has.Some.EqualTo("'a' needs 2 of group 'g', which has 1 dependencies"));
        Assert.That(await Client.GetStringAsync($"/v1/graphs/{name}"), Is.EqualTo(before));
    }

    [TestCase("application/json", "{\"nodes\": [", "not a valid graph document")]
    [TestCase("application/json", "{\"nodes\": [{\"id\": 5}]}", "$.nodes[0].id")]
    [TestCase("application/yaml", "nodes: [", "line")]
    [TestCase("application/yaml", "nodes:\n  - id: a\n    kind: service\n    colour: red\n", "line 4")]
    public async Task Unreadable_documents_get_400_saying_where(string mediaType, string body, string expected)
    {
        var response = await Client.PutAsync($"/v1/graphs/{NewGraphName()}", new StringContent(body, System.Text.Encoding.UTF8, mediaType));

        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetRawText(), Does.Contain(expected));
    }

    [Test]
    public async Task Other_media_types_get_415()
    {
        var response = await Client.PutAsync($"/v1/graphs/{NewGraphName()}", new StringContent("<graph/>", System.Text.Encoding.UTF8, "application/xml"));

        await ProblemOf(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task A_bad_graph_name_gets_400_and_an_unknown_one_404()
    {
        await ProblemOf(await Client.PutAsync("/v1/graphs/bad%20name", ApiServer.Yaml(SmallGraph)), HttpStatusCode.BadRequest);
        var missing = await ProblemOf(await Client.GetAsync("/v1/graphs/no-such-graph"), HttpStatusCode.NotFound);
        Assert.That(missing.GetProperty("detail").GetString(), Does.Contain("no-such-graph"));
    }

    [Test]
    public async Task Delete_removes_the_graph()
    {
        var name = await CreateGraphAsync(SmallGraph);

        var deleted = await Client.DeleteAsync($"/v1/graphs/{name}");

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{name}"), HttpStatusCode.NotFound);
        await ProblemOf(await Client.DeleteAsync($"/v1/graphs/{name}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_write_with_a_stale_If_Match_gets_412_and_changes_nothing()
    {
        var name = await CreateGraphAsync(SmallGraph);
        var etag = (await Client.GetAsync($"/v1/graphs/{name}")).Headers.ETag!;
        await Client.PostAsync($"/v1/graphs/{name}/nodes", ApiServer.Json("""{"id": "extra", "kind": "service"}"""));

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/v1/graphs/{name}") { Content = ApiServer.Yaml(SmallGraph) };
        stale.Headers.IfMatch.Add(etag);
        var response = await Client.SendAsync(stale);

        await ProblemOf(response, HttpStatusCode.PreconditionFailed);
        Assert.That((await Client.GetAsync($"/v1/graphs/{name}/nodes/extra")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var current = (await Client.GetAsync($"/v1/graphs/{name}")).Headers.ETag!;
        var fresh = new HttpRequestMessage(HttpMethod.Delete, $"/v1/graphs/{name}");
        fresh.Headers.IfMatch.Add(current);
        Assert.That((await Client.SendAsync(fresh)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Concurrent_writers_on_one_graph_lose_nothing()
    {
        var name = await CreateGraphAsync(SmallGraph);

        var writes = Enumerable.Range(0, 40).Select(i => Client.PostAsync($"/v1/graphs/{name}/nodes",
            ApiServer.Json($$"""{"id": "n{{i}}", "kind": "service"}"""))).ToList();
        var responses = await Task.WhenAll(writes);

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Created));
        var page = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/nodes?limit=1000");
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(44));
        var versions = responses.Select(r => r.Headers.ETag!.Tag).Distinct().Count();
        Assert.That(versions, Is.EqualTo(40), "every write got its own version");
    }
}
