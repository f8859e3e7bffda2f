using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

public sealed class IncidentPageTests : SampleServiceTestBase
{
    [Test]
    public async Task An_incident_runs_end_to_end_through_the_forms_and_a_vague_review_is_refused_by_its_field()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1"));
        await Page.GetByLabel("Title").FillAsync("eu-west-1 down, opened from the console");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Open the incident" }).ClickAsync();
        // The console moves by pushState: no load event follows, so the wait ends when the address is committed.
        await Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/graphs/cloud-region/incidents/[^/]+$"), new() { WaitUntil = WaitUntilState.Commit });
        var id = Page.Url[(Page.Url.LastIndexOf('/') + 1)..];
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("eu-west-1 down, opened from the console");
        await Expect(Page.Locator(".count.expected .count-value")).ToHaveTextAsync("9");
        // Each party's notice as it will be sent, in text and, on request, Markdown.
        var shoppers = Page.Locator("details.notice", new() { HasText = "Acme's shoppers" });
        await shoppers.Locator("summary").ClickAsync();
        await Expect(shoppers.Locator("pre.letter").First).ToContainTextAsync("Dear Acme's shoppers,");
        await shoppers.GetByRole(AriaRole.Button, new() { Name = "Show as Markdown" }).ClickAsync();
        await Expect(shoppers.Locator("pre.letter").Nth(1)).ToContainTextAsync("Acme's shoppers");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Write the review" })).ToHaveCountAsync(0);

