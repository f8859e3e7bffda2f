using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Two service instances on one Neo4j, as in production behind a load balancer.</summary>
[Category(TestTiers.Neo4j)]
public class Neo4jInstancesTests
{
    [Test]
    public async Task Without_a_version_check_interval_instances_on_one_Neo4j_see_each_others_writes_before_answering()
    {
        using var dataA = new TempFolder();
        using var dataB = new TempFolder();
        await using var a = await ApiServer.StartAsync(await AskingEveryTimeAsync(dataA.Path));
        await using var b = await ApiServer.StartAsync(await AskingEveryTimeAsync(dataB.Path));
        var graph = "shared-" + Guid.NewGuid().ToString("N")[..8];
        await a.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml("""
            nodes: [{id: region, kind: supplier}, {id: app, kind: service}]
            dependencies: [{from: app, to: region}]
            """));
        var seenByB = await b.Client.PostAsync($"/v1/graphs/{graph}/impact", ApiServer.Json("""{"outages":[{"node":"region"}]}"""));
        Assert.That((await seenByB.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("total").GetInt32(), Is.EqualTo(1));

        // B changes the graph; A, which has the old version cached with its engine, must answer for the new one.
        await b.Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "shop", "kind": "customer"}"""));
        await b.Client.PostAsync($"/v1/graphs/{graph}/dependencies", ApiServer.Json("""{"from": "shop", "to": "app"}"""));
        var seenByA = await (await a.Client.PostAsync($"/v1/graphs/{graph}/impact", ApiServer.Json("""{"outages":[{"node":"region"}]}""")))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(seenByA.GetProperty("total").GetInt32(), Is.EqualTo(2));
        Assert.That(seenByA.GetProperty("affected")[1].GetProperty("path").GetRawText(), Is.EqualTo("""["region","app","shop"]"""));

        var writes = Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).Client.PostAsync($"/v1/graphs/{graph}/nodes",
            ApiServer.Json($$"""{"id": "w{{i}}", "kind": "service"}"""))).ToList();
        Assert.That((await Task.WhenAll(writes)).Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.Created));
        var page = await a.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes?limit=100");
        var pageB = await b.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes?limit=100");
        var listed = (await a.Client.GetFromJsonAsync<JsonElement>("/v1/graphs")).EnumerateArray().Single(g => g.GetProperty("name").GetString() == graph);
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.EqualTo(23),
            $"no write lost between instances (B sees {pageB.GetProperty("items").GetArrayLength()}, the store lists {listed.GetProperty("nodes")} at version {listed.GetProperty("version")}; A: {page.GetRawText()[..200]})");
    }

    [Test]
    public async Task With_a_version_check_interval_own_writes_are_seen_at_once_and_other_instances_within_it()
    {
        using var dataA = new TempFolder();
        using var dataB = new TempFolder();
        var settingsA = await ApiStores.SettingsAsync("neo4j", dataA.Path, samples: false);
        settingsA["ImpactMap:VersionCheckInterval"] = "00:00:05";
        await using var a = await ApiServer.StartAsync(settingsA);
        await using var b = await ApiServer.StartAsync(await ApiStores.SettingsAsync("neo4j", dataB.Path, samples: false));
        var graph = "interval-" + Guid.NewGuid().ToString("N")[..8];
        await a.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml("nodes: [{id: region, kind: supplier}]"));
        await a.Client.GetAsync($"/v1/graphs/{graph}");

        await a.Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "app", "kind": "service"}"""));
        var own = await a.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes");
        await b.Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "shop", "kind": "customer"}"""));
        // A write decides on the stored graph, not on the version reads trust for the interval.
        var writeOnStale = await a.Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "crm", "kind": "supplier"}"""));
        await b.Client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "bank", "kind": "service"}"""));
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var other = await a.Client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes");

        Assert.That(own.GetProperty("items").GetArrayLength(), Is.EqualTo(2), "this instance's own write, at once");
        Assert.That(writeOnStale.StatusCode, Is.EqualTo(HttpStatusCode.Created), await writeOnStale.Content.ReadAsStringAsync());
        Assert.That(other.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()),
            Is.EquivalentTo(new[] { "region", "app", "shop", "crm", "bank" }), "another instance's writes, once the interval has passed, and none lost");
    }

    private static async Task<Dictionary<string, string>> AskingEveryTimeAsync(string data)
    {
        var settings = await ApiStores.SettingsAsync("neo4j", data, samples: false);
        settings["ImpactMap:VersionCheckInterval"] = "00:00:00";
        return settings;
    }
}
