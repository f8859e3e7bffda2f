using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// Watches follow a stand-in Statuspage server (recorded payloads in the public format, not the real service)
/// and carry its outages into incidents of their own, on each store.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class WatchApiTests(string store)
{
    private const string Graph = """
        nodes:
          - {id: acme-compute, kind: supplier, name: Acme Cloud compute}
          - {id: acme-billing, kind: supplier}
          - {id: shop-api, kind: service, name: Shop API}
          - {id: shoppers, kind: customer, name: Shoppers}
        dependencies:
          - {from: shop-api, to: acme-compute}
          - {from: shoppers, to: shop-api}
        """;

    private TempFolder _data = null!;
    private Dictionary<string, string> _settings = null!;
    private ApiServer _server = null!;
    private StandInStatuspage _supplier = null!;

    private HttpClient Client => _server.Client;

    [OneTimeSetUp]
    public async Task Start()
    {
        _data = new TempFolder();
        _settings = await ApiStores.SettingsAsync(store, _data.Path, samples: false);
        _settings["ImpactMap:Watches:MinInterval"] = "00:00:00.5";
        _settings["ImpactMap:Watches:AllowPrivateTargets"] = "true";
        _settings["ImpactMap:Watches:Timeout"] = "00:00:02";
        _settings["ImpactMap:Watches:MaxBackoff"] = "00:00:01";
        _server = await ApiServer.StartAsync(_settings);
        _supplier = await StandInStatuspage.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        await _supplier.DisposeAsync();
        _data.Dispose();
    }

    [TearDown]
    public void ShowServiceOutputOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine(_server.Diagnosis);
        }
    }

    [SetUp]
    public void ResetSupplier()
    {
        _supplier.Serve("operational");
        _supplier.Behave("normal");
    }

    private async Task<string> NewGraphAsync()
    {
        var name = "w-" + Guid.NewGuid().ToString("N")[..10];
        var put = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(Graph));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return name;
    }

    private async Task<JsonElement> WatchAsync(string graph, string component = "Compute eu-west", string? url = null)
    {
        var put = await Client.PutAsync($"/v1/graphs/{graph}/watches/acme", ApiServer.Json(JsonSerializer.Serialize(new
        {
            url = url ?? _supplier.Address.ToString(),
            interval = "PT0.5S",
            components = new[] { new { component, node = "acme-compute" } },
        })));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        return await put.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> Health(string graph) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/watches/acme")).GetProperty("health");

    private async Task<JsonElement[]> Incidents(string graph) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents")).EnumerateArray().ToArray();

    private static Task Eventually(Func<Task<bool>> condition, string what, int seconds = 20) =>
        Poll.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds));

    private async Task<JsonElement> IncidentOf(string graph) =>
        await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{(await Incidents(graph)).Single().GetProperty("id").GetString()}");

    /// <summary>The operational page with these scheduled maintenances (id, status, from, until), each on Compute eu-west.</summary>
    private static string PageWithMaintenances(params (string Id, string Status, DateTimeOffset From, DateTimeOffset Until)[] maintenances)
    {
        var page = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Statuspage", "operational.json")))!;
        page["scheduled_maintenances"] = new System.Text.Json.Nodes.JsonArray(maintenances.Select(m => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = m.Id, ["name"] = $"Compute upgrade {m.Id}", ["status"] = m.Status, ["impact"] = "maintenance",
            ["scheduled_for"] = m.From.ToString("O"), ["scheduled_until"] = m.Until.ToString("O"),
            ["components"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "8l4ygp009s5s", ["name"] = "Compute eu-west" }),
        }).ToArray());
        return page.ToJsonString();
    }

    private async Task<Dictionary<string, JsonElement>> WindowsOf(string graph) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances")).EnumerateArray().ToDictionary(w => w.GetProperty("id").GetString()!);

    [Test]
    public async Task A_suppliers_announced_maintenance_becomes_our_window_and_follows_it_through_start_end_and_cancellation()
    {
        var graph = await NewGraphAsync();
        var now = DateTimeOffset.UtcNow;
        _supplier.ServeWritten(PageWithMaintenances(("m1", "scheduled", now.AddHours(2), now.AddHours(4)), ("m2", "scheduled", now.AddDays(1), now.AddDays(1).AddHours(2))));
        await WatchAsync(graph);

        await Eventually(async () => (await WindowsOf(graph)).Count == 2, "both announced maintenances become windows");
        var windows = await WindowsOf(graph);
        var first = windows["w-acme-m1"];
        Assert.That((first.GetProperty("title").GetString(), first.GetProperty("status").GetString(), first.GetProperty("origin").GetString(), first.GetProperty("notify").GetBoolean()),
            Is.EqualTo(("Acme Cloud: Compute upgrade m1", "scheduled", "watch:acme", true)));
        Assert.That(first.GetProperty("impact").GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()), Is.EquivalentTo(new[] { "shop-api", "shoppers" }));
        var letters = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/w-acme-m1/notices");
        Assert.That(letters.EnumerateArray().Single(l => l.GetProperty("node").GetString() == "shoppers").GetProperty("subject").GetString(),
            Is.EqualTo("Planned maintenance that affects you: Acme Cloud: Compute upgrade m1"), "our customers hear of it through their own chain before it happens");
        Assert.That(await Incidents(graph), Is.Empty, "announced work is not an incident");

        _supplier.ServeWritten(PageWithMaintenances(("m1", "in_progress", now.AddMinutes(-1), now.AddHours(1)), ("m2", "scheduled", now.AddDays(1), now.AddDays(1).AddHours(2))));
        await Eventually(async () => (await WindowsOf(graph))["w-acme-m1"].GetProperty("status").GetString() == "in-progress", "started early upstream, ours follows");

        _supplier.ServeWritten(PageWithMaintenances(("m2", "scheduled", now.AddDays(1), now.AddDays(1).AddHours(2))));
        await Eventually(async () => (await WindowsOf(graph))["w-acme-m1"].GetProperty("status").GetString() == "completed", "completed upstream: ours ends now");

        _supplier.ServeWritten(PageWithMaintenances());
        await Eventually(async () => (await WindowsOf(graph))["w-acme-m2"].GetProperty("status").GetString() == "cancelled", "no longer announced before it began: cancelled");
        var pollsAfter = _supplier.Polls;
        await Eventually(async () => _supplier.Polls > pollsAfter + 3, "polling goes on");
        Assert.That((await WindowsOf(graph)).Count, Is.EqualTo(2), "followed, never duplicated");
    }

    [Test]
    public async Task A_suppliers_outage_opens_one_incident_carries_its_words_follows_its_status_and_resolves()
    {
        var graph = await NewGraphAsync();
        await WatchAsync(graph);
        await Eventually(async () => (await Health(graph)).GetProperty("status").GetString() == "healthy", "the watch polls the operational page");
        Assert.That(await Incidents(graph), Is.Empty, "all operational: nothing to open");
        Assert.That((await Health(graph)).GetProperty("pageName").GetString(), Is.EqualTo("Acme Cloud"));

        _supplier.Serve("partial-outage");
        await Eventually(async () => (await Incidents(graph)).Length == 1, "an incident opens");
        var opened = await IncidentOf(graph);
        Assert.That(opened.GetProperty("title").GetString(), Is.EqualTo("Acme Cloud: Elevated error rates in eu-west"));
        Assert.That(opened.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.Parse("2026-11-30T05:00:00Z")), "the supplier's start");
        Assert.That(opened.GetProperty("outages").GetRawText(), Is.EqualTo("""[{"node":"acme-compute","state":"degraded"}]"""));
        Assert.That(opened.GetProperty("impact").GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()),
            Is.EquivalentTo(new[] { "shop-api", "shoppers" }));
        Assert.That((await Health(graph)).GetProperty("status").GetString(), Is.EqualTo("healthy"));

        _supplier.Serve("major-outage");
        await Eventually(async () => (await IncidentOf(graph)).GetProperty("outages")[0].GetProperty("state").GetString() == "down", "the outage worsens");
        _supplier.Serve("maintenance");
        await Eventually(async () => (await IncidentOf(graph)).GetProperty("status").GetString() == "monitoring", "the supplier's monitoring update");
        _supplier.Serve("recovery");
        await Eventually(async () => (await IncidentOf(graph)).GetProperty("status").GetString() == "resolved", "every component operational again");
        var pollsAfterResolving = _supplier.Polls;
        await Eventually(async () => _supplier.Polls > pollsAfterResolving + 3, "polling goes on");

        var incident = await IncidentOf(graph);
        var messages = incident.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("message").GetString()!).ToList();
        Assert.That((await Incidents(graph)).Length, Is.EqualTo(1), "one incident for one supplier incident, however often polled");
        Assert.That(messages, Is.Unique);
        Assert.That(messages.Count(m => m.Contains("\u201cWe are investigating elevated error rates for instances in eu-west.\u201d", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(messages, Has.Some.Contains("Acme Cloud wrote at 2026-11-30 05:20 UTC (identified, on \"Elevated error rates in eu-west\"): \u201cA failed network switch"));
        Assert.That(messages, Has.Some.Contains("\u201cTraffic has moved; error rates are back to normal. We are monitoring.\u201d"));
        Assert.That(messages, Has.Some.Contains("\u201cThe switch was replaced and all zones serve traffic again. A postmortem will follow.\u201d"),
            "the supplier's resolving words, read from incidents.json once summary.json no longer lists the incident");
        Assert.That(messages[^1], Is.EqualTo("Acme Cloud shows Compute eu-west operational again."));
        Assert.That(incident.GetProperty("updates").EnumerateArray().Last().GetProperty("status").GetString(), Is.EqualTo("resolved"));
        Assert.That(incident.TryGetProperty("closedAt", out _), Is.False, "our own review is still needed to close it");
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task Killed_and_restarted_mid_outage_it_carries_on_with_the_same_incident_and_posts_nothing_twice()
    {
        var graph = await NewGraphAsync();
        await WatchAsync(graph);
        _supplier.Serve("major-outage");
        await Eventually(async () => (await Incidents(graph)).Length == 1 && (await IncidentOf(graph)).GetProperty("updates").GetArrayLength() >= 2,
            "the incident opens with the supplier's updates");

        await _server.KillAsync();
        _server = await ApiServer.StartAsync(_settings);
        var polls = _supplier.Polls;
        await Eventually(async () => _supplier.Polls > polls + 3, "the restarted service polls again");

        var incident = await IncidentOf(graph);
        var messages = incident.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("message").GetString()).ToList();
        Assert.That((await Incidents(graph)).Length, Is.EqualTo(1));
        Assert.That(messages, Has.Count.EqualTo(2), string.Join("\n", messages));
        Assert.That(messages, Is.Unique);
    }

    [TestCase("huge", "limit of 1,048,576 bytes")]
    [TestCase("slow", "no answer within 2 s")]
    [TestCase("malformed", "summary.json is not JSON (line 2)")]
    [TestCase("loop", "redirects loop")]
    [Category(TestTiers.Slow)]
    public async Task A_hostile_page_changes_nothing_and_the_watch_says_why_then_goes_stale(string behaviour, string reason)
    {
        var graph = await NewGraphAsync();
        _supplier.Behave(behaviour);
        await WatchAsync(graph);

        await Eventually(async () => (await Health(graph)).GetProperty("stale").GetBoolean(), "five failures in a row", seconds: behaviour == "slow" ? 40 : 20);
        var health = await Health(graph);
        Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("stale"));
        Assert.That(health.GetProperty("problem").GetString(), Does.Contain(reason));
        Assert.That(health.GetProperty("consecutiveFailures").GetInt32(), Is.GreaterThanOrEqualTo(5));
        Assert.That(await Incidents(graph), Is.Empty);

        _supplier.Behave("normal");
        _supplier.Serve("partial-outage");
        await Eventually(async () => (await Health(graph)).GetProperty("status").GetString() == "healthy", "it recovers when the page does", seconds: 20);
        await Eventually(async () => (await Incidents(graph)).Length == 1, "and then opens the incident");
    }

    [Test]
    public async Task A_page_without_the_watched_component_or_an_incident_on_other_components_opens_nothing()
    {
        var graph = await NewGraphAsync();
        _supplier.Serve("major-outage");
        await WatchAsync(graph, component: "Compute us-east");
        await Eventually(async () => (await Health(graph)).GetProperty("consecutiveFailures").GetInt32() > 0, "the missing component is a failure");
        Assert.That((await Health(graph)).GetProperty("problem").GetString(),
            Does.StartWith("the page has no component 'Compute us-east' (by id or exact name); its components are 'Compute eu-west' (8l4ygp009s5s)"));
        Assert.That(await Incidents(graph), Is.Empty);

        var other = await NewGraphAsync();
        _supplier.Serve("unmapped-incident");
        await WatchAsync(other, component: "8l4ygp009s5s");
        await Eventually(async () => (await Health(other)).GetProperty("status").GetString() == "healthy", "a page whose incident is about Billing only");
        var polls = _supplier.Polls;
        await Eventually(async () => _supplier.Polls > polls + 2, "more polls");
        Assert.That(await Incidents(other), Is.Empty, "an incident on a component we do not watch is not ours");
    }

    [Test]
    public async Task Bad_watches_are_refused_naming_each_problem_and_nothing_is_stored()
    {
        var graph = await NewGraphAsync();
        var response = await Client.PutAsync($"/v1/graphs/{graph}/watches/acme", ApiServer.Json("""
            {"url": "ftp://status.example", "interval": "PT0.1S", "components": [{"component": "", "node": "nowhere"}], "states": {"major_outage": "gone"}}
            """));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()), Is.EquivalentTo(new[]
        {
            "url", "interval", "components[0].component", "components[0].node", "states.major_outage",
        }));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}/watches/acme")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/watches")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task A_watch_is_listed_replaced_and_deleted()
    {
        var graph = await NewGraphAsync();
        await WatchAsync(graph);
        var replaced = await Client.PutAsync($"/v1/graphs/{graph}/watches/acme", ApiServer.Json($$"""
            {"url": "{{_supplier.Address}}", "interval": "PT1M", "components": [{"component": "Billing", "node": "acme-billing"}],
             "states": {"under_maintenance": "degraded"} }
            """));
        var listed = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/watches");

        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(listed.GetArrayLength(), Is.EqualTo(1));
        Assert.That(listed[0].GetProperty("interval").GetString(), Is.EqualTo("PT1M"));
        Assert.That(listed[0].GetProperty("states").GetProperty("under_maintenance").GetString(), Is.EqualTo("degraded"));
        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}/watches/acme")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}/watches/acme")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