        // The outages change: the CRM vendor fails over, and it is now the KYC service in eu-west-1 that is down.
        await Page.GetByLabel("Status").SelectOptionAsync("identified");
        await Page.GetByLabel("Message").FillAsync("The CRM failed over to another region; KYC stays in eu-west-1.");
        await Page.GetByLabel("The outages changed").CheckAsync();
        await Page.GetByLabel("Node id").FillAsync("kyc-check");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Post the update" }).ClickAsync();
        await Expect(Page.Locator(".timeline")).ToContainTextAsync("Outages now: kyc-check down");
        await Expect(Page.Locator(".timeline .change")).ToContainTextAsync("Recovered: ");
        await Expect(Page.Locator("dl.facts")).ToContainTextAsync("Outages" + "kyc-check down");
        var changed = await Server.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}");
        Assert.That(changed.GetProperty("outages")[0].GetProperty("node").GetString(), Is.EqualTo("kyc-check"));
        await Expect(Page.Locator(".count.expected .count-value")).ToHaveTextAsync(changed.GetProperty("impact").GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture));

        await Page.GetByLabel("Status").SelectOptionAsync("resolved");
        await Page.GetByLabel("Message").FillAsync("Traffic is back on eu-west-1; the CRM answers again.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Post the update" }).ClickAsync();
        await Expect(Page.Locator(".timeline")).ToContainTextAsync("Traffic is back on eu-west-1; the CRM answers again.");
        await Expect(Page.Locator("dl.facts .status")).ToHaveTextAsync("resolved");

        var due = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Page.GetByLabel("What happened").FillAsync("technische storing");
        await Page.GetByLabel("What we learned").FillAsync("Our CRM vendor ran in one availability zone, and our contract did not say so.");
        await Page.GetByLabel("Action", new() { Exact = true }).FillAsync("Require multi-zone hosting in the CRM contract renewal");
        await Page.GetByLabel("Owner").FillAsync("vendor-management");
        await Page.GetByLabel("Due").FillAsync(due);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit the review" }).ClickAsync();
        await Expect(Page.Locator("#review-what-happened-problem")).ToContainTextAsync("'technische storing' names a category, not what happened");
        await Expect(Page.Locator("#review-what-we-learned-problem")).ToBeEmptyAsync();
        await Expect(Page.GetByLabel("What happened")).ToBeFocusedAsync();
        await ScreenshotAsync("incident-review-refused");

        await Page.GetByLabel("What happened").FillAsync(
            "A power failure in zone euw1-az2 stopped the EC2 hosts that ran the CRM and KYC services; the CRM had no second zone.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit the review" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Review (revision 1)" })).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Close the incident" }).ClickAsync();
        await Expect(Page.Locator("dl.facts .status")).ToHaveTextAsync("closed");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Post the update" })).ToHaveCountAsync(0);
        var stored = await Server.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}");
        Assert.That(stored.GetProperty("status").GetString(), Is.EqualTo("closed"));
        Assert.That(stored.GetProperty("review").GetProperty("prevention")[0].GetProperty("due").GetString(), Is.EqualTo(due));
    }

    [Test]
    public async Task The_incident_list_shows_a_new_incident_and_its_update_without_reloading()
    {
        await Page.GotoAsync(Url("/graphs/payment-chain/incidents"));
        await Expect(Page.Locator("p.live")).ToHaveAttributeAsync("data-health", "live");
        await Expect(Page.Locator("p.live")).ToHaveTextAsync("Live: updates appear as they happen");

        using var opened = await Server.Client.PostAsync("/v1/graphs/payment-chain/incidents", ApiServer.Json(
            """{"title":"Card scheme unreachable","outages":[{"node":"visa"}]}"""));
        Assert.That(opened.IsSuccessStatusCode, await opened.Content.ReadAsStringAsync());
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var row = Page.Locator($"tr[data-id='{id}']");
        await Expect(row).ToContainTextAsync("Card scheme unreachable");
        await Expect(row.Locator(".status")).ToHaveTextAsync("investigating");

        using var updated = await Server.Client.PostAsync($"/v1/graphs/payment-chain/incidents/{id}/updates", ApiServer.Json(
            """{"status":"identified","message":"The scheme's gateway refuses our certificate."}"""));
        Assert.That(updated.IsSuccessStatusCode, await updated.Content.ReadAsStringAsync());
        await Expect(row.Locator(".status")).ToHaveTextAsync("identified");
    }

    [Test]
    public async Task A_resolved_incident_is_drawn_as_history_with_the_parties_its_end_spared()
    {
        // A graph of its own (the cloud region's), so that the other tests' incidents on the region are not in its way.
        var document = await Server.Client.GetStringAsync("/v1/graphs/cloud-region");
        using var put = await Server.Client.PutAsync("/v1/graphs/history", ApiServer.Json(document));
        Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        using var opened = await Server.Client.PostAsync("/v1/graphs/history/incidents", ApiServer.Json(System.Text.Json.JsonSerializer.Serialize(new
        {
            title = "eu-west-1 down for ten minutes", outages = new[] { new { node = "aws-eu-west-1", state = "down" } }, startedAt = started,
        })));
        var id = (await opened.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        using var resolved = await Server.Client.PostAsync($"/v1/graphs/history/incidents/{id}/updates",
            ApiServer.Json("""{"status": "resolved", "message": "eu-west-1 is back."}"""));
        Assert.That(resolved.IsSuccessStatusCode, await resolved.Content.ReadAsStringAsync());

        await Page.GotoAsync(Url($"/graphs/history/incidents/{id}"));

        await Expect(Page.Locator("#impact-title")).ToContainTextAsync("Final impact: who the outage reached before it ended");
        var spared = Page.Locator("section", new() { HasText = "Spared by their tolerance" });
        await Expect(spared.Locator("li[data-spared='kyc-check']")).ToContainTextAsync("KYC Check (identity SaaS) would have been down from");
        await Expect(Page.Locator("dl.facts")).ToContainTextAsync("Was affected");
        var downColour = await Page.Locator("section.history .count").First.EvaluateAsync<string>("e => getComputedStyle(e).color");
        var inkColour = await Page.Locator("main h1").EvaluateAsync<string>("e => getComputedStyle(e).color");
        Assert.That(downColour, Is.EqualTo(inkColour), "the counts of an ended incident in neutral ink, not alarm red");
        await ScreenshotAsync("incident-resolved-history");
    }

    [Test]
    public async Task An_open_incident_counts_down_to_the_next_hit_and_shows_who_is_only_expected()
    {
        var document = await Server.Client.GetStringAsync("/v1/graphs/cloud-region");
        using var put = await Server.Client.PutAsync("/v1/graphs/countdown", ApiServer.Json(document));
        Assert.That(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        using var opened = await Server.Client.PostAsync("/v1/graphs/countdown/incidents", ApiServer.Json(JsonSerializer.Serialize(new
        {
            title = "eu-west-1 down", outages = new[] { new { node = "aws-eu-west-1", state = "down" } }, startedAt = started,
        })));
        var incident = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var id = incident.GetProperty("id").GetString();
        var hitNow = incident.GetProperty("impact").GetProperty("counts").GetProperty("down").GetInt32();

        await Page.GotoAsync(Url($"/graphs/countdown/incidents/{id}"));

        var kyc = Page.Locator(".next li[data-next='kyc-check']");
        await Expect(kyc).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"KYC Check \(identity SaaS\) down in (19|20) min \(.* UTC\) unless restored"));
        var before = await kyc.Locator(".remaining").TextContentAsync();
        await Expect(Page.Locator(".count.state-down .count-label")).ToHaveTextAsync("■ Down now");
        await Expect(Page.Locator(".count.state-down .count-value")).ToHaveTextAsync(hitNow.ToString(CultureInfo.InvariantCulture));
        await Expect(Page.Locator("dl.facts")).ToContainTextAsync("Hit if not restored");
        var expectedRow = Page.Locator("tr.expected", new() { HasText = "KYC Check" });
        await Expect(expectedRow).ToContainTextAsync("expected");
        await Expect(Page.Locator("tr:not(.expected)", new() { HasText = "PaymentsHub" })).ToHaveCountAsync(1);
        await ScreenshotAsync("incident-countdown");

        // Seconds before KYC's time: the countdown moves without a reload, and at the hit the row turns live.
        using var soon = await Server.Client.PostAsync("/v1/graphs/countdown/incidents", ApiServer.Json(JsonSerializer.Serialize(new
        {
            title = "eu-west-1 down again", outages = new[] { new { node = "aws-eu-west-1", state = "down" } },
            startedAt = DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(20),
        })));
        var soonId = (await soon.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await Page.GotoAsync(Url($"/graphs/countdown/incidents/{soonId}"));
        var seconds = Page.Locator(".next li[data-next='kyc-check'] .remaining");
        await Expect(seconds).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ s$"));
        var first = await seconds.TextContentAsync();
        await Expect(seconds).Not.ToHaveTextAsync(first!, new() { Timeout = 3_000 });
        await Expect(Page.Locator("tr", new() { HasText = "KYC Check" })).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("expected"), new() { Timeout = 40_000 });
        await Expect(Page.Locator(".next")).ToBeHiddenAsync();
    }

    [Test]
    public async Task A_what_if_with_a_duration_says_how_many_parties_the_duration_spares()
    {
        await Page.GotoAsync(Url("/graphs/cloud-region/impact?outage=aws-eu-west-1&duration=PT20M"));

        var spared = Page.Locator(".count.spared");
        await Expect(spared.Locator(".count-label")).ToHaveTextAsync("Spared by the duration");
        var answer = await (await Server.Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(
            """{"outages": [{"node": "aws-eu-west-1"}], "duration": "PT20M", "limit": 0}"""))).Content.ReadFromJsonAsync<JsonElement>();
        var lasting = await (await Server.Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(
            """{"outages": [{"node": "aws-eu-west-1"}], "limit": 0}"""))).Content.ReadFromJsonAsync<JsonElement>();
        var sparedCount = lasting.GetProperty("total").GetInt32() - answer.GetProperty("total").GetInt32();
        Assert.That(sparedCount, Is.GreaterThan(0), "KYC's 30-minute queue outlasts a 20-minute outage");
        Assert.That(answer.GetProperty("sparedByDuration").GetInt32(), Is.EqualTo(sparedCount));
        await Expect(spared.Locator(".count-value")).ToHaveTextAsync(sparedCount.ToString(CultureInfo.InvariantCulture));
        var list = Page.Locator("section", new() { HasText = "Spared by a duration of PT20M" });
        await Expect(list.Locator("li[data-spared]")).ToHaveCountAsync(sparedCount);
        await Expect(list.Locator("li[data-spared='kyc-check']")).ToContainTextAsync("KYC Check (identity SaaS) would be down after 30 min");
        await ScreenshotAsync("what-if-spared-by-duration");
    }
}
