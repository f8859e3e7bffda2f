using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// The service killed (SIGKILL) while it writes a large replace into Neo4j in many transactions: after a restart
/// the graph is the previous one or the new one, whole, never a mix.
/// </summary>
[Category(TestTiers.Neo4j)]
public class Neo4jReplaceKillTests
{
    private static string Document(int size, string kind) => JsonSerializer.Serialize(new
    {
        nodes = Enumerable.Range(0, size).Select(i => new { id = $"n{i}", kind }),
        dependencies = Enumerable.Range(1, size - 1).SelectMany(i => new[] { i - 1, i / 2 }.Distinct().Select(p => new { from = $"n{i}", to = $"n{p}" })),
    });

    private static (List<string> Nodes, List<string> Dependencies) Content(JsonElement document) =>
        (document.GetProperty("nodes").EnumerateArray().Select(n => $"{n.GetProperty("id").GetString()}:{n.GetProperty("kind").GetString()}").ToList(),
         document.GetProperty("dependencies").EnumerateArray().Select(d => $"{d.GetProperty("from").GetString()}>{d.GetProperty("to").GetString()}").ToList());

    [Test]
    public async Task Killed_at_any_moment_of_a_replace_in_many_transactions_the_graph_is_the_previous_or_the_new_one_whole()
    {
        using var data = new TempFolder();
        var settings = await ApiStores.SettingsAsync("neo4j", data.Path, samples: false);
        // 200 rows a transaction: a 3,000-node replace is some 40 transactions, so a kill lands between them.
        settings["ImpactMap:Neo4j:BatchSize"] = "200";
        var server = await ApiServer.StartAsync(settings);
        try
        {
            var graph = "killed-" + Guid.NewGuid().ToString("N")[..8];
            var first = await server.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json(Document(2000, "resource")));
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
            // A replace of the size below, timed once warm, to place the kills within one.
            var previous = Document(3000, "service");
            var watch = Stopwatch.StartNew();
            Assert.That((await server.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json(previous))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var oneReplace = watch.Elapsed;

            var outcomes = new List<string>();
            foreach (var (share, size) in new[] { (0.1, 3000), (0.6, 3100), (1.2, 3200) })
            {
                var next = Document(size, $"customer-{size}");
                var put = server.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json(next));
                await Task.WhenAny(put, Task.Delay(oneReplace * share));
                await server.KillAsync();
                await server.DisposeAsync();
                server = await ApiServer.StartAsync(settings);

                var stored = Content(JsonDocument.Parse(await server.Client.GetStringAsync($"/v1/graphs/{graph}")).RootElement);
                var (old, @new) = (Content(JsonDocument.Parse(previous).RootElement), Content(JsonDocument.Parse(next).RootElement));
                var isNew = stored.Nodes.SequenceEqual(@new.Nodes);
                var whole = isNew ? @new : old;
                Assert.That(stored.Nodes, Is.EqualTo(whole.Nodes), $"killed at {share:P0} of a replace");
                Assert.That(stored.Dependencies, Is.EqualTo(whole.Dependencies), $"killed at {share:P0} of a replace");
                var listed = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/graphs")).RootElement.EnumerateArray().Single(g => g.GetProperty("name").GetString() == graph);
                Assert.That(listed.GetProperty("nodes").GetInt32(), Is.EqualTo(whole.Nodes.Count), "the listing counts the content shown, not what was being written");
                outcomes.Add(isNew ? "new" : "previous");
                previous = isNew ? next : previous;
            }

            TestContext.Out.WriteLine($"one replace took {oneReplace.TotalSeconds:F1} s; after each kill the graph was: {string.Join(", ", outcomes)}");
            Assert.That(outcomes, Does.Contain("previous"), "some kill landed before the switch");

            // And the service goes on: a replace after the kills lands whole.
            var last = Document(1000, "supplier");
            Assert.That((await server.Client.PutAsync($"/v1/graphs/{graph}", ApiServer.Json(last))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var after = Content(JsonDocument.Parse(await server.Client.GetStringAsync($"/v1/graphs/{graph}")).RootElement);
            Assert.That(after.Nodes, Is.EqualTo(Content(JsonDocument.Parse(last).RootElement).Nodes));
            Assert.That(after.Dependencies, Is.EqualTo(Content(JsonDocument.Parse(last).RootElement).Dependencies));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
