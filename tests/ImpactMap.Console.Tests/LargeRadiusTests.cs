using System.Text;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>Generated radii: 50,000 wide (one region under 50 SaaS suppliers, each under 999 customers), and a chain 999 deep.</summary>
public sealed class LargeRadiusTests : SampleServiceTestBase
{
    public const int Suppliers = 50;
    public const int CustomersEach = 999;
    public const int ChainLength = 1000;

    [OneTimeSetUp]
    public async Task PutTheWideGraphAsync()
    {
        using var put = await Server.Client.PutAsync("/v1/graphs/wide", ApiServer.Json(WideGraph.Json(Suppliers, CustomersEach)));
        Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var chain = Enumerable.Range(0, ChainLength).ToList();
        var nodes = string.Join(',', chain.Select(i => $$"""{"id":"n-{{i:0000}}","name":"Node {{i:0000}}","kind":"service"}"""));
        var dependencies = string.Join(',', chain.Skip(1).Select(i => $$"""{"from":"n-{{i:0000}}","to":"n-{{i - 1:0000}}"}"""));
        using var putChain = await Server.Client.PutAsync("/v1/graphs/chain", ApiServer.Json($$"""{"nodes":[{{nodes}}],"dependencies":[{{dependencies}}]}"""));
        Assert.That(putChain.IsSuccessStatusCode, await putChain.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_chain_999_deep_draws_ranges_of_depths_and_explains_its_last_node_all_the_way_up()
    {
        await Page.GotoAsync(Url("/graphs/chain/impact?outage=n-0000"));
        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync("999");
        // 24 columns at most: the origins, then 23 ranges of 44 depths.
        await Expect(Page.Locator("svg.picture .column-label")).ToHaveCountAsync(24);
        await Expect(Page.Locator("svg.picture .column-label").Last).ToHaveTextAsync("Depths 969–999");

        await Page.GetByLabel("Text", new() { Exact = true }).FillAsync("n-0999");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Explain Node 0999" }).ClickAsync();
        var words = await Page.Locator("#explain .chain-words").InnerTextAsync();
        Assert.That(words, Does.StartWith("Node 0999 is down because it depends on Node 0998, which depends on Node 0997,"));
        Assert.That(words, Does.EndWith("which depends on Node 0000, which is down."));
        Assert.That(words.Split("depends on").Length - 1, Is.EqualTo(999));
    }

    [Test]
    public async Task A_50000_node_radius_aggregates_its_picture_virtualises_its_table_and_downloads_every_row()
    {
        await Page.GotoAsync(Url("/graphs/wide/impact?outage=region"));
        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync("50,000", new() { Timeout = 30_000 });
        await Expect(Page.Locator(".count.state-down .count-value")).ToHaveTextAsync("50,000");
        await Expect(Page.Locator(".count.customers .count-value")).ToHaveTextAsync("49,950");

        // No hairball: groups per depth and kind, and only the rows in view exist.
        await Expect(Page.Locator("svg.picture g.pnode")).ToHaveCountAsync(0);
        await Expect(Page.Locator("svg.picture g.pgroup")).ToHaveCountAsync(3);
        Assert.That(await Page.Locator("table.affected tbody tr:not(.spacer)").CountAsync(), Is.InRange(1, 100));
        await Expect(Page.Locator("#table-count")).ToHaveTextAsync("50,000 affected nodes");

        // The last row is there when scrolled to: by depth, then id.
        await Page.Locator(".table-scroll").EvaluateAsync("box => { box.scrollTop = box.scrollHeight; }");
        await Expect(Page.Locator("table.affected tbody tr:not(.spacer)").Last).ToContainTextAsync("c-49-998");

        // A group expands in place to its first nodes.
        var customers = Page.Locator("svg.picture g.pgroup[data-key='2:customer']");
        await customers.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("svg.picture g.pgroup[data-key='2:customer']")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(Page.Locator("svg.picture g.pnode")).ToHaveCountAsync(60);
        await Expect(Page.Locator("svg.picture")).ToContainTextAsync("and 49,890 more: see the table");
        await ScreenshotAsync("impact-50000");

        await Page.GetByLabel("Text", new() { Exact = true }).FillAsync("c-07-");
        await Expect(Page.Locator("#table-count")).ToHaveTextAsync("999 of 50,000 affected nodes");
        var filtered = await DownloadCsvAsync();
        Assert.That(filtered, Has.Length.EqualTo(1 + CustomersEach));
        Assert.That(filtered[1], Is.EqualTo("c-07-000,Customer 07-000,customer,down,2,saas-07,PT0S"));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Explain Customer 07-000" }).ClickAsync();
        await Expect(Page.Locator("#explain .chain-words")).ToHaveTextAsync(
            "Customer 07-000 is down because it depends on SaaS 07, which depends on Cloud region, which is down.");

        await Page.GetByLabel("Text", new() { Exact = true }).FillAsync("");
        await Expect(Page.Locator("#table-count")).ToHaveTextAsync("50,000 affected nodes");
        var whole = await DownloadCsvAsync();
        Assert.That(whole, Has.Length.EqualTo(1 + 50_000));
        Assert.That(whole.Skip(1).Select(line => line.Split(',')[0]).Distinct().Count(), Is.EqualTo(50_000));

        // Sorting 50,000 rows: depth descending puts a customer first.
        var depth = Page.Locator("table.affected thead th", new() { HasText = "Depth" });
        await depth.GetByRole(AriaRole.Button).ClickAsync();
        await depth.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(depth).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(Page.Locator("table.affected tbody tr:not(.spacer) td").Nth(2)).ToHaveTextAsync("2");
    }

    private async Task<string[]> DownloadCsvAsync()
    {
        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Download CSV \(") }).ClickAsync());
        var path = await download.PathAsync();
        Assert.That(download.SuggestedFilename, Does.EndWith(".csv"));
        return (await File.ReadAllLinesAsync(path, Encoding.UTF8)).Where(line => line.Length > 0).ToArray();
    }
}
