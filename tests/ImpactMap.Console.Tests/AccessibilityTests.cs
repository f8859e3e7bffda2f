using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>Every page, at 1280x800 and on a 390-pixel phone: an axe-core scan and a screenshot kept as an artifact.</summary>
public sealed class AccessibilityTests : SampleServiceTestBase
{
    private static readonly string[] Blocking = ["serious", "critical"];

    private string _incident = "";

    [OneTimeSetUp]
    public async Task OpenAnIncidentAsync()
    {
        using var opened = await Server.Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(
            """{"title":"eu-west-1 down","outages":[{"node":"aws-eu-west-1"}],"expectedDuration":"PT3H"}"""));
        _incident = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var update = await Server.Client.PostAsync($"/v1/graphs/cloud-region/incidents/{_incident}/updates", ApiServer.Json(
            """{"status":"identified","message":"A power failure in one zone of eu-west-1; the CRM vendor fails over."}"""));
        Assert.That(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
        var sunday = DateTimeOffset.UtcNow.Date.AddDays(7).AddHours(2);
        foreach (var (id, node, start) in new[] { ("west-drain", "aws-eu-west-1", sunday), ("central-upgrade", "aws-eu-central-1", sunday.AddHours(1)) })
        {
            using var planned = await Server.Client.PutAsync($"/v1/graphs/cloud-region/maintenances/{id}", ApiServer.Json(JsonSerializer.Serialize(new
            {
                title = $"{node} work", outages = new[] { new { node } }, window = new { start, end = start.AddHours(2) }, notify = true,
            })));
            Assert.That(planned.IsSuccessStatusCode, await planned.Content.ReadAsStringAsync());
        }
    }

    private IEnumerable<(string Name, string Path)> Pages()
    {
        yield return ("graphs", "/");
        yield return ("graph", "/graphs/cloud-region");
        yield return ("impact", "/graphs/cloud-region/impact?outage=aws-eu-west-1&duration=PT3H");
        yield return ("node", "/graphs/cloud-region/nodes/acme-shoppers");
        yield return ("incidents", "/graphs/cloud-region/incidents");
        yield return ("incident", $"/graphs/cloud-region/incidents/{_incident}");
        yield return ("status", "/graphs/cloud-region/status");
        yield return ("maintenances", "/graphs/cloud-region/maintenances");
    }

    [Test]
    public async Task Every_page_passes_an_axe_scan_on_a_desktop_and_a_phone()
    {
        var failures = new List<string>();
        foreach (var (viewportName, viewport) in new[] { ("desktop", Desktop), ("phone", Phone) })
        {
            await NewPageAsync(viewport);
            foreach (var (name, path) in Pages())
            {
                await Page.GotoAsync(Url(path));
                await Expect(Page.Locator("main h1")).Not.ToHaveTextAsync("");
                await Expect(Page.Locator("main .loading")).ToHaveCountAsync(0);
                if (name == "impact")
                {
                    // Scan the chain panel too, as it is when someone is reading it.
                    await Page.GetByRole(AriaRole.Button, new() { Name = "Explain Acme's shoppers" }).ClickAsync();
                }

                var results = await Page.RunAxe();
                failures.AddRange(results.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v =>
                    $"{viewportName} {path}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
                Assert.That(await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), Is.True,
                    $"{viewportName} {path}: the page scrolls sideways");
                await ScreenshotAsync($"{name}-{viewportName}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task The_page_has_a_favicon_and_a_viewport_and_is_reachable_by_keyboard_alone()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1"));
        await Expect(Page.Locator("link[rel='icon']")).ToHaveAttributeAsync("href", "/console/favicon.svg");
        await Expect(Page.Locator("meta[name='viewport']")).ToHaveAttributeAsync("content", "width=device-width, initial-scale=1");
        using var icon = await Server.Client.GetAsync("/console/favicon.svg");
        Assert.That(icon.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/svg+xml"));

        // Tab from the top reaches the first node of the picture, and Enter explains it.
        await Expect(Page.Locator(".count.total")).ToBeVisibleAsync();
        for (var i = 0; i < 60 && !await Page.EvaluateAsync<bool>("document.activeElement?.classList?.contains('pnode') ?? false"); i++)
        {
            await Page.Keyboard.PressAsync("Tab");
        }

        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("#explain .chain-words")).ToHaveTextAsync("AWS eu-west-1 (Ireland) is where this outage starts: down.");
    }
}
