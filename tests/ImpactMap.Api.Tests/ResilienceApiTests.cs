using System.Net;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>The reverse question over HTTP: cut sets, unavailability from the samples' SLAs, importance, false fallbacks, the ranking.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.Embedded))]
public class ResilienceApiTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task Acme_shoppers_go_down_with_payments_hub_or_both_regions_and_the_figures_follow_from_the_slas()
    {
        var answer = await JsonOf(await Client.GetAsync("/v1/graphs/cloud-region/nodes/acme-shoppers/resilience"));

        Assert.That(answer.GetProperty("cutSets").EnumerateArray().Select(c => string.Join("+", c.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))),
            Is.EqualTo(new[] { "acme-shoppers", "payments-hub", "acme-webshop", "bank-online", "aws-eu-central-1+aws-eu-west-1" }),
            "itself first, then by order, probability and ids");
        // Only payments-hub (99.95%) and the two regions (99.99% each) have availabilities on the way: 1 - 0.9995 * (1 - 0.0001^2).
        var unavailability = 1 - 0.9995 * (1 - 1e-8);
        Assert.That(answer.GetProperty("unavailability").GetDouble(), Is.EqualTo(unavailability).Within(1e-15));
        Assert.That(answer.GetProperty("availability").GetDouble(), Is.EqualTo(1 - unavailability).Within(1e-15));
        Assert.That(answer.GetProperty("downtimePerYear").GetString(), Is.EqualTo("PT4H22M"));
        Assert.That(answer.GetProperty("method").GetString(), Is.EqualTo("exact"));
        Assert.That((answer.GetProperty("level").GetString(), answer.GetProperty("maxOrder").GetInt32(), answer.GetProperty("cutSetsTruncated").GetBoolean()),
            Is.EqualTo(("down", 2, false)));
        var importance = answer.GetProperty("importance").EnumerateArray().ToList();
        Assert.That(importance.Select(i => i.GetProperty("node").GetString()), Is.EqualTo(new[] { "payments-hub", "aws-eu-central-1", "aws-eu-west-1" }));
        Assert.That(importance[0].GetProperty("birnbaum").GetDouble(), Is.EqualTo(1 - 1e-8).Within(1e-15), "P(.|hub fails) - P(.|hub works)");
        Assert.That(answer.GetProperty("falseFallbacks").GetArrayLength(), Is.Zero, "the two regions share nothing");
    }

    [Test]
    public async Task Two_psps_that_both_need_visa_are_a_false_fallback()
    {
        var answer = await JsonOf(await Client.GetAsync("/v1/graphs/payment-chain/nodes/shopco-customers/resilience?level=degraded&maxOrder=1"));

        var fallback = answer.GetProperty("falseFallbacks").EnumerateArray().Single();
        Assert.That(fallback.ToString(), Is.EqualTo(JsonSerializer.Serialize(new
        {
            node = "checkout", group = "psp", need = 1, members = new[] { "psp-fallback", "psp-primary" }, defeatedBy = new[] { "visa" },
        })));
        Assert.That(answer.GetProperty("cutSets").EnumerateArray().Select(c => c.GetProperty("nodes")[0].GetString()), Does.Contain("visa"));
        Assert.That(answer.GetProperty("cutSets").EnumerateArray().All(c => c.GetProperty("nodes").GetArrayLength() == 1), Is.True);
    }

    [Test]
    public async Task The_weakest_customers_come_first_with_their_single_points_and_false_fallbacks()
    {
        var ranked = await JsonOf(await Client.GetAsync("/v1/graphs/payment-chain/resilience?kind=customer&level=degraded"));
        var items = ranked.GetProperty("items").EnumerateArray().ToList();

        Assert.That(items.Select(i => i.GetProperty("node").GetString()), Is.EquivalentTo(new[] { "shopco-customers", "marketplace-sellers" }));
        Assert.That(items.Select(i => i.GetProperty("unavailability").GetDouble()), Is.Ordered.Descending);
        foreach (var item in items)
        {
            var alone = await JsonOf(await Client.GetAsync($"/v1/graphs/payment-chain/nodes/{item.GetProperty("node").GetString()}/resilience?level=degraded&maxOrder=1"));
            Assert.That(item.GetProperty("unavailability").GetDouble(), Is.EqualTo(alone.GetProperty("unavailability").GetDouble()).Within(1e-15));
            Assert.That(item.GetProperty("singlePoints").GetInt32(), Is.EqualTo(alone.GetProperty("cutSets").GetArrayLength() - 1));
            Assert.That(item.GetProperty("falseFallbacks").GetInt32(), Is.EqualTo(alone.GetProperty("falseFallbacks").GetArrayLength()));
        }

        var top = await JsonOf(await Client.GetAsync("/v1/graphs/payment-chain/resilience?top=1"));
        Assert.That(top.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task Bad_parameters_are_400s_naming_each_and_unknown_nodes_404()
    {
        var bad = await Client.GetAsync("/v1/graphs/cloud-region/nodes/acme-shoppers/resilience?level=up&maxOrder=5&limit=0");
        var badRanking = await Client.GetAsync("/v1/graphs/cloud-region/resilience?kind=Customer&top=0&level=sideways");
        var unknown = await Client.GetAsync("/v1/graphs/cloud-region/nodes/nobody/resilience");

        var problems = (await ProblemOf(bad, HttpStatusCode.BadRequest)).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString());
        Assert.That(problems, Is.EquivalentTo(new[] { "level", "maxOrder", "limit" }));
        var rankingProblems = (await ProblemOf(badRanking, HttpStatusCode.BadRequest)).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString());
        Assert.That(rankingProblems, Is.EquivalentTo(new[] { "level", "kind", "top" }));
        Assert.That((await ProblemOf(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), Does.Contain("nobody"));
    }

    [Test]
    public async Task A_third_psp_on_its_own_scheme_makes_the_fallback_real_for_this_question_only()
    {
        var before = await JsonOf(await Client.GetAsync("/v1/graphs/payment-chain/nodes/shopco-customers/resilience?level=degraded"));
        var assumed = await JsonOf(await Client.PostAsync("/v1/graphs/payment-chain/nodes/shopco-customers/resilience", ApiServer.Json("""
            {"level": "degraded",
             "assume": {"nodes": [{"id": "psp-third", "name": "Third PSP", "kind": "supplier", "availability": 0.9995},
                                  {"id": "local-scheme", "kind": "supplier", "availability": 0.9999}],
                        "add": [{"from": "checkout", "to": "psp-third", "group": "psp"},
                                {"from": "psp-third", "to": "local-scheme", "effect": "degraded"}]}}
            """)));
        var after = await JsonOf(await Client.GetAsync("/v1/graphs/payment-chain/nodes/shopco-customers/resilience?level=degraded"));

        Assert.That(before.GetProperty("falseFallbacks").GetArrayLength(), Is.EqualTo(1));
        Assert.That(assumed.GetProperty("falseFallbacks").GetArrayLength(), Is.Zero);
        Assert.That(assumed.GetProperty("assumed").GetBoolean(), Is.True);
        Assert.That(assumed.GetProperty("unavailability").GetDouble(), Is.LessThan(before.GetProperty("unavailability").GetDouble()));
        Assert.That(after.ToString(), Is.EqualTo(before.ToString()), "nothing was stored");
        Assert.That(before.TryGetProperty("assumed", out _), Is.False);
    }

    [Test]
    public async Task A_node_kept_up_by_a_workaround_shields_everything_below_it()
    {
        var plain = await JsonOf(await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"aws-eu-west-1"}]}""")));
        var mitigated = await JsonOf(await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(
            """{"outages":[{"node":"aws-eu-west-1"},{"node":"bank-online","state":"up"}]}""")));
        var onlyUp = await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json("""{"outages":[{"node":"bank-online","state":"up"}]}"""));

        var hit = mitigated.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.That(plain.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Does.Contain("acme-shoppers").And.Contain("bank-online"));
        Assert.That(hit, Does.Not.Contain("bank-online").And.Not.Contain("acme-shoppers").And.Not.Contain("retail-customers"));
        Assert.That(hit, Does.Contain("bank-contact-centre"), "what does not depend on it is hit as before");
        Assert.That(mitigated.GetProperty("assumed").GetBoolean(), Is.True);
        Assert.That((await ProblemOf(onlyUp, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("at least one must fail"));
    }

    [Test]
    public async Task Assumptions_are_checked_like_a_document_edit_each_problem_named_and_nothing_changes()
    {
        var version = (await JsonOf(await Client.GetAsync("/v1/graphs"))).EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cloud-region").GetProperty("version").GetInt64();
        var refused = await Client.PostAsync("/v1/graphs/cloud-region/nodes/acme-shoppers/resilience", ApiServer.Json("""
            {"assume": {"nodes": [{"id": "crm-cloud", "kind": "supplier"}],
                        "add": [{"from": "acme-shoppers", "to": "nowhere"}],
                        "remove": [{"from": "acme-shoppers", "to": "aws-eu-west-1"}],
                        "availability": {"crm-cloud": 2, "ghost": 0.9}}}
            """));
        var exposure = await JsonOf(await Client.PostAsync("/v1/graphs/cloud-region/nodes/acme-shoppers/exposure", ApiServer.Json(
            """{"assume": {"remove": [{"from": "acme-shoppers", "to": "acme-webshop"}]}}""")));

        var paths = (await ProblemOf(refused, HttpStatusCode.BadRequest)).GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString());
        Assert.That(paths, Is.EquivalentTo(new[] { "assume.nodes[0].id", "assume.add[0].to", "assume.remove[0]", "assume.availability.crm-cloud", "assume.availability.ghost" }));
        Assert.That(exposure.GetProperty("providers").GetArrayLength(), Is.Zero, "without its only provider it depends on nothing");
        Assert.That(exposure.GetProperty("assumed").GetBoolean(), Is.True);
        var now = (await JsonOf(await Client.GetAsync("/v1/graphs"))).EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cloud-region").GetProperty("version").GetInt64();
        Assert.That(now, Is.EqualTo(version));
    }
}
