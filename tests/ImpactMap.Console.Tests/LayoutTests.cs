using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>
/// What a new user met on a 390 px phone and with an imported catalog: badges cut to "Dowr", the hit time to "at on…",
/// the node page's single-point-of-failure column off the screen, names cut inside the picture's boxes, a kind filter
/// that knew only three kinds, and two rows named "petstore" that could not be told apart.
/// </summary>
public sealed class LayoutTests : SampleServiceTestBase
{
    private const string Catalog = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: petstore, title: petstore}
        spec: {type: service, consumesApis: [petstore-api], dependsOn: ['resource:petstore-db']}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: petstore, namespace: staging, title: petstore}
        spec: {type: service, dependsOn: ['resource:default/petstore-db']}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata: {name: petstore-api}
        spec: {type: openapi, dependsOn: ['resource:petstore-db']}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata: {name: petstore-db}
        spec: {type: database}
        """;

    /// <summary>Whether each element's content fits its box (nothing cut by overflow or an ellipsis).</summary>
    private static async Task<IReadOnlyList<string>> CutAsync(ILocator elements) =>
        await elements.EvaluateAllAsync<string[]>("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)");

    [Test]
    public async Task On_a_phone_the_affected_table_shows_whole_states_and_hit_times()
    {
        await NewPageAsync(Phone);
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1&duration=PT3H"));
        var rows = Page.Locator("table.affected tbody tr:not(.spacer)");
        await Expect(rows).ToHaveCountAsync(9);

        Assert.That(await CutAsync(rows.Locator("td:nth-child(3)")), Is.Empty, "state cells");
        Assert.That(await CutAsync(rows.Locator("td:nth-child(6)")), Is.Empty, "hit cells");
        await Expect(rows.Locator("td:nth-child(3)").First).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = "KYC Check" }).Locator("td:nth-child(6)")).ToHaveTextAsync("after 30 min");
        var table = await Page.Locator("table.affected").BoundingBoxAsync();
        Assert.That(table!.X + table.Width, Is.LessThanOrEqualTo(Phone.Width), "the table fits the screen");
        await ScreenshotAsync("impact-table-phone");
    }

    [Test]
    public async Task On_a_phone_the_node_page_shows_whether_a_provider_is_a_single_point_of_failure()
    {
        await NewPageAsync(Phone);
        await Page.GotoAsync(Url("/graphs/cloud-region/nodes/kyc-check"));
        var header = Page.GetByRole(AriaRole.Columnheader, new() { Name = "Single point of failure" });
        await Expect(header).ToBeVisibleAsync();

        var box = await header.BoundingBoxAsync();
        Assert.That(box!.X + box.Width, Is.LessThanOrEqualTo(Phone.Width), "the column is on the screen, not past its right edge");
        await Expect(Page.Locator("table.exposure tbody tr").First).ToContainTextAsync("⚠ Yes");
        await ScreenshotAsync("node-page-phone");
    }

    [TestCase(390)]
    [TestCase(1280)]
    public async Task The_picture_shows_every_name_whole(int width)
    {
        await NewPageAsync(width == 390 ? Phone : Desktop);
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1"));
        var boxes = Page.Locator("svg.picture g.pnode");
        await Expect(boxes).ToHaveCountAsync(10);

        var cut = await boxes.EvaluateAllAsync<string[]>(
            "gs => gs.filter(g => { const inner = g.querySelector('svg'); return g.querySelector('svg text').getComputedTextLength() > inner.width.baseVal.value; })" +
            ".map(g => g.querySelector('svg text').textContent)");
        Assert.That(cut, Is.Empty, "names cut by their boxes");
        await ScreenshotAsync($"picture-{width}");
    }

    [Test]
    public async Task A_catalogs_own_kinds_fill_the_kind_filter_and_rows_that_share_a_name_show_their_ids()
    {
        using var imported = await Server.Client.PostAsync("/v1/graphs/catalog/imports?format=backstage",
            new StringContent(Catalog, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.That(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());

        await Page.GotoAsync(Url("/graphs/catalog"));
        var kinds = Page.GetByLabel("Kind").Locator("option");
        await Expect(kinds).ToHaveTextAsync(["Any kind", "service (2)", "api (1)", "resource (1)"]);
        await Page.GetByLabel("Kind").SelectOptionAsync("api");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(Page.Locator("section", new() { HasText = "Find a node" }).Locator("tbody tr")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("petstore-api")]);

        var petstores = Page.Locator("section", new() { HasText = "Most critical" }).Locator("tbody th", new() { HasText = "petstore" })
            .Filter(new() { HasNotText = "petstore-" });
        await Expect(petstores).ToHaveCountAsync(2);
        await Expect(petstores).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("component:"), new System.Text.RegularExpressions.Regex("component:")]);
        Assert.That((await petstores.AllTextContentsAsync()).Distinct().Count(), Is.EqualTo(2), "each shows its own id");
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await ScreenshotAsync("graph-of-imported-kinds");
    }

    [Test]
    public async Task A_name_with_a_right_to_left_override_stays_inside_itself_in_the_explanation()
    {
        using var put = await Server.Client.PutAsync("/v1/graphs/bidi", ApiServer.Json("""
            {"nodes": [{"id": "region", "kind": "supplier", "name": "\u202eRegion"}, {"id": "shop", "kind": "customer", "name": "The shop"}],
             "dependencies": [{"from": "shop", "to": "region"}]}
            """));
        Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        await Page.GotoAsync(Url("/graphs/bidi/impact?outage=region"));
        await Page.Locator("table.affected tbody").GetByRole(AriaRole.Button, new() { Name = "Explain The shop" }).ClickAsync();
        var words = Page.Locator("#explain .chain-words");
        await Expect(words).ToHaveTextAsync("The shop is down because it depends on \u202eRegion, which is down.");

        // Each name is isolated: the override ends with its bdi, so the words after it keep their direction.
        Assert.That(await words.Locator("bdi").AllTextContentsAsync(), Is.EqualTo(new[] { "The shop", "\u202eRegion" }));
        Assert.That(await words.Locator("bdi").Last.EvaluateAsync<string>("e => getComputedStyle(e).unicodeBidi"), Is.EqualTo("isolate"));
    }
}
