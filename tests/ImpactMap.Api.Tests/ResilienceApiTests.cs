using System.Net;
using System.Text.Json;

namespace ImpactMap.Api.Tests;

/// <summary>The reverse question over HTTP: cut sets, unavailability from the samples' SLAs, importance, false fallbacks, the ranking.</summary>
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
}
