using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class ImpactApiTests(string store) : ApiTestBase(store)
{
    [TestCaseSource(typeof(SampleCorpus), nameof(SampleCorpus.Cases))]
    public async Task Sample_graphs_answer_their_expected_impacts_over_http(string graph, ExpectedScenario scenario)
    {
        var request = new
        {
            outages = scenario.Outages.Select(o => new { node = o.Node, state = o.State ?? "down" }),
            maxDepth = scenario.MaxDepth,
            duration = scenario.Duration,
        };

        var response = await Client.PostAsJsonAsync($"/v1/graphs/{graph}/impact", request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await JsonOf(response);
        var affected = body.GetProperty("affected").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        Assert.That(affected.Keys, Is.EquivalentTo(scenario.Affected.Keys));
        foreach (var (id, expected) in scenario.Affected)
        {
            Assert.That(affected[id].GetProperty("state").GetString(), Is.EqualTo(expected.State), id);
            if (expected.ImpactAt is not null)
            {
                Assert.That(affected[id].GetProperty("impactAt").GetString(), Is.EqualTo(expected.ImpactAt), id);
            }
        }

        foreach (var (id, path) in scenario.Paths ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            Assert.That(affected[id].GetProperty("path").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(path));
        }

        Assert.That(body.GetProperty("total").GetInt32(), Is.EqualTo(scenario.Affected.Count));
        Assert.That(body.GetProperty("graph").GetString(), Is.EqualTo(graph));
    }

    [Test]
    public async Task The_answer_has_the_fixed_shape_with_names_kinds_counts_and_truncation()
    {
        var response = await Client.PostAsync("/v1/graphs/cloud-region/impact",
            ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1","state":"down"}], "maxDepth":null, "limit":2, "duration":"PT2H"}"""));

        var body = await JsonOf(response);
        Assert.That(body.GetProperty("version").GetInt64(), Is.Positive);
        Assert.That(body.GetProperty("total").GetInt32(), Is.EqualTo(9));
        Assert.That(body.GetProperty("truncated").GetBoolean(), Is.True);
        var counts = body.GetProperty("counts");
        Assert.That((counts.GetProperty("down").GetInt32(), counts.GetProperty("degraded").GetInt32(), counts.GetProperty("atRisk").GetInt32()),
            Is.EqualTo((3, 5, 1)));
        var first = body.GetProperty("affected")[0];
        Assert.That(first.GetProperty("id").GetString(), Is.EqualTo("crm-cloud"));
        Assert.That(first.GetProperty("name").GetString(), Is.EqualTo("CRM Cloud (SaaS)"));
        Assert.That(first.GetProperty("kind").GetString(), Is.EqualTo("supplier"));
        Assert.That(first.GetProperty("depth").GetInt32(), Is.EqualTo(1));
        Assert.That(first.GetProperty("path").GetArrayLength(), Is.EqualTo(2));
        Assert.That(first.GetProperty("impactAt").GetString(), Is.EqualTo("PT0S"));
    }

    [Test]
    public async Task One_node_down_by_GET_is_the_same_as_posting_its_outage()
    {
        var byGet = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/crowdstrike-2024/nodes/crowdstrike-falcon/impact");
        var byPost = await JsonOf(await Client.PostAsync("/v1/graphs/crowdstrike-2024/impact", ApiServer.Json("""{"outages":[{"node":"crowdstrike-falcon"}]}""")));

        Assert.That(byGet.GetRawText(), Is.EqualTo(byPost.GetRawText()));
        await ProblemOf(await Client.GetAsync("/v1/graphs/crowdstrike-2024/nodes/nope/impact"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task An_outage_of_an_unknown_node_gets_422_naming_it()
    {
        var problem = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/impact",
            ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"},{"node":"mars-base-1"}]}""")), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("'mars-base-1'"));
        Assert.That(problem.GetProperty("nodes")[0].GetString(), Is.EqualTo("mars-base-1"));
    }

    [TestCase("""{}""", "outages")]
    [TestCase("""{"outages":[]}""", "outages")]
    [TestCase("""{"outages":[{"state":"down"}]}""", "outages[0].node")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1","state":"exploded"}]}""", "outages[0].state")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1","state":"up"}]}""", "outages: at least one must fail")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"duration":"2 hours"}""", "duration")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"duration":"PT0S"}""", "duration")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"limit":-1}""", "limit")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"maxDepth":-1}""", "maxDepth")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"maxDepth":5000}""", "maxDepth")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}],"limit":"many"}""", "$.limit")]
    [TestCase("""{"outages":"aws-eu-west-1"}""", "$.outages")]
    [TestCase("""{"outages":[{"node":"aws-eu-west-1"}]""", "not valid JSON")]
    public async Task Bad_impact_requests_get_400_naming_the_field(string body, string expected)
    {
        var problem = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(body)), HttpStatusCode.BadRequest);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(expected));
    }

    [Test]
    public async Task Impact_follows_changes_to_the_graph()
    {
        var name = await CreateGraphAsync(SmallGraph);
        var before = await JsonOf(await Client.PostAsync($"/v1/graphs/{name}/impact", ApiServer.Json("""{"outages":[{"node":"region"}]}""")));

        await Client.DeleteAsync($"/v1/graphs/{name}/nodes/backup");
        var after = await JsonOf(await Client.PostAsync($"/v1/graphs/{name}/impact", ApiServer.Json("""{"outages":[{"node":"region"}]}""")));

        Assert.That(before.GetProperty("affected")[0].GetProperty("state").GetString(), Is.EqualTo("at-risk"));
        Assert.That(after.GetProperty("affected")[0].GetProperty("state").GetString(), Is.EqualTo("down"), "the group lost its fallback");
        Assert.That(after.GetProperty("version").GetInt64(), Is.GreaterThan(before.GetProperty("version").GetInt64()));
    }

    [Test]
    public async Task Exposure_names_the_single_points_of_failure_of_a_customer()
    {
        var body = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/nodes/acme-shoppers/exposure");

        var providers = body.GetProperty("providers").EnumerateArray()
            .ToDictionary(p => p.GetProperty("id").GetString()!, p => (p.GetProperty("stateIfAloneFails").GetString(), p.GetProperty("singlePointOfFailure").GetBoolean()));
        Assert.That(providers["acme-webshop"], Is.EqualTo(("down", true)));
        Assert.That(providers["payments-hub"], Is.EqualTo(("down", true)));
        Assert.That(providers["aws-eu-west-1"], Is.EqualTo(("degraded", false)));
        Assert.That(providers["aws-eu-central-1"], Is.EqualTo(("at-risk", false)));
        Assert.That(body.GetProperty("singlePointsOfFailure").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public async Task Criticality_ranks_the_falcon_sensor_first()
    {
        var body = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/crowdstrike-2024/criticality?top=2");

        var first = body.GetProperty("nodes")[0];
        Assert.That(body.GetProperty("nodes").GetArrayLength(), Is.EqualTo(2));
        Assert.That(first.GetProperty("id").GetString(), Is.EqualTo("crowdstrike-falcon"));
        Assert.That(first.GetProperty("down").GetInt32(), Is.EqualTo(11));
        Assert.That(first.GetProperty("customersDown").GetInt32(), Is.EqualTo(2));
        await ProblemOf(await Client.GetAsync("/v1/graphs/crowdstrike-2024/criticality?top=0"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Cycles_are_listed()
    {
        var name = await CreateGraphAsync("""
            nodes: [{id: a, kind: service}, {id: b, kind: service}, {id: c, kind: service}]
            dependencies: [{from: a, to: b}, {from: b, to: a}, {from: c, to: a}]
            """);

        var body = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{name}/cycles");
        var none = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/cycles");

        Assert.That(body.GetProperty("cycles").GetRawText(), Is.EqualTo("""[["a","b"]]"""));
        Assert.That(none.GetProperty("cycles").GetArrayLength(), Is.Zero);
    }
}
