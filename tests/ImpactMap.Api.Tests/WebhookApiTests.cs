using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Webhooks to a receiver on loopback that verifies every signature, on each store.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class WebhookApiTests(string store)
{
    private const string Graph = """
        nodes:
          - {id: psp, kind: supplier, name: Payment provider}
          - {id: checkout, kind: service, name: Checkout}
          - {id: shoppers, kind: customer, name: Shoppers, attributes: {contact: shoppers@shop.example}}
        dependencies:
          - {from: checkout, to: psp}
          - {from: shoppers, to: checkout}
        """;

    private TempFolder _data = null!;
    private Dictionary<string, string> _settings = null!;
    private ApiServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _data = new TempFolder();
        _settings = await ApiStores.SettingsAsync(store, _data.Path, samples: false);
        _settings["ImpactMap:Webhooks:AllowPrivateTargets"] = "true";
        _settings["ImpactMap:Webhooks:RetryFor"] = "00:00:04";
        _server = await ApiServer.StartAsync(_settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [TearDown]
    public void ShowServiceOutputOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(_server.Diagnosis);
            TestContext.Out.WriteLine(_server.ErrorSummary);
        }
    }

    private HttpClient Client => _server.Client;

    private async Task<string> NewGraphAsync()
    {
        var graph = "h-" + Guid.NewGuid().ToString("N")[..10];
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml(Graph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return graph;
    }

    private async Task<JsonElement> SubscribeAsync(string graph, WebhookReceiver receiver, object body)
    {
        var created = await Client.PostAsync($"/v1/graphs/{graph}/webhooks", ApiServer.Json(JsonSerializer.Serialize(body)));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>();
        receiver.Secret = webhook.GetProperty("secret").GetString();
        return webhook;
    }

    private async Task<string> OpenAsync(string graph)
    {
        var opened = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "PSP down", "outages": [{"node": "psp", "state": "down"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task Eventually(Func<Task<bool>> condition, string what, int seconds = 20) =>
        Poll.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds));

    [Test]
    public async Task Events_arrive_signed_as_the_stream_carries_them_and_the_log_says_so()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var graph = await NewGraphAsync();
        var webhook = await SubscribeAsync(graph, receiver, new { url = receiver.Address.ToString(), events = new[] { "incident.opened", "incident.updated" } });
        var id = webhook.GetProperty("id").GetString();

        var incident = await OpenAsync(graph);
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{incident}/updates", ApiServer.Json("""{"status": "identified", "message": "The PSP's API gateway rejects TLS."}"""));
        await Eventually(() => Task.FromResult(receiver.Unique.Count == 2), "both events arrive");

        var bodies = receiver.Unique.Values.OrderBy(b => b.GetProperty("id").GetInt64()).ToList();
        Assert.That(receiver.BadSignatures, Is.Zero);
        Assert.That(webhook.GetProperty("secret").GetString(), Does.StartWith("whsec_"));
        Assert.That(bodies.Select(b => b.GetProperty("type").GetString()), Is.EqualTo(new[] { "incident.opened", "incident.updated" }));
        Assert.That(bodies[0].GetProperty("data").GetProperty("id").GetString(), Is.EqualTo(incident));
        Assert.That(bodies[1].GetProperty("data").GetProperty("message").GetString(), Is.EqualTo("The PSP's API gateway rejects TLS."));
        Assert.That(bodies.Select(b => b.GetProperty("graph").GetString()), Has.All.EqualTo(graph));

        var got = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}");
        Assert.That(got.TryGetProperty("secret", out _), Is.False, "the secret is shown once");
        await Eventually(async () => (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}/deliveries"))
            .GetProperty("items").EnumerateArray().Count(d => d.GetProperty("status").GetString() == "delivered") == 2, "the log has both");
        var log = (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}/deliveries")).GetProperty("items");
        Assert.That(log.EnumerateArray().Select(d => d.GetProperty("webhookId").GetString()), Is.EquivalentTo(receiver.Unique.Keys));
        Assert.That(log.EnumerateArray().Select(d => d.GetProperty("lastStatus").GetInt32()), Has.All.EqualTo(204));
    }

    [Test]
    public async Task A_subscription_naming_nodes_gets_each_partys_own_notice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var graph = await NewGraphAsync();
        await SubscribeAsync(graph, receiver, new { url = receiver.Address.ToString(), events = new[] { "incident.opened" }, nodes = new[] { "shoppers" } });

        await OpenAsync(graph);
        await Eventually(() => Task.FromResult(receiver.Unique.Count == 1), "the shoppers' notice arrives");

        var body = receiver.Unique.Values.Single();
        Assert.That(body.GetProperty("type").GetString(), Is.EqualTo("notice"));
        Assert.That(body.GetProperty("event").GetString(), Is.EqualTo("incident.opened"));
        var notice = body.GetProperty("notice");
        Assert.That(notice.GetProperty("node").GetString(), Is.EqualTo("shoppers"));
        Assert.That(notice.GetProperty("state").GetString(), Is.EqualTo("down"));
        Assert.That(notice.GetProperty("to").GetString(), Does.Contain("shoppers@shop.example"));
        Assert.That(notice.GetProperty("message").GetString(), Does.StartWith("Dear Shoppers,").And.Contain("Payment provider"));
    }

    [Test]
    public async Task A_party_named_by_a_subscription_gets_the_planned_letter_of_a_window_with_notify_and_nothing_of_one_without()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var graph = await NewGraphAsync();
        await SubscribeAsync(graph, receiver, new { url = receiver.Address.ToString(), events = new[] { "maintenance.scheduled" }, nodes = new[] { "shoppers" } });
        var start = DateTimeOffset.UtcNow.AddDays(3);
        foreach (var (id, notify) in new[] { ("quiet", false), ("told", true) })
        {
            var put = await Client.PutAsync($"/v1/graphs/{graph}/maintenances/{id}", ApiServer.Json(JsonSerializer.Serialize(new
            {
                title = $"PSP upgrade {id}", outages = new[] { new { node = "psp" } }, window = new { start, end = start.AddHours(1) }, notify,
            })));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        }

        await Eventually(() => Task.FromResult(receiver.Unique.Count == 1), "the shoppers' planned letter arrives");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var body = receiver.Unique.Values.Single();
        Assert.That((body.GetProperty("event").GetString(), body.GetProperty("maintenance").GetString()), Is.EqualTo(("maintenance.scheduled", "told")));
        var notice = body.GetProperty("notice");
        Assert.That((notice.GetProperty("node").GetString(), notice.GetProperty("phase").GetString()), Is.EqualTo(("shoppers", "planned")));
        Assert.That(notice.GetProperty("subject").GetString(), Is.EqualTo("Planned maintenance that affects you: PSP upgrade told"));
        Assert.That(receiver.BadSignatures, Is.Zero);
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_failing_receiver_is_retried_then_given_up_and_the_subscription_marked_failing_until_it_takes_deliveries_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Failing = true;
        var graph = await NewGraphAsync();
        var id = (await SubscribeAsync(graph, receiver, new { url = receiver.Address.ToString(), events = new[] { "incident.opened", "incident.updated" } }))
            .GetProperty("id").GetString();

        var incident = await OpenAsync(graph);
        await Eventually(async () => (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}")).GetProperty("failing").GetBoolean(),
            "given up after RetryFor (4 s)");
        var failed = (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}/deliveries")).GetProperty("items")[0];
        Assert.That(failed.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(failed.GetProperty("attempts").GetInt32(), Is.GreaterThan(1), "retried before giving up");
        Assert.That(failed.GetProperty("lastStatus").GetInt32(), Is.EqualTo(500));
        Assert.That(failed.GetProperty("lastError").GetString(), Does.Contain("500"));

        receiver.Failing = false;
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{incident}/updates", ApiServer.Json("""{"status": "monitoring", "message": "Fallback PSP live."}"""));
        await Eventually(() => Task.FromResult(receiver.Unique.Count == 1), "the next event arrives");
        await Eventually(async () => !(await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks/{id}")).GetProperty("failing").GetBoolean(),
            "no longer failing");
        Assert.That(receiver.BadSignatures, Is.Zero);
    }

    [Test]
    public async Task Bad_subscriptions_are_refused_naming_each_problem_and_an_unknown_one_is_404()
    {
        var graph = await NewGraphAsync();
        var response = await Client.PostAsync($"/v1/graphs/{graph}/webhooks", ApiServer.Json(
            """{"url": "file:///etc/passwd", "events": ["incident.exploded"], "nodes": ["ghost"], "secret": "short"}"""));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()),
            Is.EquivalentTo(new[] { "url", "events[0]", "nodes[0]", "secret" }));
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/webhooks")).GetArrayLength(), Is.Zero);
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}/webhooks/wh-nothing/deliveries")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}/webhooks/wh-nothing")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task Killed_three_times_during_a_burst_of_1000_events_every_event_arrives_signed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var graph = await NewGraphAsync();
        await SubscribeAsync(graph, receiver, new { url = receiver.Address.ToString(), events = new[] { "incident.updated" } });
        var incidents = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            incidents.Add(await OpenAsync(graph));
        }

        var acknowledged = new ConcurrentBag<string>();
        var server = _server;
        var restarting = new SemaphoreSlim(1, 1);
        async Task Post(string incident, int n)
        {
            var message = $"{incident} update {n}";
            var key = Guid.NewGuid().ToString();
            while (true)
            {
                var current = Volatile.Read(ref server);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/graphs/{graph}/incidents/{incident}/updates")
                    {
                        Content = ApiServer.Json(JsonSerializer.Serialize(new { status = "identified", message })),
                    };
                    request.Headers.Add("Idempotency-Key", key);
                    var response = await current.Client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(message);
                        return;
                    }

                    if ((int)response.StatusCode != 503)
                    {
                        // Written out as well: CI keeps only the tail of the log, where the assertion's message is cut.
                        TestContext.Out.WriteLine($"{(int)response.StatusCode} from the instance at {current.Address}: {current.ErrorSummary}");
                    }

                    Assert.That((int)response.StatusCode, Is.EqualTo(503), $"{current.ErrorSummary}\n{await response.Content.ReadAsStringAsync()}\n{current.Diagnosis}");
                }
                catch (HttpRequestException)
                {
                    // Killed under it: the same Idempotency-Key again, on the instance that follows.
                }

                await Task.Delay(50);
            }
        }

        var writers = incidents.Select(incident => Task.Run(async () =>
        {
            for (var n = 0; n < 100; n++)
            {
                await Post(incident, n);
            }
        })).ToList();
        foreach (var at in new[] { 250, 500, 750 })
        {
            while (acknowledged.Count < at)
            {
                await Task.Delay(5);
            }

            await restarting.WaitAsync();
            await server.KillAsync();
            Volatile.Write(ref server, await ApiServer.StartAsync(_settings));
            // The teardown shows the instance that is running, not the one killed.
            _server = server;
            restarting.Release();
        }

        await Task.WhenAll(writers);
        var expected = acknowledged.ToHashSet();
        await Eventually(() => Task.FromResult(expected.IsSubsetOf(receiver.Unique.Values.Select(b => b.GetProperty("data").GetProperty("message").GetString()!))),
            "every acknowledged update's event arrives", seconds: 120);

        TestContext.Out.WriteLine($"{expected.Count} events acknowledged, {receiver.Received} deliveries received, {receiver.Unique.Count} unique webhook-ids");
        Assert.That(expected, Has.Count.EqualTo(1000));
        foreach (var incident in incidents)
        {
            var stored = await server.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{incident}");
            var messages = stored.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("message").GetString()).ToList();
            Assert.That(messages, Has.Count.EqualTo(100).And.Unique,
                $"{incident}: a retry after a kill between storing an update and keeping its answer finds the update and does not post it again");
        }

        Assert.That(receiver.BadSignatures, Is.Zero);
        Assert.That(receiver.Unique.Values.Select(b => b.GetProperty("id").GetInt64()), Is.Unique, "one webhook-id per event");
    }
}
