using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class IncidentApiTests(string store) : ApiTestBase(store)
{
    private const string Review = """
        {"whatHappened": "A power failure in zone euw1-az2 stopped the EC2 hosts that ran the CRM and KYC services; the CRM had no second zone.",
         "whatWeLearned": "Our CRM vendor ran in one availability zone, and our contract did not say so.",
         "prevention": [{"action": "Require multi-zone hosting in the CRM contract renewal", "owner": "vendor-management", "due": "2027-03-01"},
                        {"action": "Add a cached read-only CRM view for the contact centre", "owner": "customer-care-it", "due": "2027-02-01"}]}
        """;

    private async Task<JsonElement> OpenAsync(string graph, string body)
    {
        var response = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await JsonOf(response);
    }

    [Test]
    public async Task Opening_an_incident_stores_the_impact_computed_then()
    {
        var response = await Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json("""
            {"title": "AWS eu-west-1 outage", "outages": [{"node": "aws-eu-west-1", "state": "down"}],
             "startedAt": "2026-11-30T08:00:00Z", "expectedDuration": "PT2H"}
            """));
        var incident = await JsonOf(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/v1/graphs/cloud-region/incidents/{incident.GetProperty("id").GetString()}"));
        Assert.That(incident.GetProperty("status").GetString(), Is.EqualTo("investigating"));
        Assert.That(incident.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)));
        Assert.That(incident.GetProperty("expectedDuration").GetString(), Is.EqualTo("PT2H"));
        var impact = incident.GetProperty("impact");
        Assert.That(impact.GetProperty("graph").GetString(), Is.EqualTo("cloud-region"));
        Assert.That(impact.GetProperty("total").GetInt32(), Is.EqualTo(9));
        Assert.That(impact.GetProperty("counts").GetProperty("atRisk").GetInt32(), Is.EqualTo(1));
        Assert.That(impact.GetProperty("affected")[0].GetProperty("path").GetArrayLength(), Is.EqualTo(2));
        var read = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{incident.GetProperty("id").GetString()}");
        Assert.That(read.GetRawText(), Is.EqualTo(incident.GetRawText()));
    }

    [TestCase("""{"outages": [{"node": "aws-eu-west-1"}]}""", HttpStatusCode.BadRequest, "title")]
    [TestCase("""{"title": "x", "outages": []}""", HttpStatusCode.BadRequest, "outages")]
    [TestCase("""{"title": "x", "outages": [{"node": "aws-eu-west-1", "state": "sideways"}]}""", HttpStatusCode.BadRequest, "outages[0].state")]
    [TestCase("""{"title": "x", "outages": [{"node": "aws-eu-west-1"}], "expectedDuration": "2h"}""", HttpStatusCode.BadRequest, "expectedDuration")]
    [TestCase("""{"title": "x", "outages": [{"node": "aws-eu-west-1"}], "startedAt": "yesterday"}""", HttpStatusCode.BadRequest, "startedAt")]
    [TestCase("""{"title": "x", "outages": [{"node": "atlantis"}]}""", HttpStatusCode.UnprocessableEntity, "'atlantis'")]
    public async Task Bad_incidents_are_refused_naming_the_problem(string body, HttpStatusCode status, string expected)
    {
        var problem = await ProblemOf(await Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(body)), status);

        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(expected));
    }

    [Test]
    public async Task Incidents_of_unknown_graphs_or_ids_get_404()
    {
        await ProblemOf(await Client.PostAsync("/v1/graphs/nope/incidents", ApiServer.Json("""{"title": "x", "outages": [{"node": "a"}]}""")), HttpStatusCode.NotFound);
        await ProblemOf(await Client.GetAsync("/v1/graphs/cloud-region/incidents/nope"), HttpStatusCode.NotFound);
        await ProblemOf(await Client.GetAsync("/v1/graphs/cloud-region/incidents?status=sleeping"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Updates_are_recorded_and_changing_outages_records_who_became_affected_and_who_recovered()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = (await OpenAsync(graph, """{"title": "Region down", "outages": [{"node": "region"}]}""")).GetProperty("id").GetString();

        var plain = await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "identified", "message": "Power loss in the region"}"""));
        var worse = await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates",
            ApiServer.Json("""{"status": "identified", "message": "The backup region failed too", "outages": [{"node": "region"}, {"node": "backup"}]}"""));
        var better = await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates",
            ApiServer.Json("""{"status": "monitoring", "message": "Backup region restored", "outages": [{"node": "region"}]}"""));

        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var afterWorse = await JsonOf(worse);
        var worseChange = afterWorse.GetProperty("updates")[1].GetProperty("change");
        Assert.That(worseChange.GetProperty("worsened").GetRawText(), Is.EqualTo("""["app","shop"]"""));
        Assert.That(afterWorse.GetProperty("impact").GetProperty("counts").GetProperty("down").GetInt32(), Is.EqualTo(2));
        var afterBetter = await JsonOf(better);
        Assert.That(afterBetter.GetProperty("status").GetString(), Is.EqualTo("monitoring"));
        Assert.That(afterBetter.GetProperty("updates")[2].GetProperty("change").GetProperty("improved").GetRawText(), Is.EqualTo("""["app","shop"]"""));
        Assert.That(afterBetter.GetProperty("outages").GetArrayLength(), Is.EqualTo(1));
        Assert.That(afterBetter.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("sequence").GetInt32()), Is.EqualTo(new[] { 1, 2, 3 }));

        await ProblemOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "closed", "message": "x"}""")), HttpStatusCode.BadRequest);
        await ProblemOf(await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "identified"}""")), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task An_incident_keeps_the_names_of_its_moment_and_follows_changes_of_who_is_affected()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var opened = await OpenAsync(graph, """{"title": "Region down", "outages": [{"node": "region"}]}""");
        var id = opened.GetProperty("id").GetString();

        await Client.PutAsync($"/v1/graphs/{graph}/nodes/shop", ApiServer.Json("""{"kind": "customer", "name": "Renamed Shop"}"""));
        var renamed = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}");
        var notices = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}/notices");
        await Client.DeleteAsync($"/v1/graphs/{graph}/nodes/backup");
        var followed = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/incidents/{id}");

        Assert.That(renamed.GetProperty("impact").GetRawText(), Is.EqualTo(opened.GetProperty("impact").GetRawText()), "a rename changes no one's state");
        Assert.That(renamed.GetProperty("updates").GetArrayLength(), Is.Zero);
        Assert.That(notices.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "shop").GetProperty("name").GetString(), Is.EqualTo("The Shop"));
        Assert.That(followed.GetProperty("impact").GetProperty("version").GetInt64(), Is.GreaterThan(opened.GetProperty("impact").GetProperty("version").GetInt64()));
        Assert.That(followed.GetProperty("updates")[0].GetProperty("change").GetProperty("worsened").GetRawText(), Is.EqualTo("""["app","shop"]"""),
            "without its backup the app goes down instead of running at risk");
    }

    [Test]
    public async Task Notices_are_in_the_partys_language_unless_the_reader_asks_for_another()
    {
        var graph = await CreateGraphAsync("""
            nodes:
              - {id: region, kind: supplier, name: Regio West}
              - {id: winkel, kind: customer, name: Winkel, attributes: {language: nl}}
              - {id: shop, kind: customer, name: Shop}
            dependencies:
              - {from: winkel, to: region}
              - {from: shop, to: region}
            """);
        var id = (await OpenAsync(graph, """{"title": "Regio West down", "outages": [{"node": "region"}]}""")).GetProperty("id").GetString();
        async Task<Dictionary<string, string>> Messages(string query, string? acceptLanguage = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/graphs/{graph}/incidents/{id}/notices{query}");
            if (acceptLanguage is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
            }

            var notices = await (await Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            return notices.EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!, n => n.GetProperty("subject").GetString()!);
        }

        Assert.That(await Messages(""), Is.EqualTo(new Dictionary<string, string>
        {
            ["winkel"] = "Storing met gevolgen voor u: Regio West down", ["shop"] = "Service disruption affecting you: Regio West down",
        }), "each party in its own language");
        Assert.That((await Messages("?lang=en")).Values, Has.All.StartWith("Service disruption"));
        Assert.That((await Messages("", "nl-NL, en;q=0.5")).Values, Has.All.StartWith("Storing met gevolgen"));
        Assert.That((await Messages("?lang=en", "nl")).Values, Has.All.StartWith("Service disruption"), "lang wins over Accept-Language");
        Assert.That((await Messages("", "fr")).Values, Has.Some.StartWith("Storing").And.Some.StartWith("Service"), "a language we do not write leaves each its own");
        var text = await (await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}/notices?format=text&lang=nl")).Content.ReadAsStringAsync();
        Assert.That(text, Does.Contain("Beste Shop,").And.Contain("Met vriendelijke groet,"));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}/notices?lang=de"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_customer_two_hops_down_is_told_the_chain_in_plain_words_as_json_text_and_markdown()
    {
        var id = (await OpenAsync("cloud-region", """{"title": "AWS eu-west-1 outage", "outages": [{"node": "aws-eu-west-1"}]}""")).GetProperty("id").GetString();
        await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/updates", ApiServer.Json("""{"status": "identified", "message": "AWS reports a power failure in one zone"}"""));

        var json = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices");
        var text = await SendAsync($"/v1/graphs/cloud-region/incidents/{id}/notices", "text/plain");
        var markdown = await SendAsync($"/v1/graphs/cloud-region/incidents/{id}/notices", "text/markdown");

        var shoppers = json.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "acme-shoppers");
        Assert.That(shoppers.GetProperty("message").GetString(), Does.StartWith("Dear Acme's shoppers,\n\n" +
            "You are affected because your supplier Acme webshop (merchant on the bank's payment API) depends, through its own suppliers, " +
            "on AWS eu-west-1 (Ireland), which is down."));
        var contactCentre = json.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "bank-contact-centre");
        Assert.That(contactCentre.GetProperty("message").GetString(), Does.Contain(
            "You are affected because your supplier CRM Cloud (SaaS) depends on AWS eu-west-1 (Ireland), which is down."), "an internal party hears the whole chain");
        Assert.That(shoppers.GetProperty("message").GetString(), Does.Contain("Latest update, identified at").And.Contain("AWS reports a power failure in one zone."));
        Assert.That(shoppers.GetProperty("state").GetString(), Is.EqualTo("degraded"));
        Assert.That(shoppers.GetProperty("impactAt").GetString(), Is.EqualTo("PT0S"));
        Assert.That(shoppers.GetProperty("path").GetArrayLength(), Is.EqualTo(5));
        Assert.That(json.GetArrayLength(), Is.EqualTo(9));
        Assert.That(text.ContentType, Is.EqualTo("text/plain"));
        Assert.That(text.Body, Does.Contain("To: Acme's shoppers (acme-shoppers)").And.Contain("Subject: Service disruption affecting you: AWS eu-west-1 outage"));
        Assert.That(markdown.ContentType, Is.EqualTo("text/markdown"));
        Assert.That(markdown.Body, Does.Contain("## Acme's shoppers (`acme-shoppers`)").And.Contain("- **State:** degraded"));
    }

    [TestCase("Technical issue")]
    [TestCase("It was a technical outage.")]
    [TestCase("Er was sprake van een technische storing")]
    [TestCase("")]
    public async Task A_vague_review_is_refused_with_422_naming_the_problem(string cause)
    {
        var id = (await OpenAsync("cloud-region", """{"title": "AWS eu-west-1 outage", "outages": [{"node": "aws-eu-west-1"}]}""")).GetProperty("id").GetString();
        var body = JsonSerializer.Deserialize<Dictionary<string, object>>(Review)!;
        body["whatHappened"] = cause;

        var problem = await ProblemOf(await Client.PutAsJsonAsync($"/v1/graphs/cloud-region/incidents/{id}/review", body), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("problems")[0].GetProperty("path").GetString(), Is.EqualTo("whatHappened"));
        await ProblemOf(await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/close", null), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_review_without_actions_owners_or_dates_is_refused()
    {
        var id = (await OpenAsync("cloud-region", """{"title": "AWS eu-west-1 outage", "outages": [{"node": "aws-eu-west-1"}]}""")).GetProperty("id").GetString();

        var problem = await ProblemOf(await Client.PutAsync($"/v1/graphs/cloud-region/incidents/{id}/review", ApiServer.Json("""
            {"whatHappened": "The CRM vendor's only availability zone lost power and its standby generators failed to start within the SLA.",
             "whatWeLearned": "We never asked where our vendors run.",
             "prevention": [{"action": "Ask every tier-1 vendor for their hosting zones", "due": "soon"}]}
            """)), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("path").GetString()),
            Is.EquivalentTo(new[] { "prevention[0].owner", "prevention[0].due" }));
    }

    [Test]
    public async Task Closing_needs_the_incident_resolved_and_reviewed_and_the_review_is_then_part_of_every_notice()
    {
        var id = (await OpenAsync("cloud-region", """{"title": "AWS eu-west-1 outage", "outages": [{"node": "aws-eu-west-1"}]}""")).GetProperty("id").GetString();

        var early = await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/close", null);
        var earlyReview = await Client.PutAsync($"/v1/graphs/cloud-region/incidents/{id}/review", ApiServer.Json(Review));
        await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/updates", ApiServer.Json("""{"status": "resolved", "message": "AWS restored the zone."}"""));
        var unreviewed = await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/close", null);
        var first = await Client.PutAsync($"/v1/graphs/cloud-region/incidents/{id}/review", ApiServer.Json(Review));
        var reviewed = await Client.PutAsync($"/v1/graphs/cloud-region/incidents/{id}/review", ApiServer.Json(Review.Replace("one availability zone", "a single availability zone")));
        var closed = await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/close", null);
        var notices = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices");

        var missing = (await ProblemOf(early, HttpStatusCode.Conflict)).GetProperty("missing");
        Assert.That(missing.GetArrayLength(), Is.EqualTo(2), "not resolved, and no review");
        Assert.That((await ProblemOf(earlyReview, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), Does.Contain("not resolved"));
        Assert.That((await ProblemOf(unreviewed, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), Does.Contain("no accepted review"));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), await first.Content.ReadAsStringAsync());
        Assert.That(reviewed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reviewed.Content.ReadAsStringAsync());
        var revisions = (await JsonOf(reviewed)).GetProperty("reviews");
        Assert.That(revisions.EnumerateArray().Select(r => (r.GetProperty("revision").GetInt32(), r.GetProperty("author").GetString())),
            Is.EqualTo(new[] { (1, "open"), (2, "open") }), "a later review is a new revision, the first kept, each with its key");
        Assert.That(closed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await JsonOf(closed);
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("closed"));
        Assert.That(body.GetProperty("review").GetProperty("prevention")[0].GetProperty("due").GetString(), Is.EqualTo("2027-03-01"));
        Assert.That(notices.EnumerateArray().Select(n => n.GetProperty("message").GetString()), Has.All.Contain("What happened: A power failure in zone euw1-az2")
            .And.All.Contain("Require multi-zone hosting in the CRM contract renewal (owner: vendor-management, due 2027-03-01)"));
        await ProblemOf(await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/updates", ApiServer.Json("""{"status": "identified", "message": "late"}""")), HttpStatusCode.Conflict);
        await ProblemOf(await Client.PutAsync($"/v1/graphs/cloud-region/incidents/{id}/review", ApiServer.Json(Review)), HttpStatusCode.Conflict);
        var closedList = await Client.GetFromJsonAsync<JsonElement>("/v1/graphs/cloud-region/incidents?status=closed");
        Assert.That(closedList.EnumerateArray().Select(i => i.GetProperty("id").GetString()), Does.Contain(id));
    }

    [Test]
    public async Task Notices_carry_the_letter_its_recipient_subject_and_phase_through_resolution()
    {
        var id = (await OpenAsync("cloud-region", """
            {"title": "eu-west-1 down", "outages": [{"node": "aws-eu-west-1"}], "startedAt": "2026-11-30T05:00:00Z", "expectedDuration": "PT3H"}
            """)).GetProperty("id").GetString();

        var ongoing = (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices?node=acme-webshop"))[0];
        await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/updates", ApiServer.Json("""{"status": "resolved", "message": "AWS restored eu-west-1."}"""));
        var restored = (await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices?node=acme-webshop"))[0];
        var text = await (await Client.GetAsync($"/v1/graphs/cloud-region/incidents/{id}/notices?node=acme-shoppers&format=text")).Content.ReadAsStringAsync();

        Assert.That(ongoing.GetProperty("to").GetString(), Is.EqualTo("Acme webshop (merchant on the bank's payment API) <ops@acme.example>"));
        Assert.That((ongoing.GetProperty("phase").GetString(), ongoing.GetProperty("subject").GetString()),
            Is.EqualTo(("ongoing", "Service disruption affecting you: eu-west-1 down")));
        Assert.That(ongoing.GetProperty("impactFrom").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero)));
        Assert.That(ongoing.GetProperty("message").GetString(), Does.StartWith("Dear Acme webshop").And.Contain("Expected recovery: by 2026-11-30 08:00 UTC"));
        Assert.That((restored.GetProperty("phase").GetString(), restored.GetProperty("subject").GetString()), Is.EqualTo(("restored", "Service restored: eu-west-1 down")));
        Assert.That(restored.GetProperty("message").GetString(), Does.Contain("Service has been restored.").And.Not.Contain("You are affected"));
        Assert.That(text, Does.StartWith("To: Acme's shoppers (acme-shoppers)\nSubject: Service restored: eu-west-1 down\n\nDear Acme's shoppers,"));
    }

    [Test]
    public async Task An_incidents_advice_reaches_parties_without_their_own_and_empty_advice_is_refused()
    {
        var id = (await OpenAsync("cloud-region", """
            {"title": "eu-west-1 down", "outages": [{"node": "aws-eu-west-1"}], "advice": "Use the bank's app, which runs in another region"}
            """)).GetProperty("id").GetString();
        var refused = await Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json("""
            {"title": "eu-west-1 down", "outages": [{"node": "aws-eu-west-1"}], "advice": " "}
            """));

        var notices = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices");

        Assert.That(notices.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "retail-customers").GetProperty("message").GetString(),
            Does.Contain("What you can do: Use the bank's app, which runs in another region."));
        Assert.That(notices.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "acme-shoppers").GetProperty("message").GetString(),
            Does.Contain("What you can do: Pay at Acme by bank transfer"));
        Assert.That((await ProblemOf(refused, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), Does.Contain("advice"));
    }

    [Test]
    public async Task Dashboards_get_events_as_they_happen_and_resume_after_the_last_one_they_saw()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        using var stream = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);

        var id = (await OpenAsync(graph, """{"title": "Region down", "outages": [{"node": "region"}]}""")).GetProperty("id").GetString();
        var opened = await stream.NextAsync();
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "identified", "message": "Found it", "outages": [{"node": "backup"}]}"""));
        var updated = await stream.NextAsync();
        var impactChanged = await stream.NextAsync();
        await Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "cdn", "kind": "supplier"}"""));
        var graphChanged = await stream.NextAsync();

        Assert.That(opened.Type, Is.EqualTo("incident.opened"));
        Assert.That(opened.Data, Does.Contain($"\"id\":\"{id}\""));
        Assert.That(updated.Type, Is.EqualTo("incident.updated"));
        Assert.That(impactChanged.Type, Is.EqualTo("incident.impact-changed"));
        Assert.That(graphChanged.Type, Is.EqualTo("graph.changed"));
        var change = JsonDocument.Parse(graphChanged.Data).RootElement;
        Assert.That(change.GetProperty("graph").GetString(), Is.EqualTo(graph));
        Assert.That(change.GetProperty("version").GetInt64(), Is.Positive);
        Assert.That(change.GetProperty("change").GetRawText(), Is.EqualTo("""{"kind":"node-put","node":"cdn"}"""));
        foreach (var incidentEvent in new[] { opened, updated, impactChanged })
        {
            var data = JsonDocument.Parse(incidentEvent.Data).RootElement;
            Assert.That(data.GetProperty("total").GetInt32(), Is.EqualTo(data.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32())),
                $"{incidentEvent.Type} carries counts and total");
        }

        using var resumed = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", opened.Id);
        Assert.That((await resumed.NextAsync()).Id, Is.EqualTo(updated.Id), "resumes right after the last event seen");
        Assert.That((await resumed.NextAsync()).Id, Is.EqualTo(impactChanged.Id));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/events?lastEventId=abc"), HttpStatusCode.BadRequest);
        await ProblemOf(await Client.GetAsync("/v1/graphs/nope/events"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Metrics_report_open_incidents_affected_parties_and_requests_by_route_and_status()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = (await OpenAsync(graph, """{"title": "Region down", "outages": [{"node": "region"}]}""")).GetProperty("id").GetString();
        await Client.GetAsync($"/v1/graphs/{graph}/incidents/nope");

        var metrics = await Client.GetStringAsync("/metrics");

        Assert.That(metrics, Does.Contain($"impactmap_open_incidents{{graph=\"{graph}\"}} 1"));
        Assert.That(metrics, Does.Contain($"impactmap_incident_affected_parties{{graph=\"{graph}\",incident=\"{id}\",state=\"at-risk\"}} 2"));
        Assert.That(metrics, Does.Match("http_requests_received_total\\{code=\"404\",method=\"GET\",[^}]*route=\"/v1/graphs/\\{graph\\}/incidents/\\{id\\}\""));
    }

    private async Task<(string ContentType, string Body)> SendAsync(string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var response = await Client.SendAsync(request);
        return (response.Content.Headers.ContentType!.MediaType!, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Resolution_ends_the_clock_a_party_not_yet_reached_is_spared_and_told_nothing_and_one_reached_is_told_from_when_to_when()
    {
        // Ten minutes into an eu-west-1 outage: PaymentsHub (on its last region after 5 minutes) was reached, KYC
        // Check (a queue that holds 30 minutes) was not.
        var startedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var opened = await Client.PostAsync("/v1/graphs/cloud-region/incidents", ApiServer.Json(JsonSerializer.Serialize(new
        {
            title = "eu-west-1 down", outages = new[] { new { node = "aws-eu-west-1", state = "down" } }, startedAt,
        })));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created), await opened.Content.ReadAsStringAsync());
        var id = (await JsonOf(opened)).GetProperty("id").GetString();
        static IEnumerable<string?> Ids(JsonElement list) => list.EnumerateArray().Select(p => p.GetProperty("id").GetString());
        var before = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}");
        Assert.That(Ids(before.GetProperty("impact").GetProperty("affected")), Does.Contain("kyc-check"), "while it runs, KYC is expected to be hit");
        Assert.That(before.TryGetProperty("spared", out _), Is.False);

        var resolved = await JsonOf(await Client.PostAsync($"/v1/graphs/cloud-region/incidents/{id}/updates",
            ApiServer.Json("""{"status": "resolved", "message": "eu-west-1 is back."}""")));
        var notices = await Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/cloud-region/incidents/{id}/notices");

        Assert.That(Ids(resolved.GetProperty("impact").GetProperty("affected")), Does.Not.Contain("kyc-check").And.Contain("payments-hub"));
        var spared = resolved.GetProperty("spared").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "kyc-check");
        Assert.That(spared.GetProperty("impactAt").GetString(), Is.EqualTo("PT30M"));
        Assert.That(spared.GetProperty("impactFrom").GetDateTimeOffset(), Is.EqualTo(startedAt.AddMinutes(30)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(resolved.GetProperty("impact").GetProperty("counts").GetProperty("down").GetInt32(), Is.EqualTo(2), "CRM and the contact centre; KYC was spared");
        Assert.That(notices.EnumerateArray().Select(n => n.GetProperty("node").GetString()), Does.Not.Contain("kyc-check"), "a party never hit gets no letter");
        var payments = notices.EnumerateArray().Single(n => n.GetProperty("node").GetString() == "payments-hub");
        Assert.That(payments.GetProperty("impactFrom").GetDateTimeOffset(), Is.LessThan(DateTimeOffset.UtcNow), "hit before the end");
        Assert.That(payments.GetProperty("message").GetString(), Does.Contain("Service has been restored"));
        Assert.That(resolved.GetProperty("updates").EnumerateArray().Last().GetProperty("change").GetProperty("recovered").EnumerateArray().Select(e => e.GetString()),
            Does.Not.Contain("kyc-check"), "never hit, so spared, not recovered");
    }
}
