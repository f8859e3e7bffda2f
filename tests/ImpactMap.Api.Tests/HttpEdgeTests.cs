using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Every edge answers as the rest of the API does: problem+json with a detail, every problem named at its own path.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.Embedded))]
public class HttpEdgeTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task An_unknown_route_a_wrong_method_and_a_wrong_media_type_say_what_to_do()
    {
        var route = await ProblemOf(await Client.GetAsync("/nope"), HttpStatusCode.NotFound);
        var method = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/v1/graphs/cloud-region"));
        var media = await Client.PutAsync($"/v1/graphs/{NewGraphName()}", new StringContent("a,b", Encoding.UTF8, "text/csv"));

        Assert.That(route.GetProperty("detail").GetString(), Does.Contain("/v1").And.Contain("/docs"));
        Assert.That(method.Content.Headers.Allow, Is.EquivalentTo(new[] { "DELETE", "GET", "PUT" }));
        Assert.That((await ProblemOf(method, HttpStatusCode.MethodNotAllowed)).GetProperty("detail").GetString(), Does.Contain("allows DELETE, GET, PUT"));
        Assert.That((await ProblemOf(media, HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString(),
            Does.Contain("text/csv").And.Contain("application/json").And.Contain("application/yaml"));
    }

    [Test]
    public async Task A_missing_body_and_a_wrongly_typed_field_are_named_without_dotnet_type_names()
    {
        var missing = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("null"));
        var wrongType = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}],"limit":"ten"}"""));
        var wrongQuery = await Client.GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact?limit=ten");

        Assert.That((await ProblemOf(missing, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("needs a JSON object"));
        var typed = await ProblemOf(wrongType, HttpStatusCode.BadRequest);
        Assert.That(typed.GetProperty("problems")[0].GetProperty("path").GetString(), Is.EqualTo("$.limit"));
        Assert.That((await ProblemOf(wrongQuery, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Is.EqualTo("limit: 'ten' is not a valid value for it."));
        foreach (var body in new[] { typed.GetRawText(), await missing.Content.ReadAsStringAsync(), await wrongQuery.Content.ReadAsStringAsync() })
        {
            Assert.That(body, Does.Not.Contain("ImpactMap.").And.Not.Contain("System.").And.Not.Contain("Nullable").And.Not.Contain("Implicit body"));
        }
    }

    [Test]
    public async Task A_key_given_twice_in_JSON_or_YAML_is_refused_naming_it_and_changes_nothing()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var json = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}],"limit":1,"limit":2}"""));
        var yaml = await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml("nodes:\n  - {id: a, kind: service}\nnodes:\n  - {id: b, kind: service}\n"));

        var jsonProblem = await ProblemOf(json, HttpStatusCode.BadRequest);
        Assert.That(jsonProblem.GetProperty("detail").GetString(), Does.Contain("'limit'").And.Contain("line 1"));
        Assert.That((await ProblemOf(yaml, HttpStatusCode.BadRequest)).GetRawText(), Does.Contain("line 3").And.Contain("uplicate"));
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes"))).GetProperty("items").GetArrayLength(), Is.EqualTo(4));
    }

    [Test]
    public async Task An_unknown_query_parameter_is_refused_naming_what_the_route_takes()
    {
        var onGraph = await Client.GetAsync("/v1/graphs/cloud-region?version=4");
        var onImpact = await Client.GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact?kinds=customer");

        Assert.That((await ProblemOf(onGraph, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("'version'"));
        var problem = await ProblemOf(onImpact, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("'kinds'").And.Contain("kind, limit"));
        Assert.That(problem.GetProperty("problems")[0].GetProperty("path").GetString(), Is.EqualTo("kinds"));
    }

    [Test]
    public async Task A_document_without_nodes_is_refused_and_the_graph_keeps_its_nodes()
    {
        var graph = await CreateGraphAsync(SmallGraph);

        var empty = await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json("{}"));

        Assert.That((await ProblemOf(empty, HttpStatusCode.BadRequest)).GetProperty("problems")[0].GetProperty("path").GetString(), Is.EqualTo("nodes"));
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/nodes"))).GetProperty("items").GetArrayLength(), Is.EqualTo(4));
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json("""{"nodes": []}"""))).StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "an empty graph is said so");
    }

    [TestCase("text/yaml")]
    [TestCase("application/x-yaml")]
    public async Task YAML_is_accepted_under_its_other_media_types(string mediaType)
    {
        var content = new StringContent(SmallGraph, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);

        var response = await Client.PutAsync($"/v1/graphs/{NewGraphName()}", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task HEAD_works_where_GET_does_with_the_headers_and_no_body()
    {
        var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/graphs/cloud-region"));
        var get = await Client.GetAsync("/v1/graphs/cloud-region");
        var missing = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/graphs/nope"));

        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_single_dependency_reports_its_problems_at_its_own_path()
    {
        var graph = await CreateGraphAsync(SmallGraph);

        var response = await Client.PostAsync($"/v1/graphs/{graph}/dependencies", ApiServer.Json("""{"from": "shop", "to": "ghost"}"""));

        var paths = (await ProblemOf(response, HttpStatusCode.BadRequest)).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()).ToList();
        Assert.That(paths, Is.Not.Empty.And.All.StartsWith("dependency"));
        Assert.That(paths, Has.None.Contains("dependencies["));
    }

    [Test]
    public async Task A_client_that_has_the_current_version_gets_304_and_a_changed_one_gets_200()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var opened = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "Region down", "outages": [{"node": "region"}]}"""));
        var incident = $"/v1/graphs/{graph}/incidents/{(await JsonOf(opened)).GetProperty("id").GetString()}";
        foreach (var url in new[] { $"/v1/graphs/{graph}", $"/v1/graphs/{graph}/nodes/shop", incident })
        {
            var first = await Client.GetAsync(url);
            Assert.That(first.Headers.ETag, Is.Not.Null, url);

            var again = new HttpRequestMessage(HttpMethod.Get, url);
            again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            var notModified = await Client.SendAsync(again);

            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified), url);
            Assert.That(notModified.Headers.ETag, Is.EqualTo(first.Headers.ETag));
            Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);
        }

        var before = (await Client.GetAsync($"/v1/graphs/{graph}")).Headers.ETag!;
        await Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "cdn", "kind": "supplier"}"""));
        var stale = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{graph}");
        stale.Headers.IfNoneMatch.Add(before);
        var changed = await Client.SendAsync(stale);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(changed.Headers.ETag, Is.Not.EqualTo(before));
    }

    [Test]
    public async Task Every_answer_forbids_content_sniffing()
    {
        using var csv = new HttpRequestMessage(HttpMethod.Get, "/v1/graphs/cloud-region") { Headers = { { "Accept", "text/csv" } } };
        var answers = new[]
        {
            await Client.GetAsync("/v1/graphs"), await Client.GetAsync("/nope"), await Client.SendAsync(csv),
            await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("{")), await Client.GetAsync("/health/live"),
        };

        foreach (var answer in answers)
        {
            Assert.That(answer.Headers.TryGetValues("X-Content-Type-Options", out var values) ? values.Single() : null, Is.EqualTo("nosniff"),
                answer.RequestMessage!.RequestUri!.ToString());
        }
    }

    [Test]
    public async Task A_mistyped_node_gets_the_ids_it_may_have_meant_and_a_bad_state_only_its_own_problem()
    {
        var missing = await ProblemOf(await Client.GetAsync("/v1/graphs/cloud-region/nodes/aws-eu-wset-1/impact"), HttpStatusCode.NotFound);
        var unknown = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/impact",
            ApiServer.Json("""{"outages": [{"node": "aws-eu-west-l"}]}""")), HttpStatusCode.UnprocessableEntity);
        var badState = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/impact",
            ApiServer.Json("""{"outages": [{"node": "aws-eu-west-1", "state": "exploded"}, {"node": "kyc-check", "state": "up"}]}""")), HttpStatusCode.BadRequest);

        Assert.That(missing.GetProperty("detail").GetString(), Does.Contain("did you mean 'aws-eu-west-1'"));
        Assert.That(unknown.GetProperty("detail").GetString(), Does.Contain("did you mean 'aws-eu-west-1'"));
        Assert.That(badState.GetProperty("detail").GetString(), Does.Contain("exploded").And.Not.Contain("at least one must fail"));
    }
}
