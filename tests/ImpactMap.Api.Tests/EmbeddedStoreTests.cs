using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

public class EmbeddedStoreTests
{
    private const string SmallGraph = """
        nodes:
          - {id: region, kind: supplier}
          - {id: app, kind: service}
          - {id: shop, kind: customer}
        dependencies:
          - {from: app, to: region}
          - {from: shop, to: app}
        """;

    [Test]
    public async Task Acknowledged_writes_survive_a_kill_9_and_restart()
    {
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        string document, incident;
        await using (var first = await ApiServer.StartAsync(settings))
        {
            Assert.That((await first.Client.PutAsync("/v1/graphs/kept", ApiServer.Yaml(SmallGraph))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.Client.PostAsync("/v1/graphs/kept/nodes", ApiServer.Json("""{"id": "late", "kind": "customer"}"""))).StatusCode,
                Is.EqualTo(HttpStatusCode.Created));
            Assert.That((await first.Client.DeleteAsync("/v1/graphs/kept/dependencies?from=shop&to=app")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            document = await first.Client.GetStringAsync("/v1/graphs/kept");
            var opened = await first.Client.PostAsync("/v1/graphs/kept/incidents", ApiServer.Json("""{"title": "Region down", "outages": [{"node": "region"}]}"""));
            incident = await opened.Content.ReadAsStringAsync();
            await first.KillAsync();
        }

        await using var second = await ApiServer.StartAsync(settings);
        Assert.That(await second.Client.GetStringAsync("/v1/graphs/kept"), Is.EqualTo(document));
        var id = JsonDocument.Parse(incident).RootElement.GetProperty("id").GetString();
        Assert.That(await second.Client.GetStringAsync($"/v1/graphs/kept/incidents/{id}"), Is.EqualTo(incident), "incidents survive too");
        Assert.That(document, Does.Contain("\"late\"").And.Not.Contain("\"from\":\"shop\""));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_document_of_a_million_dependencies_imports_through_PUT_and_answers()
    {
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(data.Path, samples: false));
        var body = new MemoryStream(LargeDocument(200_003));
        var content = new StreamContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await server.Client.PutAsync("/v1/graphs/large", content);

        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), summary.GetRawText());
        Assert.That(summary.GetProperty("nodes").GetInt32(), Is.EqualTo(200_003));
        Assert.That(summary.GetProperty("dependencies").GetInt32(), Is.EqualTo(1_000_000));
        var impact = await (await server.Client.PostAsync("/v1/graphs/large/impact", ApiServer.Json("""{"outages":[{"node":"n0"}],"limit":10}""")))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(impact.GetProperty("total").GetInt32(), Is.Positive);
        Assert.That(impact.GetProperty("affected").GetArrayLength(), Is.EqualTo(10));
    }

    [Test]
    [Category(TestTiers.Slow)]
    public async Task A_kill_9_during_a_large_import_leaves_the_previous_or_the_new_graph_whole()
    {
        using var data = new TempFolder();
        var settings = ApiServer.EmbeddedSettings(data.Path, samples: false);
        var document = LargeDocument(100_003);
        TimeSpan importTime;
        await using (var first = await ApiServer.StartAsync(settings))
        {
            // One import uninterrupted, on a fresh service like the ones killed below, to know when to kill.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.That((await first.Client.PutAsync("/v1/graphs/big", LargeContent(document))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
            importTime = watch.Elapsed;
            Assert.That((await first.Client.PutAsync("/v1/graphs/big", ApiServer.Yaml(SmallGraph))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        // Early, mid-way and late in the import, while it runs; then once just after it was acknowledged.
        var outcomes = new List<string>();
        foreach (var share in new double?[] { 0.15, 0.5, 0.85, null })
        {
            await using var server = await ApiServer.StartAsync(settings);
            var import = server.Client.PutAsync("/v1/graphs/big", LargeContent(document));
            bool acknowledged;
            if (share is { } s)
            {
                await Task.Delay(importTime * s);
                // Imports vary in length; one that already answered before this kill counts as acknowledged.
                acknowledged = import.IsCompletedSuccessfully && import.Result.StatusCode == HttpStatusCode.OK;
            }
            else
            {
                acknowledged = (await import).StatusCode == HttpStatusCode.OK;
                Assert.That(acknowledged, Is.True);
            }

            await server.KillAsync();
            try
            {
                await import;
            }
            catch (HttpRequestException)
            {
                // Killed mid-request: the client never got an answer.
            }

            await using var restarted = await ApiServer.StartAsync(settings);
            var graphs = await restarted.Client.GetFromJsonAsync<JsonElement>("/v1/graphs");
            var big = graphs.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "big");
            var sizes = (big.GetProperty("nodes").GetInt32(), big.GetProperty("dependencies").GetInt32());
            Assert.That(sizes, Is.AnyOf((3, 2), (100_003, 500_000)), "the previous graph or the new one, never a part");
            var read = await restarted.Client.GetAsync("/v1/graphs/big/nodes?limit=1");
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), "and it loads: every dependency has both its ends");
            var outcome = sizes.Item1 == 3 ? "previous" : "new";
            outcomes.Add(outcome);
            if (acknowledged)
            {
                Assert.That(outcome, Is.EqualTo("new"), "an acknowledged import survives the kill");
            }

            if (outcome == "new")
            {
                await restarted.Client.PutAsync("/v1/graphs/big", ApiServer.Yaml(SmallGraph));
            }
        }

        TestContext.Out.WriteLine($"import {importTime}; after each kill: " + string.Join(", ", outcomes));
        Assert.That(outcomes.Take(3), Does.Contain("previous"), "at least one kill landed before the import committed");
    }

    private static ByteArrayContent LargeContent(byte[] document) => new(document) { Headers = { ContentType = new("application/json") } };

    /// <summary>A deep, wide, acyclic supply chain as JSON: five earlier providers per node, 5 x (nodes - 1000) dependencies in all.</summary>
    private static byte[] LargeDocument(int nodes)
    {
        var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("nodes");
            for (var i = 0; i < nodes; i++)
            {
                json.WriteStartObject();
                json.WriteString("id", $"n{i}");
                json.WriteString("kind", i < 1000 ? "supplier" : "service");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("dependencies");
            for (var i = 1000; i < nodes; i++)
            {
                for (var k = 1; k <= 5; k++)
                {
                    json.WriteStartObject();
                    json.WriteString("from", $"n{i}");
                    json.WriteString("to", $"n{(i * 7 + k * 131) % i}");
                    json.WriteEndObject();
                }
            }

            // The first thousand depend on up to five predecessors each: 4,985 more.
            for (var i = 1; i < 1000; i++)
            {
                for (var k = 1; k <= Math.Min(5, i); k++)
                {
                    json.WriteStartObject();
                    json.WriteString("from", $"n{i}");
                    json.WriteString("to", $"n{i - k}");
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return body.ToArray();
    }
}
