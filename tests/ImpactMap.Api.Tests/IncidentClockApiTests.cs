using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// An incident's clock through the real service: who is hit now and who is only expected to be, who was spared once
/// it ended, outages that end one by one. The incidents start in the past (startedAt), so the service's own clock
/// stands at minute 10 or 31 of them.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class IncidentClockApiTests(string store) : ApiTestBase(store)
{
    private const string Region = """
        nodes:
          - {id: region, kind: supplier, name: Region}
          - {id: payments, kind: supplier, name: PaymentsHub}
          - {id: kyc, kind: supplier, name: KYC Check, attributes: {timeZone: Europe/Amsterdam}}
          - {id: bank, kind: service, name: Bank}
        dependencies:
          - {from: payments, to: region, tolerance: PT5M}
          - {from: kyc, to: region, tolerance: PT30M}
          - {from: bank, to: kyc}
        """;

    private static DateTimeOffset MinutesAgo(int minutes)
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-minutes);
    }

    private async Task<JsonElement> OpenAsync(string graph, DateTimeOffset startedAt, string more = "")
    {
        var response = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json(
            $$"""{"title": "Region down", "outages": [{"node": "region"}], "startedAt": "{{startedAt:O}}"{{more}}}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await JsonOf(response);
    }

    private static JsonElement Party(JsonElement impact, string id) =>
        impact.GetProperty("affected").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);

    private static (int Down, int Degraded, int AtRisk) Counts(JsonElement counts) =>
        (counts.GetProperty("down").GetInt32(), counts.GetProperty("degraded").GetInt32(), counts.GetProperty("atRisk").GetInt32());

    [Test]
    public async Task At_minute_ten_the_five_minute_fallback_is_hit_and_the_thirty_minute_queue_only_expected_until_resolution_spares_it()
    {
        var graph = await CreateGraphAsync(Region);
        var start = MinutesAgo(10);
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);

        var incident = await OpenAsync(graph, start, """, "advice": "Queue identity checks" """);
        var id = incident.GetProperty("id").GetString();
        var impact = incident.GetProperty("impact");

        Assert.That(Counts(impact.GetProperty("counts")), Is.EqualTo((1, 0, 0)), "PaymentsHub only: KYC and the bank behind it wait for minute 30");
        Assert.That(Counts(impact.GetProperty("expected")), Is.EqualTo((3, 0, 0)));
        Assert.That(impact.GetProperty("nextHitAt").GetDateTimeOffset(), Is.EqualTo(start.AddMinutes(30)));
        var kyc = Party(impact, "kyc");
        Assert.That((kyc.GetProperty("hit").GetBoolean(), kyc.GetProperty("impactFrom").GetDateTimeOffset()), Is.EqualTo((false, start.AddMinutes(30))));
        Assert.That(Party(impact, "payments").GetProperty("hit").GetBoolean(), Is.True);
        var list = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents");
        Assert.That((Counts(list[0].GetProperty("counts")), Counts(list[0].GetProperty("expected"))), Is.EqualTo(((1, 0, 0), (3, 0, 0))));
        var opened = await events.NextAsync();
        var openedData = JsonSerializer.Deserialize<JsonElement>(opened.Data);
        Assert.That((opened.Type, Counts(openedData.GetProperty("counts")), Counts(openedData.GetProperty("expected"))),
            Is.EqualTo(("incident.opened", (1, 0, 0), (3, 0, 0))), "the feed says what the API says");

        var notices = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}/notices?node=kyc");
        Assert.That(notices[0].GetProperty("hit").GetBoolean(), Is.False);
        Assert.That(notices[0].GetProperty("message").GetString(), Does.Contain(
            $"Impact on you: none yet. If service is not restored by {start.AddMinutes(30):yyyy-MM-dd HH:mm} UTC ("));
        Assert.That(notices[0].GetProperty("message").GetString(), Does.Contain("in Europe/Amsterdam), you will be down from then on").And.Contain("What you can do meanwhile: Queue identity checks."));

        var resolved = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates",
            ApiServer.Json("""{"status": "resolved", "message": "The region is back"}""")));

        Assert.That(resolved.GetProperty("impact").GetProperty("affected").EnumerateArray().Select(p => p.GetProperty("id").GetString()), Is.EqualTo(new[] { "payments" }));
        Assert.That(Counts(resolved.GetProperty("impact").GetProperty("counts")), Is.EqualTo((1, 0, 0)));
        Assert.That(resolved.GetProperty("impact").TryGetProperty("expected", out _), Is.False, "an ended incident expects nothing more");
        Assert.That(resolved.GetProperty("spared").EnumerateArray().Select(p => p.GetProperty("id").GetString()), Is.EquivalentTo(new[] { "kyc", "bank" }));
        var payments = Party(resolved.GetProperty("impact"), "payments");
        Assert.That(payments.GetProperty("impactUntil").GetDateTimeOffset(), Is.GreaterThanOrEqualTo(start.AddMinutes(10)));
        var letters = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}/notices");
        Assert.That(letters.EnumerateArray().Select(l => l.GetProperty("node").GetString()), Is.EqualTo(new[] { "payments" }), "the spared get no letter");
        Assert.That(letters[0].GetProperty("message").GetString(), Does.Contain($"from {start.AddMinutes(5):yyyy-MM-dd HH:mm} UTC, 5 minutes after the outage began, to "));
        var changed = await NextOfTypeAsync(events, "incident.impact-changed");
        var data = JsonSerializer.Deserialize<JsonElement>(changed.Data);
        Assert.That(data.GetProperty("spared").EnumerateArray().Select(s => s.GetString()), Is.EquivalentTo(new[] { "kyc", "bank" }));
        Assert.That(data.GetProperty("recovered").GetArrayLength(), Is.Zero, "never hit, so not recovered: spared");
    }

    [Test]
    public async Task At_minute_thirty_one_everyone_expected_is_hit_and_the_metrics_say_so()
    {
        var graph = await CreateGraphAsync(Region);
        var incident = await OpenAsync(graph, MinutesAgo(31));
        var impact = incident.GetProperty("impact");

        Assert.That(Counts(impact.GetProperty("counts")), Is.EqualTo((3, 0, 0)));
        Assert.That(Counts(impact.GetProperty("expected")), Is.EqualTo((3, 0, 0)));
        Assert.That(impact.TryGetProperty("nextHitAt", out _), Is.False, "nobody is left to be hit");
        Assert.That(Party(impact, "kyc").GetProperty("hit").GetBoolean(), Is.True);
        var metrics = await Client.GetStringAsync("/metrics");
        var id = incident.GetProperty("id").GetString();
        Assert.That(metrics, Does.Contain($"impactmap_incident_affected_parties{{graph=\"{graph}\",incident=\"{id}\",state=\"down\"}} 3"));
        Assert.That(metrics, Does.Contain($"impactmap_incident_expected_parties{{graph=\"{graph}\",incident=\"{id}\",state=\"down\"}} 3"));
    }

    [Test]
    public async Task The_metrics_count_the_hit_apart_from_the_expected_at_minute_ten()
    {
        var graph = await CreateGraphAsync(Region);
        var id = (await OpenAsync(graph, MinutesAgo(10))).GetProperty("id").GetString();

        var metrics = await Client.GetStringAsync("/metrics");

        Assert.That(metrics, Does.Contain($"impactmap_incident_affected_parties{{graph=\"{graph}\",incident=\"{id}\",state=\"down\"}} 1"));
        Assert.That(metrics, Does.Contain($"impactmap_incident_expected_parties{{graph=\"{graph}\",incident=\"{id}\",state=\"down\"}} 3"));
    }

    [Test]
    public async Task An_update_that_lengthens_the_expected_duration_brings_the_thirty_minute_queue_into_what_is_expected()
    {
        var graph = await CreateGraphAsync(Region);
        var incident = await OpenAsync(graph, MinutesAgo(10), """, "expectedDuration": "PT20M" """);
        var id = incident.GetProperty("id").GetString();
        Assert.That(Counts(incident.GetProperty("impact").GetProperty("expected")), Is.EqualTo((1, 0, 0)), "back within 20 minutes, KYC's queue holds");

        var longer = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates",
            ApiServer.Json("""{"status": "identified", "message": "A power failure; another hour", "expectedDuration": "PT1H10M"}""")));

        Assert.That(Counts(longer.GetProperty("impact").GetProperty("expected")), Is.EqualTo((3, 0, 0)));
        Assert.That(Counts(longer.GetProperty("impact").GetProperty("counts")), Is.EqualTo((1, 0, 0)));
        Assert.That(longer.GetProperty("updates")[0].GetProperty("change").GetProperty("becameAffected").EnumerateArray().Select(s => s.GetString()),
            Is.EqualTo(new[] { "bank", "kyc" }));
        Assert.That(Party(longer.GetProperty("impact"), "kyc").GetProperty("hit").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Outages_end_one_by_one_and_each_partys_impact_ends_with_the_outage_that_held_it()
    {
        var graph = await CreateGraphAsync("""
            nodes:
              - {id: west, kind: supplier}
              - {id: central, kind: supplier}
              - {id: shop, kind: service}
              - {id: report, kind: service}
            dependencies:
              - {from: shop, to: west}
              - {from: report, to: central, tolerance: PT20M}
            """);
        var start = MinutesAgo(15);
        var incident = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json(
            $$"""{"title": "Two regions", "outages": [{"node": "west"}, {"node": "central"}], "startedAt": "{{start:O}}"}""")));
        var id = incident.GetProperty("id").GetString();

        var westBack = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json(
            $$"""{"status": "monitoring", "message": "West is back", "outages": [{"node": "west", "endedAt": "{{start.AddMinutes(4):O}}"}, {"node": "central"}]}""")));
        Assert.That(westBack.GetProperty("outages")[0].GetProperty("endedAt").GetDateTimeOffset(), Is.EqualTo(start.AddMinutes(4)));
        Assert.That(westBack.GetProperty("impact").GetProperty("affected").EnumerateArray().Select(p => p.GetProperty("id").GetString()), Is.EqualTo(new[] { "report" }),
            "while open, what still fails: the shop came back with west");

        var resolved = await JsonOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates",
            ApiServer.Json("""{"status": "resolved", "message": "Central is back too"}""")));

        var shop = Party(resolved.GetProperty("impact"), "shop");
        Assert.That((shop.GetProperty("impactFrom").GetDateTimeOffset(), shop.GetProperty("impactUntil").GetDateTimeOffset()), Is.EqualTo((start, start.AddMinutes(4))));
        Assert.That(resolved.GetProperty("spared").EnumerateArray().Select(p => p.GetProperty("id").GetString()), Is.EqualTo(new[] { "report" }),
            "central came back after about 15 minutes, before report's 20");
    }

    [TestCase(-5, "must lie between the incident's start")]
    [TestCase(60, "must lie between the incident's start")]
    public async Task An_outage_cannot_end_before_its_incident_began_or_in_the_future(int minutesAfterStart, string expected)
    {
        var graph = await CreateGraphAsync(Region);
        var start = MinutesAgo(10);
        var id = (await OpenAsync(graph, start)).GetProperty("id").GetString();

        var problem = await ProblemOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json(
            $$"""{"status": "monitoring", "message": "x", "outages": [{"node": "region", "endedAt": "{{start.AddMinutes(minutesAfterStart):O}}"}]}""")),
            HttpStatusCode.BadRequest);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("outages[0].endedAt").And.Contain(expected));
        var unchanged = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}");
        Assert.That(unchanged.GetProperty("updates").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task An_impact_question_takes_a_duration_not_an_end()
    {
        var problem = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/impact", ApiServer.Json(
            """{"outages": [{"node": "aws-eu-west-1", "endedAt": "2026-12-07T19:46:00Z"}]}""")), HttpStatusCode.BadRequest);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("outages[0].endedAt"));
    }

    [Test]
    public async Task The_incidents_etag_moves_when_a_partys_time_comes_though_nothing_was_stored()
    {
        var graph = await CreateGraphAsync(Region);
        var incident = await OpenAsync(graph, MinutesAgo(10));
        var url = $"/v1/graphs/{graph}/incidents/{incident.GetProperty("id").GetString()}";
        var first = await Client.GetAsync(url);
        var etag = first.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.ParseAdd(etag);
        Assert.That((await Client.SendAsync(again)).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(etag, Is.EqualTo("\"1.1\""), "revision 1, one moment (PaymentsHub's) come");

        var later = await OpenAsync(graph, MinutesAgo(31));
        var laterEtag = (await Client.GetAsync($"/v1/graphs/{graph}/incidents/{later.GetProperty("id").GetString()}")).Headers.ETag!.Tag;
        Assert.That(laterEtag, Is.EqualTo("\"1.2\""), "both moments come: minute 5 and minute 30");
    }

    [Test]
    public async Task When_a_partys_time_comes_the_feed_says_so_once_though_two_instances_watch_the_clock()
    {
        var graph = await CreateGraphAsync(Region);
        await using var quick = await StartAnotherInstanceAsync(new Dictionary<string, string> { ["ImpactMap:IncidentClockInterval"] = "00:00:01" });
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);
        // KYC's 30 minutes are up fifteen seconds from now: time enough to open the incident on a loaded machine.
        var start = DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(15);
        var opened = await JsonOf(await quick.Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json(
            $$"""{"title": "Region down", "outages": [{"node": "region"}], "startedAt": "{{start:O}}"}""")));
        var id = opened.GetProperty("id").GetString();
        Assert.That(Counts(opened.GetProperty("impact").GetProperty("counts")), Is.EqualTo((1, 0, 0)));

        var hit = await NextOfTypeAsync(events, "incident.parties-hit");

        var data = JsonSerializer.Deserialize<JsonElement>(hit.Data);
        Assert.That(data.GetProperty("hit").EnumerateArray().Select(h => h.GetString()), Is.EqualTo(new[] { "kyc", "bank" }));
        Assert.That((Counts(data.GetProperty("counts")), data.GetProperty("hitTotal").GetInt32()), Is.EqualTo(((3, 0, 0), 2)));
        Assert.That(data.GetProperty("nextHitAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "nobody is left to be hit");
        var read = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}");
        Assert.That(Counts(read.GetProperty("impact").GetProperty("counts")), Is.EqualTo((3, 0, 0)), "the API says what the feed said");
        // Both instances' clocks look again meanwhile (the quick one every second); the store lets one of them tell.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "identified", "message": "Power loss"}"""));
        Assert.That((await events.NextAsync()).Type, Is.EqualTo("incident.updated"), "no second incident.parties-hit before the update");
    }

    private static async Task<EventStream.Event> NextOfTypeAsync(EventStream events, string type)
    {
        for (var i = 0; i < 10; i++)
        {
            var next = await events.NextAsync();
            if (next.Type == type)
            {
                return next;
            }
        }

        throw new AssertionException($"no {type} among the next ten events");
    }
}
