using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// One graph's slow suppliers and hanging receivers must not hold back another graph: 40 watches of a page that
/// answers after 9 s and 12 webhooks to a receiver that never answers, beside another graph whose one watch and one
/// webhook keep their cadence. Before each item had a lane of its own, the healthy webhook waited 120 s and the
/// healthy watch a minute.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class FairnessTests(string store)
{
    private const string Graph = """
        nodes:
          - {id: acme-compute, kind: supplier, name: Acme Cloud compute}
          - {id: psp, kind: supplier}
          - {id: shop-api, kind: service}
        dependencies:
          - {from: shop-api, to: acme-compute}
          - {from: shop-api, to: psp}
        """;

    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(125);

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_graph_of_slow_watches_and_hanging_webhooks_leaves_another_graphs_cadence_alone()
    {
        using var data = new TempFolder();
        var settings = await ApiStores.SettingsAsync(store, data.Path, samples: false);
        settings["ImpactMap:Watches:MinInterval"] = "00:00:00.5";
        settings["ImpactMap:Watches:AllowPrivateTargets"] = "true";
        settings["ImpactMap:Webhooks:AllowPrivateTargets"] = "true";
        await using var server = await ApiServer.StartAsync(settings);
        await using var slowPage = await StandInStatuspage.StartAsync();
        await using var healthyPage = await StandInStatuspage.StartAsync();
        await using var hanging = await WebhookReceiver.StartAsync();
        await using var healthy = await WebhookReceiver.StartAsync();
        slowPage.Serve("operational");
        slowPage.Delay = TimeSpan.FromSeconds(9);
        healthyPage.Serve("operational");
        hanging.Hanging = true;
        var client = server.Client;

        var noisy = await NewGraphAsync(client);
        var quiet = await NewGraphAsync(client);
        for (var i = 0; i < 40; i++)
        {
            await WatchAsync(client, noisy, $"slow{i}", slowPage, "PT1S");
        }

        for (var i = 0; i < 12; i++)
        {
            hanging.Secret = await SubscribeAsync(client, noisy, hanging);
        }

        await WatchAsync(client, quiet, "acme", healthyPage, "PT2S");
        healthy.Secret = await SubscribeAsync(client, quiet, healthy);
        // Twelve hanging deliveries, and forty polls that take 9 s each, from here on.
        var opened = await client.PostAsync($"/v1/graphs/{noisy}/incidents", ApiServer.Json("""{"title": "PSP down", "outages": [{"node": "psp", "state": "down"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var sent = new List<(string Message, DateTimeOffset At)>();
        var watching = DateTimeOffset.UtcNow;
        var incident = await OpenAsync(client, quiet);
        for (var i = 0; i < 10; i++)
        {
            var message = $"update {i}";
            var update = await client.PostAsync($"/v1/graphs/{quiet}/incidents/{incident}/updates", ApiServer.Json(JsonSerializer.Serialize(new { status = "identified", message })));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), await update.Content.ReadAsStringAsync());
            sent.Add((message, DateTimeOffset.UtcNow));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        await Poll.UntilAsync(() => Task.FromResult(healthy.Unique.Count >= 11), "every event of the quiet graph arrives", TimeSpan.FromSeconds(30));
        var polls = healthyPage.PollTimes.Where(t => t > watching).ToList();
        var arrivals = healthy.Unique.Where(u => u.Value.GetProperty("data").TryGetProperty("message", out _))
            .ToDictionary(u => u.Value.GetProperty("data").GetProperty("message").GetString()!, u => healthy.ArrivedAt[u.Key]);

        // The noisy graph's own lanes are full all along: its slow items wait for each other, not the quiet graph.
        Assert.That(hanging.Received, Is.GreaterThanOrEqualTo(ImpactMap.Api.Webhooks.WebhookDispatcher.LanesPerGraph), "the noisy graph's receiver is kept waiting");
        Assert.That(slowPage.Polls, Is.GreaterThanOrEqualTo(2 * ImpactMap.Api.Watches.WatchPoller.LanesPerGraph), "the slow watches are polled");
        var gaps = polls.Zip(polls.Skip(1), (a, b) => b - a).ToList();
        Assert.That(gaps, Has.Count.GreaterThanOrEqualTo(8), "the quiet graph's watch was polled all along");
        Assert.That(gaps.Average(g => g.TotalSeconds), Is.LessThanOrEqualTo(1.1 * (WatchInterval + Tick).TotalSeconds), $"its cadence, gaps {string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("F2")))}");
        var latencies = sent.Select(s => arrivals[s.Message] - s.At).ToList();
        // Delivery follows the event within the dispatcher's half-second round; a stall behind the noisy graph took 120 s.
        Assert.That(latencies.Max(), Is.LessThan(TimeSpan.FromSeconds(2)), $"latencies {string.Join(", ", latencies.Select(l => l.TotalSeconds.ToString("F2")))}");
    }

    private static async Task<string> NewGraphAsync(HttpClient client)
    {
        var name = "f-" + Guid.NewGuid().ToString("N")[..10];
        Assert.That((await client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(Graph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return name;
    }

    private static async Task WatchAsync(HttpClient client, string graph, string id, StandInStatuspage page, string interval)
    {
        var put = await client.PutAsync($"/v1/graphs/{graph}/watches/{id}", ApiServer.Json(JsonSerializer.Serialize(new
        {
            url = page.Address.ToString(),
            interval,
            components = new[] { new { component = "Compute eu-west", node = "acme-compute" } },
        })));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
    }

    private static async Task<string> SubscribeAsync(HttpClient client, string graph, WebhookReceiver receiver)
    {
        var created = await client.PostAsync($"/v1/graphs/{graph}/webhooks",
            ApiServer.Json(JsonSerializer.Serialize(new { url = receiver.Address.ToString(), events = new[] { "incident.opened", "incident.updated" } })));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    private static async Task<string> OpenAsync(HttpClient client, string graph)
    {
        var opened = await client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "PSP down", "outages": [{"node": "psp", "state": "down"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
