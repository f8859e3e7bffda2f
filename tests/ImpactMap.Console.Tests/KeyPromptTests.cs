using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

public sealed class KeyPromptTests : SampleServiceTestBase
{
    private const string ReaderKey = "reader-key-for-the-console-tests";
    private const string EditorKey = "editor-key-for-the-console-tests";

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["ImpactMap:ApiKeys:0:Id"] = "duty-reader",
        ["ImpactMap:ApiKeys:0:Sha256"] = Hash(ReaderKey),
        ["ImpactMap:ApiKeys:0:Role"] = "reader",
        ["ImpactMap:ApiKeys:1:Id"] = "duty-editor",
        ["ImpactMap:ApiKeys:1:Sha256"] = Hash(EditorKey),
        ["ImpactMap:ApiKeys:1:Role"] = "editor",
    };

    [Test]
    public async Task The_console_loads_without_a_key_but_its_data_needs_one()
    {
        using var page = await Server.Client.GetAsync("/graphs/cloud-region/impact?outage=aws-eu-west-1");
        using var script = await Server.Client.GetAsync("/console/app.js");
        using var data = await Server.Client.GetAsync("/v1/graphs");
        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(data.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task A_reader_key_is_asked_for_kept_in_the_tab_only_and_sees_no_editing_actions()
    {
        var urls = new List<string>();
        Page.Request += (_, request) => urls.Add(request.Url);
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1"));
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("This ImpactMap needs an API key");

        await Page.GetByLabel("API key").FillAsync("not-a-key-anyone-has");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Expect(Page.Locator("#api-key-problem")).ToHaveTextAsync("That API key is not known. Check it and try again.");

        await Page.GetByLabel("API key").FillAsync(ReaderKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        // The deep link the user came by, now with its data.
        await Expect(Page.Locator(".count.total .count-value")).ToHaveTextAsync("9");
        await Expect(Page.Locator("#who")).ToContainTextAsync("Key duty-reader · reader");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Open the incident" })).ToHaveCountAsync(0);

        using var open = new HttpRequestMessage(HttpMethod.Post, "/v1/graphs/cloud-region/incidents")
        {
            Content = ImpactMap.Tests.Shared.ApiServer.Json("""{"title":"Seen by a reader","outages":[{"node":"crm-cloud"}]}"""),
            Headers = { { "X-Api-Key", EditorKey } },
        };
        using var opened = await Server.Client.SendAsync(open);
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Page.GotoAsync(Url("/graphs/cloud-region/incidents"));
        await Expect(Page.Locator("p.live")).ToHaveAttributeAsync("data-health", "live");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Seen by a reader" }).ClickAsync();
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("Seen by a reader");
        await Expect(Page.Locator("details.notice").First).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Post the update" })).ToHaveCountAsync(0);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Page.EvaluateAsync<string>("sessionStorage.getItem('impactmap.apiKey')"), Is.EqualTo(ReaderKey));
            Assert.That(await Page.EvaluateAsync<int>("localStorage.length"), Is.Zero);
            Assert.That(urls.Where(u => u.Contains(ReaderKey, StringComparison.Ordinal)), Is.Empty, "the key never goes into a URL");
            Assert.That(urls, Has.Some.Contains("/v1/graphs/cloud-region/events"), "the live stream was read with the key");
        });
    }

    [Test]
    public async Task An_editor_key_may_open_an_incident_and_signing_out_asks_again()
    {
        await Page.GotoAsync(Url("/"));
        await Page.GetByLabel("API key").FillAsync(EditorKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("Graphs");
        await Expect(Page.Locator("#who")).ToContainTextAsync("Key duty-editor · editor");

        await Page.GetByRole(AriaRole.Link, new() { Name = "cloud-region" }).First.ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Blast radius" }).First.ClickAsync();
        await Page.GetByLabel("Node id").FillAsync("crm-cloud");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Show the blast radius" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Open the incident" })).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("This ImpactMap needs an API key");
        Assert.That(await Page.EvaluateAsync<string?>("sessionStorage.getItem('impactmap.apiKey')"), Is.Null);
    }

    [Test]
    public async Task A_key_that_may_no_longer_edit_is_told_so_plainly()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=crm-cloud"));
        await Page.GetByLabel("API key").FillAsync(EditorKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Open the incident" })).ToBeVisibleAsync();

        // The key behind the tab changes to one that may only read (as when a key's role is lowered) before the click.
        await Page.EvaluateAsync($"sessionStorage.setItem('impactmap.apiKey', '{ReaderKey}')");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open the incident" }).ClickAsync();

        var problem = Page.Locator("form", new() { HasText = "Open an incident for this outage" }).GetByRole(AriaRole.Alert);
        await Expect(problem).ToContainTextAsync("403 Forbidden");
        await Expect(problem).ToContainTextAsync("Your API key may not do this.");
        await Expect(problem).ToContainTextAsync("Key 'duty-reader' has role reader; this needs editor.");
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
