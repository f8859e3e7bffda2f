using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Core.Documents;

namespace ImpactMap.Bench;

/// <summary>
/// A graph of about 1,000,000 dependencies put into a service on Neo4j, then put again (replacing it, so the
/// first is swept while the second is written), listed, and then asked about by another instance on the same
/// Neo4j, which loads it whole from Neo4j for its first answer; with Neo4j's memory after each step and that
/// instance's for its load.
/// </summary>
internal static class Neo4jReplaceRun
{
    public static async Task<int> RunAsync(Uri service, int neo4jProcessId, int nodes, Uri other, int otherProcessId)
    {
        using var client = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(30) };
        var graph = TieredGraphs.Generate(nodes, withTolerances: true);
        var document = Encoding.UTF8.GetBytes(GraphDocuments.ToJson(GraphDocuments.FromGraph(graph)));
        Console.WriteLine($"| step | time | Neo4j resident (peak) | answer |");
        Console.WriteLine($"| --- | --- | --- | --- |");
        for (var i = 1; i <= 2; i++)
        {
            var watch = Stopwatch.StartNew();
            using var content = new ByteArrayContent(document) { Headers = { ContentType = new("application/json") } };
            using var response = await client.PutAsync("/v1/graphs/large", content);
            Report($"PUT {i} ({graph.Nodes.Count:N0} nodes, {graph.Dependencies.Count:N0} dependencies, {document.Length / 1e6:0} MB)",
                watch.Elapsed, neo4jProcessId, $"{(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode)
            {
                Console.WriteLine(await response.Content.ReadAsStringAsync());
                return 1;
            }
        }

        var read = Stopwatch.StartNew();
        // Another instance would read it from Neo4j; the listing counts what Neo4j holds for the graph.
        var listed = (await client.GetFromJsonAsync<JsonElement>("/v1/graphs")).EnumerateArray().Single(g => g.GetProperty("name").GetString() == "large");
        Report("listing", read.Elapsed, neo4jProcessId, $"{listed.GetProperty("nodes").GetInt32():N0} nodes, {listed.GetProperty("dependencies").GetInt32():N0} dependencies");
        if (listed.GetProperty("dependencies").GetInt32() != graph.Dependencies.Count)
        {
            return 1;
        }

        using var otherClient = new HttpClient { BaseAddress = other, Timeout = TimeSpan.FromMinutes(10) };
        var hub = graph.Dependencies.GroupBy(d => d.To).MaxBy(g => g.Count())!.Key;
        var before = MemoryRun.Resident(otherProcessId);
        var load = Stopwatch.StartNew();
        using var first = await otherClient.GetAsync($"/v1/graphs/large/nodes/{hub}/impact?limit=0");
        Report($"another instance's first impact of {hub} (loads the graph; that instance {before} before, {MemoryRun.Resident(otherProcessId)} after)",
            load.Elapsed, neo4jProcessId, $"{(int)first.StatusCode} {Shorten(await first.Content.ReadAsStringAsync())}");
        var again = Stopwatch.StartNew();
        using var second = await otherClient.GetAsync($"/v1/graphs/large/nodes/{hub}/impact?limit=0");
        Report("its second, from memory", again.Elapsed, neo4jProcessId, $"{(int)second.StatusCode}");
        return first.IsSuccessStatusCode && second.IsSuccessStatusCode ? 0 : 1;
    }

    private static string Shorten(string body) => body.Length > 200 ? body[..200] + "…" : body;

    private static void Report(string step, TimeSpan elapsed, int processId, string answer) =>
        Console.WriteLine($"| {step} | {elapsed.TotalSeconds:0.0} s | {MemoryRun.Resident(processId)} | {answer} |");
}
