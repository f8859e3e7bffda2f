using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

public sealed class GraphAndNodePageTests : SampleServiceTestBase
{
    [Test]
    public async Task The_graph_page_finds_nodes_by_name_and_kind_ranks_the_critical_ones_and_lists_cycles()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region"));
        await Page.GetByLabel("Id or name").FillAsync("acme");
        await Page.GetByLabel("Kind").SelectOptionAsync("customer");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/graphs/cloud-region?search=acme&kind=customer", StringComparison.Ordinal));
        var found = Page.Locator("section", new() { HasText = "Find a node" }).Locator("tbody tr");
        await Expect(found).ToHaveCountAsync(2);
        await Expect(found.First).ToContainTextAsync("Acme's shoppers");

        // The ranking is the API's, in its order.
        var ranked = await Server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/criticality?top=20");
        var names = ranked.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToList();
        var rows = Page.Locator("section", new() { HasText = "Most critical" }).Locator("tbody th");
        await Expect(rows).ToHaveTextAsync(names.ToArray());
        await Expect(Page.Locator("section", new() { HasText = "Dependency cycles" })).ToContainTextAsync("None: no node depends on itself");

        using var put = await Server.Client.PutAsync("/v1/graphs/loop", ApiServer.Json("""
            {"nodes":[{"id":"a","kind":"service"},{"id":"b","kind":"service"},{"id":"c","kind":"service"}],
             "dependencies":[{"from":"a","to":"b"},{"from":"b","to":"a"},{"from":"c","to":"a"}]}
            """));
        Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await Page.GotoAsync(Url("/graphs/loop"));
        var cycles = Page.Locator("section", new() { HasText = "Dependency cycles" }).Locator("li");
        await Expect(cycles).ToHaveCountAsync(1);
        await Expect(cycles).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(a → b|b → a)$"));
    }

    [Test]
    public async Task A_node_page_shows_its_providers_its_dependents_and_its_single_points_of_failure()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/nodes/payments-hub"));
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("PaymentsHub (SaaS processor)");
        var providers = Page.Locator("section", new() { HasText = "Depends on" });
        await Expect(providers).ToContainTextAsync("AWS eu-west-1 (Ireland) (alternative in \"compute\" (needs 1); holds out 5 min)");
        await Expect(providers).ToContainTextAsync("AWS eu-central-1 (Frankfurt) (alternative in \"compute\" (needs 1))");
        await Expect(Page.Locator("section", new() { HasText = "Needed by" }).Locator("li")).ToHaveCountAsync(
            (await Server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/dependencies?to=payments-hub")).GetProperty("items").GetArrayLength());

        await Page.GotoAsync(Url("/graphs/cloud-region/nodes/acme-shoppers"));
        var exposure = Page.Locator("section", new() { HasText = "Exposure" });
        await Expect(exposure).ToContainTextAsync("3 single points of failure: each alone takes this node down.");
        var marked = exposure.Locator("tbody tr.spof th");
        await Expect(marked).ToHaveTextAsync(["Acme webshop (merchant on the bank's payment API)", "Online banking", "PaymentsHub (SaaS processor)"]);
        await Expect(exposure.Locator("tbody tr", new() { HasText = "AWS eu-west-1" }).Locator("td").Nth(2)).ToHaveTextAsync("◆ Degraded");

        await Page.GetByRole(AriaRole.Link, new() { Name = "What if this fails?" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/graphs/cloud-region/impact?outage=acme-shoppers", StringComparison.Ordinal));
        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync("0");
    }

    [Test]
    public async Task A_node_page_shows_what_can_take_it_down_and_names_the_false_fallback()
    {
        await Page.GotoAsync(Url("/graphs/payment-chain/nodes/shopco-customers"));
        var section = Page.Locator("section", new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = "Resilience: what can take it down, and how likely" }) });
        await Expect(section.Locator(".false-fallback")).ToHaveTextAsync("checkout needs 1 of psp (psp-fallback, psp-primary), but visa alone takes out too many of them.");
        await Expect(section.Locator("table.cut-sets tbody tr")).ToHaveTextAsync([
            new System.Text.RegularExpressions.Regex("^shopco-customers"), new System.Text.RegularExpressions.Regex("^checkout"),
            new System.Text.RegularExpressions.Regex("^psp-fallback \\+ psp-primary")]);
        var answer = await Server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/payment-chain/nodes/shopco-customers/resilience");
        var availability = answer.GetProperty("availability").GetDouble();
        // Shown with the nines that matter: 0.99999975 as 99.999975%.
        await Expect(section.Locator(".count").First).ToContainTextAsync(
            (Math.Round(availability * 100, 6)).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) + "%Availability");

        // Degraded instead of down: Visa alone is now enough, as the API says.
        await Page.GetByLabel("Level").SelectOptionAsync("degraded");
        await Expect(section.Locator("table.cut-sets tbody tr", new() { HasText = "visa" })).ToHaveCountAsync(1);
        await Expect(section.Locator("h3").First).ToHaveTextAsync("What takes it degraded (minimal cut sets up to 2 nodes)");
    }

    [Test]
    public async Task The_graph_page_ranks_the_weakest_customers_as_the_api_does()
    {
        var ranked = await Server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/payment-chain/resilience?kind=customer&top=10");
        await Page.GotoAsync(Url("/graphs/payment-chain"));
        var rows = Page.Locator("table.weakest tbody th");
        await Expect(rows).ToHaveTextAsync(ranked.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray());
        await Expect(Page.Locator("table.weakest tbody tr").First.Locator("td").Last).ToHaveTextAsync("⚠ 1");
    }
}
