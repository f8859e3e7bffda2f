using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Maintenance windows through the real service on each store: impact for the window's length, conflicts, status by the clock, letters, events.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class MaintenanceApiTests(string store) : ApiTestBase(store)
{
    private const string Regions = """
        nodes:
          - {id: west, kind: supplier, name: Region west}
          - {id: central, kind: supplier, name: Region central}
          - {id: app, kind: service, name: Payments app, groups: {compute: {need: 1}}}
          - {id: shop, kind: customer, name: The Shop, attributes: {language: nl, timeZone: Europe/Amsterdam}}
          - {id: report, kind: service, name: Nightly report}
        dependencies:
          - {from: app, to: west, group: compute}
          - {from: app, to: central, group: compute}
          - {from: shop, to: app}
          - {from: report, to: west, tolerance: PT4H}
        """;

    private static readonly DateTimeOffset Sunday = new(2030, 1, 6, 2, 0, 0, TimeSpan.Zero);

    private static string Body(string node, DateTimeOffset start, TimeSpan length, string title = "Region drained", bool notify = true) =>
        JsonSerializer.Serialize(new { title, outages = new[] { new { node } }, window = new { start, end = start + length }, notify });

    private async Task<HttpResponseMessage> PutAsync(string graph, string id, string body, string query = "") =>
        await Client.PutAsync($"/v1/graphs/{graph}/maintenances/{id}{query}", ApiServer.Json(body));

    private static IEnumerable<string?> Ids(JsonElement list, string property = "id") => list.EnumerateArray().Select(e => e.GetProperty(property).GetString());

    [Test]
    public async Task A_window_has_the_impact_of_its_length_and_a_two_hour_drain_spares_the_four_hour_report()
    {
        var graph = await CreateGraphAsync(Regions);

        var response = await PutAsync(graph, "west-drain", Body("west", Sunday, TimeSpan.FromHours(2)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/v1/graphs/{graph}/maintenances/west-drain"));
        var window = await JsonOf(response);
        Assert.That(window.GetProperty("status").GetString(), Is.EqualTo("scheduled"));
        var impact = window.GetProperty("impact");
        Assert.That(Ids(impact.GetProperty("affected")), Is.EquivalentTo(new[] { "app", "shop" }));
        Assert.That(impact.GetProperty("affected").EnumerateArray().First(p => p.GetProperty("id").GetString() == "app").GetProperty("state").GetString(), Is.EqualTo("at-risk"));
        Assert.That(impact.GetProperty("sparedByLength").GetInt32(), Is.EqualTo(1), "the report's four hours outlast the drain");
        Assert.That(window.GetProperty("conflicts").GetArrayLength(), Is.Zero);
        var read = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/west-drain");
        Assert.That(read.GetProperty("title").GetString(), Is.EqualTo("Region drained"));
    }

    [Test]
    public async Task Two_overlapping_windows_on_the_alternatives_of_a_group_conflict_on_both_and_strict_refuses_the_second()
    {
        var graph = await CreateGraphAsync(Regions);
        await PutAsync(graph, "west-drain", Body("west", Sunday, TimeSpan.FromHours(2)));

        var strict = await PutAsync(graph, "central-upgrade", Body("central", Sunday.AddHours(1), TimeSpan.FromHours(2), "Central upgrade"), "?strict=true");

        var problem = await ProblemOf(strict, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("maintenance 'west-drain' (2 parties worse together)"));
        Assert.That(Ids(problem.GetProperty("conflicts")[0].GetProperty("parties")), Is.EqualTo(new[] { "app", "shop" }));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}/maintenances/central-upgrade")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing stored");

        var check = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/maintenances/check", ApiServer.Json(Body("central", Sunday.AddHours(1), TimeSpan.FromHours(2)))));
        Assert.That(Ids(check.GetProperty("conflicts"), "with"), Is.EqualTo(new[] { "west-drain" }), "checked without storing");
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances")).GetArrayLength(), Is.EqualTo(1));

        Assert.That((await PutAsync(graph, "central-upgrade", Body("central", Sunday.AddHours(1), TimeSpan.FromHours(2), "Central upgrade"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created), "without strict it is stored, conflicts and all");
        var list = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances");
        var conflicts = list.EnumerateArray().ToDictionary(w => w.GetProperty("id").GetString()!, w => w.GetProperty("conflicts"));
        Assert.That(Ids(conflicts["west-drain"], "with"), Is.EqualTo(new[] { "central-upgrade" }));
        Assert.That(Ids(conflicts["central-upgrade"], "with"), Is.EqualTo(new[] { "west-drain" }));
        var overlap = conflicts["west-drain"][0];
        Assert.That((overlap.GetProperty("from").GetDateTimeOffset(), overlap.GetProperty("until").GetDateTimeOffset()), Is.EqualTo((Sunday.AddHours(1), Sunday.AddHours(2))));
        Assert.That(overlap.GetProperty("parties").EnumerateArray().Select(p => (p.GetProperty("id").GetString(), p.GetProperty("state").GetString(), p.GetProperty("alone").GetString())),
            Is.EqualTo(new[] { ("app", "down", "at-risk"), ("shop", "down", "at-risk") }));

        var cancelled = await JsonOf(await Client.DeleteAsync($"/v1/graphs/{graph}/maintenances/central-upgrade"));
        Assert.That(cancelled.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
        var after = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/west-drain");
        Assert.That(after.GetProperty("conflicts").GetArrayLength(), Is.Zero, "a cancelled window conflicts with nothing");
        Assert.That(Ids(await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances?status=cancelled")), Is.EqualTo(new[] { "central-upgrade" }));
    }

    [Test]
    public async Task A_window_that_starts_while_an_incident_has_the_group_on_its_last_fallback_names_the_incident()
    {
        var graph = await CreateGraphAsync(Regions);
        var incident = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "West is down", "outages": [{"node": "west"}]}""")));

        var check = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/maintenances/check",
            ApiServer.Json(Body("central", DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromHours(1)))));

        var conflict = check.GetProperty("conflicts").EnumerateArray().Single();
        Assert.That((conflict.GetProperty("kind").GetString(), conflict.GetProperty("with").GetString()), Is.EqualTo(("incident", incident.GetProperty("id").GetString())));
        Assert.That(Ids(conflict.GetProperty("parties")), Is.EqualTo(new[] { "app", "shop" }));
    }

    [Test]
    public async Task Status_follows_the_clock_and_the_feed_is_told_of_the_start_once()
    {
        var graph = await CreateGraphAsync(Regions);
        await using var quick = await StartAnotherInstanceAsync(new Dictionary<string, string> { ["ImpactMap:IncidentClockInterval"] = "00:00:01" });
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);
        var past = await JsonOf(await PutAsync(graph, "last-week", Body("west", DateTimeOffset.UtcNow.AddDays(-7), TimeSpan.FromHours(2))));
        Assert.That(past.GetProperty("status").GetString(), Is.EqualTo("completed"));

        var soon = DateTimeOffset.UtcNow.AddSeconds(3);
        await quick.Client.PutAsync($"/v1/graphs/{graph}/maintenances/now", ApiServer.Json(Body("central", soon, TimeSpan.FromHours(1))));

        var seen = new List<string>();
        while (!seen.Contains("maintenance.started"))
        {
            var next = await events.NextAsync();
            seen.Add(next.Type);
            if (next.Type == "maintenance.started")
            {
                Assert.That(JsonSerializer.Deserialize<JsonElement>(next.Data).GetProperty("id").GetString(), Is.EqualTo("now"));
            }
        }

        // The clock may tell of last week's window before or after the second one is scheduled; each is told once.
        Assert.That(seen, Is.EquivalentTo(new[] { "maintenance.scheduled", "maintenance.completed", "maintenance.scheduled", "maintenance.started" }),
            "last week's window is told completed once; the new one scheduled, then started");
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/now")).GetProperty("status").GetString(), Is.EqualTo("in-progress"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Client.DeleteAsync($"/v1/graphs/{graph}/maintenances/now");
        Assert.That((await events.NextAsync()).Type, Is.EqualTo("maintenance.cancelled"), "no second maintenance.started from either instance");
    }

    [Test]
    public async Task Letters_go_to_the_parties_the_window_reaches_in_their_language_and_the_spared_get_none()
    {
        var graph = await CreateGraphAsync(Regions);
        await PutAsync(graph, "both", JsonSerializer.Serialize(new
        {
            title = "Both regions moved", outages = new[] { new { node = "west" }, new { node = "central" } },
            window = new { start = Sunday, end = Sunday.AddHours(2) }, notify = true, advice = "Pay by bank transfer",
        }));

        var planned = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/both/notices");
        var started = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/both/notices?phase=started&lang=en");

        Assert.That(Ids(planned, "node"), Is.EquivalentTo(new[] { "app", "shop" }), "the report's four hours are not reached");
        var shop = planned.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "shop");
        Assert.That((shop.GetProperty("phase").GetString(), shop.GetProperty("subject").GetString()), Is.EqualTo(("planned", "Gepland onderhoud met gevolgen voor u: Both regions moved")));
        Assert.That(shop.GetProperty("message").GetString(), Does.Contain("van 2030-01-06 02:00 UTC (03:00 in Europe/Amsterdam)").And.Contain("Wat u kunt doen: Pay by bank transfer."));
        Assert.That(started.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "shop").GetProperty("subject").GetString(),
            Is.EqualTo("Planned maintenance started: Both regions moved"));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/maintenances/both/notices?phase=soon"), HttpStatusCode.BadRequest);
    }

    [TestCase("""{"outages": [{"node": "west"}], "window": {"start": "2030-01-06T02:00:00Z", "end": "2030-01-06T04:00:00Z"}}""", HttpStatusCode.BadRequest, "title")]
    [TestCase("""{"title": "x", "outages": [], "window": {"start": "2030-01-06T02:00:00Z", "end": "2030-01-06T04:00:00Z"}}""", HttpStatusCode.BadRequest, "outages")]
    [TestCase("""{"title": "x", "outages": [{"node": "west"}]}""", HttpStatusCode.BadRequest, "window: start and end are required")]
    [TestCase("""{"title": "x", "outages": [{"node": "west"}], "window": {"start": "2030-01-06T04:00:00Z", "end": "2030-01-06T02:00:00Z"}}""", HttpStatusCode.BadRequest, "end must come after start")]
    [TestCase("""{"title": "x", "outages": [{"node": "west"}], "window": {"start": "2030-01-06T02:00:00Z", "end": "2030-03-06T02:00:00Z"}}""", HttpStatusCode.BadRequest, "within 31 days")]
    [TestCase("""{"title": "x", "outages": [{"node": "atlantis"}], "window": {"start": "2030-01-06T02:00:00Z", "end": "2030-01-06T04:00:00Z"}}""", HttpStatusCode.UnprocessableEntity, "'atlantis'")]
    public async Task Bad_windows_are_refused_naming_the_problem_and_nothing_is_stored(string body, HttpStatusCode status, string expected)
    {
        var graph = await CreateGraphAsync(Regions);

        var problem = await ProblemOf(await PutAsync(graph, "bad", body), status);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(expected));
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances")).GetArrayLength(), Is.Zero);
        await ProblemOf(await PutAsync(graph, "no spaces please", Body("west", Sunday, TimeSpan.FromHours(1))), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_graph_with_windows_ahead_is_deleted_only_with_force_and_its_windows_go_with_it()
    {
        var graph = await CreateGraphAsync(Regions);
        await PutAsync(graph, "ahead", Body("west", Sunday, TimeSpan.FromHours(2)));

        var refused = await ProblemOf(await Client.DeleteAsync($"/v1/graphs/{graph}"), HttpStatusCode.Conflict);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("maintenance window(s) scheduled or in progress: ahead"));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}/maintenances/ahead")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}?force=true")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await CreateGraphAsyncNamed(graph);
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances")).GetArrayLength(), Is.Zero, "a new graph of the name starts clean");
    }

    [Test]
    public async Task Another_instance_on_the_store_sees_the_same_windows()
    {
        var graph = await CreateGraphAsync(Regions);
        await PutAsync(graph, "shared", Body("west", Sunday, TimeSpan.FromHours(2)));
        await using var other = await StartAnotherInstanceAsync();

        var read = await other.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/maintenances/shared");

        Assert.That(read.GetProperty("impact").GetProperty("total").GetInt32(), Is.EqualTo(2));
    }

    private async Task CreateGraphAsyncNamed(string name)
    {
        var response = await Client.PutAsync($"/v1/graphs/{name}", ApiServer.Yaml(Regions));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
