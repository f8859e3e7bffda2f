using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>A graph and its incidents and events go together: none outlives it, none passes to a new graph of its name.</summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class GraphLifecycleTests(string store) : ApiTestBase(store)
{
    [Test]
    public async Task A_graph_with_an_open_incident_is_not_deleted_without_force_and_keeps_everything()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = await OpenIncidentAsync(graph);

        var refused = await Client.DeleteAsync($"/v1/graphs/{graph}");

        var problem = await ProblemOf(refused, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("force=true").And.Contain(id));
        Assert.That(problem.GetProperty("incidents").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { id }));
        Assert.That((await Client.GetAsync($"/v1/graphs/{graph}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}"))).GetProperty("status").GetString(), Is.EqualTo("investigating"));
    }

    [Test]
    public async Task Deleting_with_force_takes_the_incidents_events_and_metrics_along_and_a_new_graph_of_the_name_starts_clean()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = await OpenIncidentAsync(graph);
        Assert.That(await Client.GetStringAsync("/metrics"), Does.Contain($"graph=\"{graph}\""));

        var deleted = await Client.DeleteAsync($"/v1/graphs/{graph}?force=true");

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}"), HttpStatusCode.NotFound);
        Assert.That(await Client.GetStringAsync("/metrics"), Does.Not.Contain($"graph=\"{graph}\""));
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml(SmallGraph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents"))).GetArrayLength(), Is.Zero);
        await ProblemOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}"), HttpStatusCode.NotFound);
        using var events = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", "0");
        var first = await events.NextAsync();
        Assert.That((first.Type, JsonDocument.Parse(first.Data).RootElement.GetProperty("change").GetProperty("kind").GetString()), Is.EqualTo(("graph.changed", "created")),
            "the new graph's stream begins with its own creation, not the old graph's incidents");
    }

    [Test]
    public async Task A_graph_whose_incidents_are_closed_deletes_without_force_and_they_go_with_it()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = await OpenIncidentAsync(graph);
        await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/updates", ApiServer.Json("""{"status": "resolved", "message": "Storage is back."}"""));
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}/incidents/{id}/review", ApiServer.Json("""
            {"whatHappened": "The region's storage controller rebooted in a loop after firmware 8.2 was pushed to both of its heads at once.",
             "whatWeLearned": "The backup region was never tested and its replication had stopped in October.",
             "prevention": [{"action": "Fail over to the backup every quarter", "owner": "platform", "due": "2027-03-01"}]}
            """))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.PostAsync($"/v1/graphs/{graph}/incidents/{id}/close", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That((await Client.DeleteAsync($"/v1/graphs/{graph}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        await CreateGraphAsyncNamed(graph);
        Assert.That((await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents"))).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task An_open_incident_follows_its_graph_recording_who_became_affected_or_recovered()
    {
        var graph = await CreateGraphAsync(SmallGraph);
        var id = await OpenIncidentAsync(graph);
        using var stream = await EventStream.OpenAsync(Client, $"/v1/graphs/{graph}/events", null);

        await Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "cdn", "kind": "supplier"}"""));
        await Client.PostAsync($"/v1/graphs/{graph}/dependencies", ApiServer.Json("""{"from": "cdn", "to": "region"}"""));
        await Client.DeleteAsync($"/v1/graphs/{graph}/dependencies?from=shop&to=app");

        var incident = await JsonOf(await Client.GetAsync($"/v1/graphs/{graph}/incidents/{id}"));
        var updates = incident.GetProperty("updates").EnumerateArray().ToList();
        Assert.That(updates, Has.Count.EqualTo(2), "the node alone changed nothing; each dependency change did");
        Assert.That(updates[0].GetProperty("change").GetProperty("becameAffected").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "cdn" }));
        Assert.That(updates[1].GetProperty("change").GetProperty("recovered").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "shop" }));
        Assert.That(updates[1].GetProperty("message").GetString(), Does.Contain("dependency graph changed"));
        Assert.That(updates[1].GetProperty("status").GetString(), Is.EqualTo("investigating"), "the status stays");
        Assert.That(incident.GetProperty("impact").GetProperty("affected").EnumerateArray().Select(a => a.GetProperty("id").GetString()),
            Is.EquivalentTo(new[] { "app", "cdn" }), "the incident's impact is that of the graph now: app at risk on its backup, cdn new, shop gone");
        var types = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            types.Add((await stream.NextAsync()).Type);
        }

        Assert.That(types, Is.EqualTo(new[]
        {
            "graph.changed", "graph.changed", "incident.updated", "incident.impact-changed", "graph.changed", "incident.updated", "incident.impact-changed",
        }));
    }

    private async Task CreateGraphAsyncNamed(string graph) =>
        Assert.That((await Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml(SmallGraph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));

    private async Task<string> OpenIncidentAsync(string graph)
    {
        var opened = await Client.PostAsync($"/v1/graphs/{graph}/incidents", ApiServer.Json("""{"title": "Region down", "outages": [{"node": "region"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
