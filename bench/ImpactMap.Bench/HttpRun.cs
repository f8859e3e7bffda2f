using System.Diagnostics;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Storage.Sqlite;

namespace ImpactMap.Bench;

/// <summary>
/// The HTTP layer's cost on the default impact answer: the blast radius of the most depended-upon node of the
/// tiered graph, the first 1,000 with their chains, asked of the engine in this process and of the service over
/// loopback (the whole answer read), in interleaved rounds; the ratio is the median of the per-round ratios.
/// The graph goes into the service's SQLite store directly (<c>prepare</c>), since its document passes a PUT's size limit.
/// </summary>
internal static class HttpRun
{
    public static async Task<int> PrepareAsync(string dataDirectory, int nodes)
    {
        var graph = TieredGraphs.Generate(nodes, withTolerances: false);
        var database = new SqliteDatabase(Path.Combine(dataDirectory, "impactmap.db"), TimeProvider.System);
        await database.InitializeAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await new SqliteGraphStore(database).ReplaceAsync("large", graph, null, null, CancellationToken.None);
        Console.WriteLine($"stored {graph.Nodes.Count:N0} nodes, {graph.Dependencies.Count:N0} dependencies in {watch.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    public static async Task<int> RunAsync(Uri service, int nodes)
    {
        var graph = TieredGraphs.Generate(nodes, withTolerances: false);
        var engine = new PropagationEngine(graph);
        var compiled = engine.Compiled;
        var origin = compiled.IdOf(Enumerable.Range(0, compiled.Count).MaxBy(compiled.DependentCount));
        var query = new ImpactQuery([new Outage(origin)], Limit: 1000);
        using var client = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromMinutes(10) };
        var url = $"/v1/graphs/large/nodes/{origin}/impact";

        var load = Stopwatch.StartNew();
        var first = await client.GetAsync(url);
        first.EnsureSuccessStatusCode();
        var bytes = (await first.Content.ReadAsByteArrayAsync()).Length;
        Console.WriteLine($"origin {origin}; the service's first answer (loading the graph from its store) {load.Elapsed.TotalSeconds:0.0} s, {bytes:N0} bytes");

        const int Rounds = 41;
        var (engineTimes, httpTimes) = (new double[Rounds], new double[Rounds]);
        ImpactResult result = null!;
        for (var round = -5; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            result = engine.Impact(query);
            var engineMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsByteArrayAsync();
            var httpMs = watch.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode || body.Length != bytes)
            {
                Console.WriteLine($"answer changed: {(int)response.StatusCode}, {body.Length} bytes");
                return 1;
            }

            if (round >= 0)
            {
                (engineTimes[round], httpTimes[round]) = (engineMs, httpMs);
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        Console.WriteLine($"| the engine in process: {result.Affected.Count:N0} listed of {result.Total:N0} | {Median(engineTimes):0.0} ms | |");
        Console.WriteLine($"| the same through HTTP on loopback ({bytes:N0} bytes read) | {Median(httpTimes):0.0} ms | "
            + $"{Median(httpTimes.Zip(engineTimes, (h, e) => h / e)):0.00}x the engine (median of the per-round ratios) |");
        return 0;
    }
}
