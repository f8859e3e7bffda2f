using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>Neo4j killed under load and started again: bounded 503s, then recovery, with nothing acknowledged lost.</summary>
[NonParallelizable] // it stops the Neo4j every other Neo4j fixture uses
[Category(TestTiers.Neo4j)]
public class Neo4jFaultTests
{
    [Test]
    public async Task Neo4j_going_down_gives_503_with_Retry_After_and_the_service_recovers_with_every_acknowledged_write()
    {
        using var data = new TempFolder();
        await using var server = await ApiServer.StartAsync(await ApiStores.SettingsAsync("neo4j", data.Path, samples: false));
        var client = server.Client;
        var graph = "fault-" + Guid.NewGuid().ToString("N")[..8];
        Assert.That((await client.PutAsync($"/v1/graphs/{graph}", ApiServer.Yaml("nodes: [{id: root, kind: supplier}]"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));

        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json($$"""{"id": "n{{i}}", "kind": "service"}"""));
                    if (response.IsSuccessStatusCode)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add($"n{i}");
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // The service itself must stay up; a failed call is judged below, not here.
                }

                await Task.Delay(20);
            }
        });
        await Task.Delay(1000);

        Neo4jTestServer.Stop();
        // Reads trust the version they last saw for the version check interval (1 s by default): past it, they ask.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var watch = Stopwatch.StartNew();
        var read = await client.GetAsync($"/v1/graphs/{graph}");
        var readTook = watch.Elapsed;
        var write = await client.PostAsync($"/v1/graphs/{graph}/nodes", ApiServer.Json("""{"id": "during", "kind": "service"}"""));
        var ready = await client.GetAsync("/health/ready");

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await read.Content.ReadAsStringAsync());
        Assert.That(read.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(read.Headers.RetryAfter, Is.Not.Null);
        Assert.That(readTook, Is.LessThan(TimeSpan.FromSeconds(20)), "a bounded wait, not a hang");
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        await Neo4jTestServer.RestartAsync();
        var recovered = false;
        for (var attempt = 0; attempt < 120 && !recovered; attempt++)
        {
            recovered = (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
            await Task.Delay(500);
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        await writer;

        Assert.That(recovered, Is.True, "ready again once Neo4j answers");
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/graphs/{graph}/nodes?limit=1000");
        var stored = page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToHashSet();
        Assert.That(acknowledged, Is.Not.Empty);
        Assert.That(stored, Is.SupersetOf(acknowledged), "every acknowledged write survived");
        Assert.That(server.Output, Does.Not.Contain("responded 500"));
    }
}
