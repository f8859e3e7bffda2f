using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

public sealed class BlastRadiusPageTests : SampleServiceTestBase
{
    private const string AcmeChain =
        "Acme's shoppers is degraded because it depends on Acme webshop (merchant on the bank's payment API), which depends on Online banking, " +
        "which depends on CRM Cloud (SaaS), which depends on AWS eu-west-1 (Ireland), which is down.";

    [Test]
    public async Task The_readme_outage_asked_through_the_form_shows_acme_shoppers_at_depth_4_with_its_chain()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact"));
        await Page.GetByLabel("Node id").FillAsync("aws-eu-west-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show the blast radius" }).ClickAsync();

        await Page.WaitForURLAsync(url => url.EndsWith("/graphs/cloud-region/impact?outage=aws-eu-west-1", StringComparison.Ordinal));
        // The README's numbers for this outage: 3 down, 5 degraded, 1 at risk.
        await Expect(Page.Locator(".count.state-down .count-value")).ToHaveTextAsync("3");
        await Expect(Page.Locator(".count.state-degraded .count-value")).ToHaveTextAsync("5");
        await Expect(Page.Locator(".count.state-at-risk .count-value")).ToHaveTextAsync("1");
        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync("9");

        var shoppers = Page.Locator("svg.picture g.pnode[data-id='acme-shoppers']");
        await Expect(shoppers).ToHaveAttributeAsync("aria-label", "Acme's shoppers: degraded, customer, depth 4");
        await Expect(shoppers).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bcustomer\b"));

        // Selected from the keyboard: its chain in words, its time, and the chain's four edges drawn as such.
        await shoppers.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("#explain .chain-words")).ToHaveTextAsync(AcmeChain);
        await Expect(Page.Locator("#explain")).ToContainTextAsync("Hit at once (impactAt PT0S), at depth 4.");
        await Expect(Page.Locator("svg.picture .edges path.chain")).ToHaveCountAsync(4);

        var row = Page.Locator("table.affected tbody tr", new() { Has = Page.GetByRole(AriaRole.Button, new() { Name = "Explain Acme's shoppers" }) });
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("4");
        await Expect(row).ToHaveClassAsync("selected");
        await ScreenshotAsync("impact-readme-outage");
    }

    [Test]
    public async Task The_page_shows_what_the_api_answers_for_a_deep_link_with_duration_and_depth()
    {
        using var response = await Server.Client.PostAsJsonAsync("/v1/graphs/cloud-region/impact",
            new { outages = new[] { new { node = "aws-eu-west-1", state = "down" } }, duration = "PT20M", maxDepth = 3 });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1:down&duration=PT20M&maxDepth=3"));

        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync(answer.GetProperty("total").GetInt32().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.Locator("#table-count")).ToHaveTextAsync($"{answer.GetProperty("total").GetInt32()} affected nodes");
        var ids = answer.GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        Assert.That(ids, Does.Not.Contain("acme-shoppers"), "depth 4 is beyond maxDepth 3");
        Assert.That(await Page.Locator("svg.picture g.pnode").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.id)"),
            Is.EquivalentTo(ids.Append("aws-eu-west-1")));
        // The form shows the question the link asked.
        await Expect(Page.GetByLabel("Lasting")).ToHaveValueAsync("PT20M");
        await Expect(Page.GetByLabel("Maximum depth")).ToHaveValueAsync("3");
    }

    [Test]
    public async Task Every_deep_link_reloads_to_the_same_page_and_back_and_forward_work()
    {
        using var opened = await Server.Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(
            """{"title":"Deep link incident","outages":[{"node":"aws-eu-west-1"}]}"""));
        var incident = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var links = new (string Path, string Heading)[]
        {
            ("/", "Graphs"),
            ("/graphs/cloud-region", "cloud-region"),
            ("/graphs/cloud-region/impact?outage=aws-eu-west-1&duration=PT20M&maxDepth=4", "Blast radius"),
            ("/graphs/cloud-region/nodes/acme-shoppers", "Acme's shoppers"),
            ("/graphs/cloud-region/incidents", "Incidents"),
            ($"/graphs/cloud-region/incidents/{incident}", "Deep link incident"),
        };
        foreach (var (path, heading) in links)
        {
            await Page.GotoAsync(Url(path));
            await Expect(Page.Locator("main h1")).ToHaveTextAsync(heading);
            await WaitForDataAsync();
            var before = await Page.Locator("main").InnerTextAsync();
            await Page.ReloadAsync();
            await Expect(Page.Locator("main h1")).ToHaveTextAsync(heading);
            await WaitForDataAsync();
            Assert.That(Normalised(await Page.Locator("main").InnerTextAsync()), Is.EqualTo(Normalised(before)), path);
        }

        await Page.GotoAsync(Url("/graphs/cloud-region"));
        var whatIf = Page.Locator("section", new() { HasText = "Most critical" }).GetByRole(AriaRole.Link, new() { Name = "What if this fails" }).First;
        await whatIf.ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/graphs/cloud-region/impact?outage=payments-hub", StringComparison.Ordinal));
        await Expect(Page.Locator(".count.total")).ToBeVisibleAsync();
        await Page.GoBackAsync();
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("cloud-region");
        Assert.That(Page.Url, Does.EndWith("/graphs/cloud-region"));
        await Page.GoForwardAsync();
        await Expect(Page.Locator(".count.total")).ToBeVisibleAsync();
        Assert.That(Page.Url, Does.Contain("outage=payments-hub"));
    }

    [Test]
    public async Task The_radius_goes_to_an_incident_document_as_mermaid_and_to_graphviz_as_dot()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Mermaid for the incident document" }).ClickAsync();
        await Expect(Page.Locator("#mermaid-text")).ToContainTextAsync("flowchart LR");
        await Expect(Page.Locator("#mermaid-text")).ToContainTextAsync("[\"Acme's shoppers: degraded\"]:::degraded");

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByRole(AriaRole.Button, new() { Name = "Download DOT (Graphviz)" }).ClickAsync());
        var dot = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.That(download.SuggestedFilename, Does.EndWith(".dot"));
        Assert.That(dot, Does.StartWith("digraph impact {"));
        Assert.That(dot, Does.Contain("\"bank-online\" -> \"acme-webshop\";"));
    }

    [Test]
    public async Task Pages_do_not_shift_while_their_data_loads()
    {
        await Page.AddInitScriptAsync("""
            window.__shift = 0;
            new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
              .observe({ type: 'layout-shift', buffered: true });
            """);
        using var opened = await Server.Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(
            """{"title":"Layout incident","outages":[{"node":"aws-eu-west-1"}]}"""));
        var incident = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        foreach (var path in new[]
                 {
                     "/", "/graphs/cloud-region", "/graphs/cloud-region/impact?outage=aws-eu-west-1", "/graphs/cloud-region/nodes/acme-shoppers",
                     "/graphs/cloud-region/incidents", $"/graphs/cloud-region/incidents/{incident}",
                 })
        {
            await Page.GotoAsync(Url(path));
            await WaitForDataAsync();
            await Page.WaitForTimeoutAsync(300);
            // 0.1 is where the web's own measure (cumulative layout shift) stops calling a page stable.
            Assert.That(await Page.EvaluateAsync<double>("window.__shift"), Is.LessThan(0.1), path);
        }
    }

    private async Task WaitForDataAsync() => await Expect(Page.Locator("main .loading")).ToHaveCountAsync(0);

    // The live indicator may say "connecting" on one load and "live" on the next.
    private static string Normalised(string text) =>
        string.Join('\n', text.Split('\n').Where(line => !line.StartsWith("Live", StringComparison.Ordinal) && !line.StartsWith("Connecting", StringComparison.Ordinal)));
}
