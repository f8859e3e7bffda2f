using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Our own status page in the Statuspage public API's format, on each store, with keys configured.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class StatusPageApiTests(string store)
{
    private const string ReaderKey = "status-reader-4411", EditorKey = "status-editor-9a0e";
    private const string Graph = """
        nodes:
          - {id: region, kind: supplier, name: Region eu-west}
          - {id: app, kind: service, name: App}
          - {id: web, kind: service, name: Web shop}
          - {id: alt, kind: service, name: Phone orders}
          - {id: shop, kind: customer, name: Shoppers, groups: {fe: {need: 1}}}
        dependencies:
          - {from: app, to: region}
          - {from: web, to: app, effect: degraded}
          - {from: shop, to: web, group: fe}
          - {from: shop, to: alt, group: fe}
        """;

    private const string PublicUrl = "https://impactmap.example.test";

    private TempFolder _data = null!;
    private ApiServer _server = null!;
    private HttpClient _anonymous = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _data = new TempFolder();
        var settings = await ApiStores.SettingsAsync(store, _data.Path, samples: false);
        AccessTests.AddKey(settings, 0, "reader", ReaderKey, "Reader");
        AccessTests.AddKey(settings, 1, "editor", EditorKey, "Admin");
        settings["ImpactMap:PublicUrl"] = PublicUrl + "/";
        _server = await ApiServer.StartAsync(settings);
        _server.Client.DefaultRequestHeaders.Add("X-Api-Key", EditorKey);
        _anonymous = new HttpClient { BaseAddress = _server.Address };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _anonymous.Dispose();
        await _server.DisposeAsync();
        _data.Dispose();
    }

    private HttpClient Client => _server.Client;

    private async Task<string> NewGraphAsync(bool isPublic)
    {
        var graph = "s-" + Guid.NewGuid().ToString("N")[..10];
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml(Graph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var page = await Client.PutAsync($"/v1/graphs/{graph}/status-page", ApiServer.Json(JsonSerializer.Serialize(new
        {
            name = "Shop status", components = new[] { "region", "app", "web", "shop", "alt" }, @public = isPublic,
        })));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), await page.Content.ReadAsStringAsync());
        return graph;
    }

    private async Task<string> OpenAsync(string graph)
    {
        var opened = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json(
            """{"title": "Region eu-west down", "outages": [{"node": "region", "state": "down"}], "startedAt": "2026-12-02T06:00:00Z"}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Dictionary<string, string> Statuses(JsonElement components) =>
        components.EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString()!);

    [Test]
    public async Task Components_follow_the_unresolved_incidents_impact_and_a_resolved_incident_no_longer_counts()
    {
        var graph = await NewGraphAsync(isPublic: true);
        var calm = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/summary.json");
        Assert.That(calm.GetProperty("status").GetProperty("indicator").GetString(), Is.EqualTo("none"));
        Assert.That(Statuses(calm.GetProperty("components")).Values, Has.All.EqualTo("operational"));

        var id = await OpenAsync(graph);
        var summary = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/summary.json");

        Assert.That(summary.GetProperty("page").GetProperty("name").GetString(), Is.EqualTo("Shop status"));
        Assert.That(summary.GetProperty("page").GetProperty("url").GetString(), Is.EqualTo($"{PublicUrl}/v1/graphs/{graph}/status"));
        Assert.That(calm.GetProperty("page").TryGetProperty("updated_at", out _), Is.True, "a page with nothing on it still says when it last changed");
        Assert.That(summary.GetProperty("status").GetProperty("indicator").GetString(), Is.EqualTo("critical"));
        Assert.That(Statuses(summary.GetProperty("components")), Is.EqualTo(new Dictionary<string, string>
        {
            ["region"] = "major_outage", ["app"] = "major_outage", ["web"] = "partial_outage", ["shop"] = "operational", ["alt"] = "operational",
        }), "down is a major outage, degraded a partial one, at risk still operational");
        Assert.That(summary.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()),
            Is.EqualTo(new[] { "Region eu-west", "App", "Web shop", "Shoppers", "Phone orders" }));
        var incident = summary.GetProperty("incidents").EnumerateArray().Single();
        Assert.That(incident.GetProperty("id").GetString(), Is.EqualTo(id));
        Assert.That(incident.GetProperty("started_at").GetDateTimeOffset(), Is.EqualTo(DateTimeOffset.Parse("2026-12-02T06:00:00Z")));
        Assert.That(incident.GetProperty("impact").GetString(), Is.EqualTo("critical"));
        Assert.That(Statuses(incident.GetProperty("components")).Keys, Is.EquivalentTo(new[] { "region", "app", "web", "shop" }));
        Assert.That(incident.GetProperty("incident_updates")[0].GetProperty("status").GetString(), Is.EqualTo("investigating"));

        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "monitoring", "message": "Failed over to eu-central."}"""));
        var monitoring = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/incidents/unresolved.json");
        Assert.That(monitoring.GetProperty("incidents")[0].GetProperty("status").GetString(), Is.EqualTo("monitoring"));
        Assert.That(monitoring.GetProperty("incidents")[0].GetProperty("incident_updates")[0].GetProperty("body").GetString(), Is.EqualTo("Failed over to eu-central."),
            "newest update first, as Statuspage lists them");

        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "resolved", "message": "eu-west is back."}"""));
        var after = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/summary.json");
        var recent = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/incidents.json");
        var components = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/components.json");
        var status = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/status.json");

        Assert.That(Statuses(after.GetProperty("components")).Values, Has.All.EqualTo("operational"), "resolved, though neither reviewed nor closed");
        Assert.That(after.GetProperty("incidents").GetArrayLength(), Is.Zero);
        Assert.That(Statuses(components.GetProperty("components")).Values, Has.All.EqualTo("operational"));
        Assert.That(status.GetProperty("status").GetProperty("description").GetString(), Is.EqualTo("All Systems Operational"));
        var listed = recent.GetProperty("incidents").EnumerateArray().Single();
        Assert.That(listed.GetProperty("status").GetString(), Is.EqualTo("resolved"));
        Assert.That(listed.TryGetProperty("resolved_at", out var resolvedAt) && resolvedAt.ValueKind == JsonValueKind.String, Is.True);
        Assert.That(listed.GetProperty("incident_updates").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_closed_incident_carries_its_review_as_the_postmortem_in_the_list_and_the_feed()
    {
        var graph = await NewGraphAsync(isPublic: true);
        var id = await OpenAsync(graph);
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "resolved", "message": "eu-west is back."}"""));
        var review = await Client.PutAsync($"/v1/graphs/{graph}/incidents/{id}/review", ApiServer.Json("""
            {"whatHappened": "A firmware update on the core routers of eu-west dropped every BGP session, so the region lost its uplinks for forty minutes.",
             "whatWeLearned": "Router firmware was rolled out to all core routers at once without a canary.",
             "prevention": [{"action": "Roll router firmware out to one core router first and wait a day", "owner": "network team", "due": "2099-01-31"}]}
            """));
        Assert.That(review.StatusCode, Is.EqualTo(HttpStatusCode.OK), await review.Content.ReadAsStringAsync());
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/close", null);

        var listed = (await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/incidents.json")).GetProperty("incidents")[0];
        var feed = await _anonymous.GetAsync($"/v1/graphs/{graph}/status/history.atom");
        var atom = XDocument.Parse(await feed.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2005/Atom";

        Assert.That(listed.GetProperty("status").GetString(), Is.EqualTo("postmortem"));
        Assert.That(listed.GetProperty("postmortem_body").GetString(), Does.StartWith("What happened: A firmware update on the core routers"));
        Assert.That(listed.GetProperty("postmortem_body").GetString(), Does.Contain("- Roll router firmware out to one core router first and wait a day (network team, by 2099-01-31)"));
        Assert.That(feed.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/atom+xml"));
        var entry = atom.Root!.Elements(ns + "entry").Single();
        Assert.That(entry.Element(ns + "title")!.Value, Is.EqualTo("Region eu-west down (postmortem)"));
        Assert.That(entry.Element(ns + "content")!.Value, Does.Contain("resolved: eu-west is back.").And.Contain("Postmortem:"));
        Assert.That(entry.Element(ns + "link")!.Attribute("href")!.Value, Does.EndWith($"/graphs/{graph}/incidents/{id}"));
    }

    [Test]
    public async Task A_public_page_needs_no_key_a_private_one_a_reader_key_and_the_settings_an_editor()
    {
        var open = await NewGraphAsync(isPublic: true);
        var closed = await NewGraphAsync(isPublic: false);
        using var reader = new HttpClient { BaseAddress = _server.Address };
        reader.DefaultRequestHeaders.Add("X-Api-Key", ReaderKey);

        Assert.That((await _anonymous.GetAsync($"/v1/graphs/{open}/status/api/v2/summary.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _anonymous.GetAsync($"/v1/graphs/{open}/status/history.atom")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _anonymous.GetAsync($"/v1/graphs/{open}/incidents")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only the page is public");
        Assert.That((await _anonymous.GetAsync($"/v1/graphs/{closed}/status/api/v2/summary.json")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await reader.GetAsync($"/v1/graphs/{closed}/status/api/v2/summary.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await reader.PutAsync($"/v1/graphs/{closed}/status-page", ApiServer.Json("""{"name": "x", "kind": "service"}"""))).StatusCode,
            Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await _anonymous.GetAsync("/v1/graphs/nowhere/status/api/v2/summary.json")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "an unknown graph is not told apart from a private page");
    }

    [Test]
    public async Task A_page_by_kind_answers_304_while_nothing_changes_and_bad_settings_are_refused()
    {
        var graph = await NewGraphAsync(isPublic: true);
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}/status-page", ApiServer.Json("""{"name": "Services", "kind": "service", "public": true}"""))).StatusCode,
            Is.EqualTo(HttpStatusCode.OK));
        var first = await _anonymous.GetAsync($"/v1/graphs/{graph}/status/api/v2/summary.json");
        var ids = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("components").EnumerateArray().Select(c => c.GetProperty("id").GetString());
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{graph}/status/api/v2/summary.json");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.That(ids, Is.EqualTo(new[] { "alt", "app", "web" }));
        Assert.That((await _anonymous.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));

        var bad = await Client.PutAsync($"/v1/graphs/{graph}/status-page", ApiServer.Json("""{"name": "", "components": ["app", "ghost", "app"], "kind": "service"}"""));
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()), Is.EquivalentTo(new[] { "name", "components" }));
        var unknown = await Client.PutAsync($"/v1/graphs/{graph}/status-page", ApiServer.Json("""{"name": "x", "components": ["app", "ghost", "app"]}"""));
        Assert.That((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("path").GetString()}: {p.GetProperty("message").GetString()}"),
            Is.EquivalentTo(new[] { "components[1]: unknown node 'ghost'", "components: a node is named twice" }));
        var kept = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status-page");
        Assert.That(kept.GetProperty("kind").GetString(), Is.EqualTo("service"), "a refused PUT changes nothing");
        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}/status-page")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}/status/api/v2/summary.json")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Links_on_a_public_page_come_from_the_configured_address_never_from_the_Host_a_client_sends()
    {
        var graph = await NewGraphAsync(isPublic: true);
        await OpenAsync(graph);

        foreach (var path in new[] { "api/v2/summary.json", "api/v2/incidents.json", "history.atom" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{graph}/status/{path}");
            request.Headers.Host = "attacker.example";
            var body = await (await _anonymous.SendAsync(request)).Content.ReadAsStringAsync();

            Assert.That(body, Does.Not.Contain("attacker.example"), path);
            Assert.That(body, Does.Contain(PublicUrl), path);
        }
    }

    [Test]
    public async Task Our_page_serves_its_scheduled_maintenances_in_Statuspage_shape_upcoming_active_and_in_the_feed()
    {
        var graph = await NewGraphAsync(isPublic: true);
        var now = DateTimeOffset.UtcNow;
        async Task Plan(string id, DateTimeOffset start, DateTimeOffset end, string node = "region")
        {
            var put = await Client.PutAsync($"/v1/graphs/{graph}/maintenances/{id}", ApiServer.Json(JsonSerializer.Serialize(new
            {
                title = $"Work {id}", outages = new[] { new { node } }, window = new { start, end },
            })));
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.Created), await put.Content.ReadAsStringAsync());
        }

        await Plan("sunday", now.AddDays(3), now.AddDays(3).AddHours(2));
        await Plan("now", now.AddMinutes(-10), now.AddHours(1));
        await Plan("cancelled", now.AddDays(4), now.AddDays(4).AddHours(1));
        await Client.DeleteAsync($"/v1/graphs/{graph}/maintenances/cancelled");

        var upcoming = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/scheduled-maintenances/upcoming.json");
        var active = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/scheduled-maintenances/active.json");
        var all = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/scheduled-maintenances.json");
        var summary = await _anonymous.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/status/api/v2/summary.json");

        var sunday = upcoming.GetProperty("scheduled_maintenances").EnumerateArray().Single();
        Assert.That((sunday.GetProperty("id").GetString(), sunday.GetProperty("status").GetString(), sunday.GetProperty("impact").GetString()),
            Is.EqualTo(("sunday", "scheduled", "maintenance")));
        Assert.That(sunday.GetProperty("scheduled_for").GetDateTimeOffset(), Is.EqualTo(now.AddDays(3)).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(sunday.GetProperty("scheduled_until").GetDateTimeOffset(), Is.EqualTo(now.AddDays(3).AddHours(2)).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(sunday.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("id").GetString()), Is.EqualTo(new[] { "region", "app", "web", "shop" }),
            "the published components it reaches (the shoppers on their last fallback), in the page's order");
        Assert.That(sunday.GetProperty("shortlink").GetString(), Does.StartWith(PublicUrl + $"/graphs/{graph}/maintenances/sunday"));
        var running = active.GetProperty("scheduled_maintenances").EnumerateArray().Single();
        Assert.That((running.GetProperty("id").GetString(), running.GetProperty("status").GetString()), Is.EqualTo(("now", "in_progress")));
        Assert.That(running.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("status").GetString()), Has.All.EqualTo("under_maintenance"));
        Assert.That(running.GetProperty("incident_updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()), Is.EqualTo(new[] { "in_progress", "scheduled" }));
        Assert.That(all.GetProperty("scheduled_maintenances").EnumerateArray().Select(m => m.GetProperty("id").GetString()), Is.EquivalentTo(new[] { "sunday", "now" }),
            "a cancelled window is not shown");
        Assert.That(summary.GetProperty("scheduled_maintenances").EnumerateArray().Select(m => m.GetProperty("id").GetString()), Is.EqualTo(new[] { "now", "sunday" }));
        var feed = await _anonymous.GetStringAsync($"/v1/graphs/{graph}/status/history.atom");
        Assert.That(feed, Does.Contain($"urn:impactmap:{graph}:maintenance:sunday").And.Contain("Scheduled maintenance: Work now (in_progress)"));
    }

    /// <summary>Catches a page ETag that stays the same while the page changes (a 304 then hides an outage).</summary>
    [Test]
    public async Task The_pages_ETag_changes_when_an_incident_changes_it_and_the_old_one_gets_the_new_page()
    {
        var graph = await NewGraphAsync(isPublic: true);
        var url = $"/v1/graphs/{graph}/status/api/v2/summary.json";
        var quiet = await _anonymous.GetAsync(url);
        var quietTag = quiet.Headers.ETag!.Tag;

        await OpenAsync(graph);

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.ParseAdd(quietTag);
        var changed = await _anonymous.SendAsync(again);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page changed: not 304");
        Assert.That(changed.Headers.ETag!.Tag, Is.Not.EqualTo(quietTag));
        Assert.That((await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetProperty("indicator").GetString(), Is.Not.EqualTo("none"));
    }
}
