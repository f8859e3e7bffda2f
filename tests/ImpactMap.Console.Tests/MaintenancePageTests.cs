using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>The maintenance view: windows ahead with their conflicts, a check before scheduling, the letters.</summary>
public sealed class MaintenancePageTests : SampleServiceTestBase
{
    private async Task<JsonElement> Send(HttpMethod method, string path, object body)
    {
        using var response = await Server.Client.SendAsync(new HttpRequestMessage(method, path) { Content = ApiServer.Json(JsonSerializer.Serialize(body)) });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task Two_overlapping_windows_on_the_alternatives_of_a_group_are_shown_with_their_conflict_and_a_check_names_it_before_scheduling()
    {
        var document = await Server.Client.GetStringAsync("/v1/graphs/cloud-region");
        using (var put = await Server.Client.PutAsync("/v1/graphs/planned", ApiServer.Json(document)))
        {
            Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        // PaymentsHub runs on eu-west-1 with eu-central-1 as its alternative: each drain alone leaves it on its last fallback.
        var sunday = DateTimeOffset.UtcNow.Date.AddDays(7).AddHours(2);
        await Send(HttpMethod.Put, "/v1/graphs/planned/maintenances/west-drain", new
        {
            title = "eu-west-1 drained", outages = new[] { new { node = "aws-eu-west-1" } }, window = new { start = sunday, end = sunday.AddHours(2) }, notify = true,
        });
        var central = await Send(HttpMethod.Put, "/v1/graphs/planned/maintenances/central-upgrade", new
        {
            title = "eu-central-1 upgrade", outages = new[] { new { node = "aws-eu-central-1" } }, window = new { start = sunday.AddHours(1), end = sunday.AddHours(3) },
        });
        Assert.That(central.GetProperty("conflicts").GetArrayLength(), Is.EqualTo(1), "the data holds the conflict the page is to show");

        await Page.GotoAsync(Url("/graphs/planned/maintenances"));

        await Expect(Page.Locator("p.conflict-summary")).ToHaveTextAsync("2 window(s) ahead; 2 conflict(s) to resolve.");
        var west = Page.Locator("article[data-id='west-drain']");
        await Expect(west.Locator("li.conflict")).ToContainTextAsync("window eu-central-1 upgrade");
        await Expect(west.Locator("li.conflict")).ToContainTextAsync("PaymentsHub (SaaS processor)");
        await Expect(Page.Locator("article[data-id='central-upgrade'] li.conflict")).ToContainTextAsync("window eu-west-1 drained");
        await west.Locator("details.letters summary").ClickAsync();
        await Expect(west.Locator("details.letters details.notice").First).ToContainTextAsync("Planned maintenance that affects you: eu-west-1 drained");
        await ScreenshotAsync("maintenance-conflict");

        // A third window checked before it is scheduled: the form names its conflict and stores nothing.
        await Page.GetByLabel("Id").FillAsync("another-drain");
        await Page.GetByLabel("Title").FillAsync("eu-central-1 again");
        await Page.GetByLabel("Node taken out").FillAsync("aws-eu-central-1");
        await Page.GetByLabel("Start (UTC)").FillAsync(sunday.ToString("yyyy-MM-dd'T'HH:mm"));
        await Page.GetByLabel("End (UTC)").FillAsync(sunday.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Check for conflicts" }).ClickAsync();
        await Expect(Page.Locator("form [role=status]")).ToContainTextAsync("Checked, not stored.");
        await Expect(Page.Locator("form li.conflict").First).ToContainTextAsync("eu-west-1 drained");
        var stored = await Server.Client.GetFromJsonAsync<JsonElement>("/v1/graphs/planned/maintenances");
        Assert.That(stored.GetArrayLength(), Is.EqualTo(2));

        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel this window" }).Nth(1).ClickAsync();
        await Expect(Page.Locator("p.conflict-summary, p.muted[role=status]").First).ToHaveTextAsync("1 window(s) ahead; no conflicts.");
        await ScreenshotAsync("maintenance-after-cancel");
    }
}
