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
    public async Task A_document_of_a_million_dependencies_imports_through_PUT_and_answers()
    {
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(ApiServer.EmbeddedSettings(data.Path, samples: false));
        const int nodes = 200_003;
        var body = new MemoryStream();
        await using (var json = new Utf8JsonWriter(body))
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
                // Five providers each, all earlier: a deep, wide, acyclic supply chain; 995,015 here and 4,985 below.
                for (var k = 1; k <= 5; k++)
                {
                    json.WriteStartObject();
                    json.WriteString("from", $"n{i}");
                    json.WriteString("to", $"n{(i * 7 + k * 131) % i}");
                    json.WriteEndObject();
                }
            }

            for (var i = 1; i <= 1000; i++)
            {
                for (var k = 1; k <= 5 && i - k >= 0; k++)
                {
                    if (i < 1000 && k <= i)
                    {
                        json.WriteStartObject();
                        json.WriteString("from", $"n{i}");
                        json.WriteString("to", $"n{i - k}");
                        json.WriteEndObject();
                    }
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        body.Position = 0;
        var content = new StreamContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await server.Client.PutAsync("/v1/graphs/large", content);

        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), summary.GetRawText());
        Assert.That(summary.GetProperty("nodes").GetInt32(), Is.EqualTo(nodes));
        Assert.That(summary.GetProperty("dependencies").GetInt32(), Is.EqualTo(1_000_000));
        var impact = await (await server.Client.PostAsync("/v1/graphs/large/impact", ApiServer.Json("""{"outages":[{"node":"n0"}],"limit":10}""")))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(impact.GetProperty("total").GetInt32(), Is.Positive);
        Assert.That(impact.GetProperty("affected").GetArrayLength(), Is.EqualTo(10));
    }
}
