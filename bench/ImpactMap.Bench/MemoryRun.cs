using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImpactMap.Core.Documents;

namespace ImpactMap.Bench;

/// <summary>
/// What the service holds after the work of a day on a large graph: the 100,000-node / 500,000-dependency
/// tiered graph put 10 times (each replacing the last), an incident on its most depended-upon node, every
/// page of that incident's notices and impact. Prints a row per step with the service's resident memory,
/// read from /proc by the process id the caller gives. With IMPACTMAP_BENCH_GCDUMP set to a folder, a
/// dotnet-gcdump of the service is written there after each step (what its managed heap holds, by type).
/// </summary>
internal static class MemoryRun
{
    public static async Task<int> RunAsync(Uri service, int processId, int nodes)
    {
        using var client = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(10) };
        var graph = TieredGraphs.Generate(nodes, withTolerances: true);
        var document = Encoding.UTF8.GetBytes(GraphDocuments.ToJson(GraphDocuments.FromGraph(graph)));
        Console.WriteLine($"| step | time | service resident (peak) | managed heap |");
        Console.WriteLine($"| --- | --- | --- | --- |");
        var dumps = Environment.GetEnvironmentVariable("IMPACTMAP_BENCH_GCDUMP");
        var steps = 0;
        async Task Step(string step, TimeSpan elapsed)
        {
            Report(step, elapsed, processId, await ManagedHeapAsync(client));
            if (!string.IsNullOrEmpty(dumps))
            {
                using var dump = Process.Start("dotnet-gcdump", ["collect", "-p", processId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-o", Path.Combine(dumps, $"step{++steps}.gcdump")])!;
                await dump.WaitForExitAsync();
            }
        }
        await Step("started", TimeSpan.Zero);
        for (var i = 1; i <= 10; i++)
        {
            var watch = Stopwatch.StartNew();
            using var content = new ByteArrayContent(document) { Headers = { ContentType = new("application/json") } };
            (await client.PutAsync("/v1/graphs/large", content)).EnsureSuccessStatusCode();
            await Step($"PUT {i} ({graph.Nodes.Count:N0} nodes, {graph.Dependencies.Count:N0} dependencies, {document.Length / 1e6:0} MB)", watch.Elapsed);
        }

        var hub = graph.Dependencies.GroupBy(d => d.To).MaxBy(g => g.Count())!.Key;
        var open = Stopwatch.StartNew();
        var opened = await client.PostAsync("/v1/graphs/large/incidents", JsonContent.Create(new { title = "hub down", outages = new[] { new { node = hub } } }));
        opened.EnsureSuccessStatusCode();
        var incident = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var id = incident.GetProperty("id").GetString();
        await Step($"incident on {hub} ({incident.GetProperty("impact").GetProperty("total").GetInt32():N0} affected)", open.Elapsed);

        var pages = 0;
        var notices = Stopwatch.StartNew();
        string? next = $"/v1/graphs/large/incidents/{id}/notices";
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            response.EnsureSuccessStatusCode();
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? links.First()[1..links.First().IndexOf('>', StringComparison.Ordinal)] : null;
        }

        await Step($"every notice, {pages} pages of 1,000", notices.Elapsed);
        var impact = Stopwatch.StartNew();
        (await client.GetAsync($"/v1/graphs/large/incidents/{id}/impact?paths=none&limit=100000")).EnsureSuccessStatusCode();
        await Step("the incident's whole impact, paths=none", impact.Elapsed);
        return 0;
    }

    /// <summary>What the service's /metrics says its managed heap holds (GC.GetTotalMemory, without forcing a collection).</summary>
    private static async Task<string> ManagedHeapAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_total_memory_bytes ", StringComparison.Ordinal));
        return line is null ? "?" : $"{double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) / (1 << 20):0} MB";
    }

    private static void Report(string step, TimeSpan elapsed, int processId, string managedHeap) =>
        Console.WriteLine($"| {step} | {elapsed.TotalSeconds:0.0} s | {Resident(processId)} | {managedHeap} |");

    /// <summary>A process's resident memory now and at its peak, from /proc: "812 MB (907 MB)".</summary>
    public static string Resident(int processId)
    {
        var status = File.ReadAllLines($"/proc/{processId}/status");
        long Kb(string key) => long.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture);
        return $"{Kb("VmRSS:") / 1024} MB ({Kb("VmHWM:") / 1024} MB)";
    }
}
