using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImpactMap.Console.Tests;

/// <summary>
/// The console's view across organisations: a graph follows another graph's status page on the same service
/// (healthy), and a page that cannot be reached (unhealthy); its webhook to a closed port shows its retries.
/// </summary>
public sealed class StatusPageTests : SampleServiceTestBase
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["ImpactMap:Watches:MinInterval"] = "00:00:00.5",
        ["ImpactMap:Watches:AllowPrivateTargets"] = "true",
        ["ImpactMap:Watches:Timeout"] = "00:00:02",
        ["ImpactMap:Webhooks:AllowPrivateTargets"] = "true",
    };

    private async Task Send(HttpMethod method, string path, string json)
    {
        using var response = await Server.Client.SendAsync(new HttpRequestMessage(method, path) { Content = ApiServer.Json(json) });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Watches_show_their_health_and_incident_and_a_webhook_its_delivery_log()
    {
        await Send(HttpMethod.Put, "/v1/graphs/cloud-region/status-page", """{"name": "Cloud region status", "components": ["aws-eu-west-1"], "public": true}""");
        await Send(HttpMethod.Put, "/v1/graphs/follower", """
            {"nodes": [{"id": "aws", "kind": "supplier", "name": "AWS eu-west-1"}, {"id": "app", "kind": "service", "name": "Our app"}],
             "dependencies": [{"from": "app", "to": "aws"}]}
            """);
        await Send(HttpMethod.Put, "/v1/graphs/follower/watches/aws", JsonSerializer.Serialize(new
        {
            url = new Uri(Server.Address, "/v1/graphs/cloud-region/status").ToString(), interval = "PT1S",
            components = new[] { new { component = "aws-eu-west-1", node = "aws" } },
        }));
        await Send(HttpMethod.Put, "/v1/graphs/follower/watches/crm", """
            {"url": "http://127.0.0.1:1/status", "interval": "PT1S", "components": [{"component": "CRM", "node": "app"}]}
            """);
        await Send(HttpMethod.Post, "/v1/graphs/follower/webhooks", """{"url": "http://127.0.0.1:1/hook", "events": ["incident.opened", "incident.updated"]}""");
        await Send(HttpMethod.Post, "/v1/graphs/cloud-region/incidents", """{"title": "eu-west-1 down", "outages": [{"node": "aws-eu-west-1"}]}""");

        var (refused, refreshes) = (new List<string>(), 0);
        Page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                refused.Add($"{response.Status} {response.Url}");
            }
        };
        Page.Request += (_, request) => refreshes += request.Url.EndsWith("/follower/watches", StringComparison.Ordinal) ? 1 : 0;
        await Page.GotoAsync(Url("/graphs/follower/status"));
        await Expect(Page.Locator("main h1")).ToHaveTextAsync("Status across organisations: follower");
        var aws = Page.Locator("#watches tr[data-watch='aws']");
        var crm = Page.Locator("#watches tr[data-watch='crm']");
        // The page reads itself again every 5 s: the follower's incident and the failing poll show up by themselves.
        // A poll keeps the incident it opened before it records its success, so a refresh can fall between the two.
        await Expect(aws).ToContainTextAsync("● Healthy", new() { Timeout = 20_000 });
        await Expect(aws.Locator("td").Nth(5)).ToContainTextAsync("w-aws-", new() { Timeout = 20_000 });
        await Expect(aws).ToContainTextAsync("Cloud region status");
        await Expect(crm).ToContainTextAsync("▲ Unhealthy", new() { Timeout = 20_000 });
        await Expect(crm).ToContainTextAsync("could not be reached");
        await Expect(Page.Locator("section", new() { HasText = "Our status page" })).ToContainTextAsync("This graph publishes no status page.");

        var hook = Page.Locator("section[data-webhook]");
        await hook.GetByRole(AriaRole.Button, new() { Name = "Show the delivery log" }).ClickAsync();
        var delivery = hook.Locator("table.deliveries tbody tr", new() { HasText = "incident.opened" });
        await Expect(delivery).ToHaveCountAsync(1);
        await Expect(delivery).ToContainTextAsync("○ Pending");
        // Queued and attempted are two steps: a refresh (every 5 s) may fall between them.
        await Expect(delivery.Locator("td").Nth(3)).Not.ToHaveTextAsync("", new() { Timeout = 15_000 });
        Assert.That(int.Parse(await delivery.Locator("td").Nth(2).TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(1),
            "attempted, and to be retried");
        await Expect(hook.GetByRole(AriaRole.Button, new() { Name = "Hide the delivery log" })).ToHaveAttributeAsync("aria-expanded", "true");
        await ScreenshotAsync("status-across-organisations");
        await Poll.UntilAsync(() => Task.FromResult(refreshes >= 2), "the view refreshed itself", TimeSpan.FromSeconds(15));
        Assert.That(refused, Is.Empty, "an unpublished page is no 404 in the browser's log, at any refresh");

        await Page.GotoAsync(Url("/graphs/cloud-region/status"));
        var published = Page.Locator("section", new() { HasText = "Our status page" });
        await Expect(published).ToContainTextAsync("Cloud region status");
        await Expect(published).ToContainTextAsync("anyone, without a key");
        await Expect(published.GetByRole(AriaRole.Link, new() { Name = "summary.json" }))
            .ToHaveAttributeAsync("href", "/v1/graphs/cloud-region/status/api/v2/summary.json");
        await Expect(Page.Locator("section", new() { HasText = "Suppliers we follow" })).ToContainTextAsync("This graph follows no supplier's status page.");
    }
}
