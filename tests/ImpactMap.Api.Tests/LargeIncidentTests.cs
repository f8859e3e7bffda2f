using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// Text-only updates of a 100,000-party incident once took 0.3-0.9 s each and grew a fresh instance from 364 MB to
/// 2.3 GB over 40 of them, each writing the whole impact again. An update now writes what changed: the process stays
/// under 1 GB on its own instance, and the incident reads back whole.
/// </summary>
[TestFixtureSource(typeof(ApiStores), nameof(ApiStores.All))]
public class LargeIncidentTests(string store)
{
    private const long OneGigabyte = 1L << 30;
    private const int Customers = 100_000;

    [Test]
    [Category(TestTiers.Slow)]
    public async Task Forty_text_updates_of_a_hundred_thousand_party_incident_keep_the_process_small_and_the_incident_whole()
    {
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(await ApiStores.SettingsAsync(store, data.Path, samples: false));
        var graph = new StringBuilder("""{"nodes":[{"id":"hub","kind":"supplier"}""");
        for (var i = 0; i < Customers; i++)
        {
            graph.Append($$""",{"id":"c{{i}}","kind":"customer"}""");
        }

        graph.Append("""],"dependencies":[""").AppendJoin(',', Enumerable.Range(0, Customers).Select(i => $$"""{"from":"c{{i}}","to":"hub"}""")).Append("]}");
        Assert.That((await server.Client.PutAsync("/v1/graphs/star", ApiServer.Json(graph.ToString()))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var opened = await server.Client.PostAsync("/v1/graphs/star/incidents", ApiServer.Json("""{"title": "Hub down", "outages": [{"node": "hub"}]}"""));
        Assert.That(opened.StatusCode, Is.EqualTo(HttpStatusCode.Created), await opened.Content.ReadAsStringAsync());
        var id = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        for (var i = 0; i < 40; i++)
        {
            var update = await server.Client.PostAsync($"/v1/graphs/star/incidents/{id}/updates",
                ApiServer.Json($$"""{"status": "identified", "message": "update {{i}}"}"""));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.OK), await update.Content.ReadAsStringAsync());
        }

        Assert.That(server.PeakResidentBytes, Is.LessThan(OneGigabyte), "the service's peak resident memory");
        // Another instance reads it from the store alone: every party is still there, with the forty updates.
        await using var other = await ApiServer.StartAsync(await ApiStores.SettingsAsync(store, data.Path, samples: false));
        var incident = await other.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/star/incidents/{id}");
        var impact = await other.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/star/incidents/{id}/impact?limit=100000&paths=none");
        Assert.That(incident.GetProperty("updates").GetArrayLength(), Is.EqualTo(40));
        Assert.That(incident.GetProperty("impact").GetProperty("counts").GetProperty("down").GetInt32(), Is.EqualTo(Customers));
        Assert.That(impact.GetProperty("affected").GetArrayLength(), Is.EqualTo(Customers));
    }
}
