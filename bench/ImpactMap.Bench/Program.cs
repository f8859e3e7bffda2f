using System.Diagnostics;
using ImpactMap.Bench;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using QuikGraph;
using QuikGraph.Algorithms.Search;

// Figures for bench/README.md. Usage: dotnet run -c Release --project bench/ImpactMap.Bench [nodes] [criticality-nodes]
//   or: ... -- load URL RATE SECONDS WRITE-SHARE [API-KEY]  (fixed-rate load against a running service; see bench/load.sh)
if (args is ["load", var loadUrl, var loadRate, var loadSeconds, var writeShare, ..])
{
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    return await LoadTest.RunAsync(new Uri(loadUrl), int.Parse(loadRate, invariant), TimeSpan.FromSeconds(int.Parse(loadSeconds, invariant)),
        double.Parse(writeShare, invariant), args.Length > 5 ? args[5] : null);
}

var nodeCount = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var criticalityNodes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}");

var sw = Stopwatch.StartNew();
var timed = TieredGraphs.Generate(nodeCount, withTolerances: true);
var plain = TieredGraphs.Generate(nodeCount, withTolerances: false);
Console.WriteLine($"generated 2 x {timed.Nodes.Count:N0} nodes, {timed.Dependencies.Count:N0} dependencies, " +
                  $"{timed.Dependencies.Count(d => d.Group is not null) * 100.0 / timed.Dependencies.Count:0.0}% grouped, in {sw.Elapsed.TotalSeconds:0.0} s");

// Build: the engine's structure from the model, and what it keeps per dependency.
CompiledGraph compiled = null!;
var buildMs = Median(5, () => compiled = new CompiledGraph(plain));
var before = GC.GetTotalMemory(forceFullCollection: true);
var kept = new CompiledGraph(plain);
var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
GC.KeepAlive(kept);
Report("build CompiledGraph", buildMs, "< 1000 ms");
Console.WriteLine($"| engine structure | {bytes / (double)plain.Dependencies.Count:0.0} bytes per dependency | < 30 |");

// The most depended-upon node: the most direct dependents.
var origin = Enumerable.Range(0, compiled.Count).MaxBy(compiled.DependentCount);
var originId = compiled.IdOf(origin);
Console.WriteLine($"origin {originId}: {compiled.DependentCount(origin):N0} direct dependents");

var reached = 0;
var bfsMs = Median(9, () => reached = PlainBreadthFirst(compiled, origin));
Console.WriteLine($"| plain BFS over the reverse arrays | {bfsMs:0.0} ms | reaches {reached:N0} |");

var engine = new PropagationEngine(compiled);
ImpactResult blast = null!;
var blastMs = Median(9, () => blast = engine.Impact(new ImpactQuery([new Outage(originId)], Limit: 1000)));
Report($"blast radius ({blast.Total:N0} affected: {blast.Counts.Down:N0} down, {blast.Counts.Degraded:N0} degraded, {blast.Counts.AtRisk:N0} at-risk)",
    blastMs, $"< {2 * bfsMs:0} ms (2 x BFS); ratio {blastMs / bfsMs:0.00}");

var countOnlyMs = Median(9, () => engine.Impact(new ImpactQuery([new Outage(originId)], Limit: 0)));
Report("blast radius, counts only (limit 0)", countOnlyMs, $"ratio {countOnlyMs / bfsMs:0.00}");

{
    double run = 0, collect = 0, reset = 0;
    var origins = new[] { (origin, NodeState.Down) };
    for (var i = 0; i < 10; i++)
    {
        var ws = engine.Rent();
        var t0 = Stopwatch.GetTimestamp();
        ImpactMap.Core.Engine.Propagation.Run(compiled, ws, origins, false, long.MaxValue, default);
        var t1 = Stopwatch.GetTimestamp();
        ImpactMap.Core.Engine.ImpactSelection.Collect(compiled, ws, origins, 0);
        var t2 = Stopwatch.GetTimestamp();
        engine.Return(ws);
        var t3 = Stopwatch.GetTimestamp();
        if (i >= 5)
        {
            run += Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds / 5;
            collect += Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds / 5;
            reset += Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds / 5;
        }
    }

    Console.WriteLine($"| phases: propagate {run:0.0} ms, count {collect:0.0} ms, reset {reset:0.0} ms | | |");
}

var timedEngine = new PropagationEngine(new CompiledGraph(timed));
ImpactResult withTimes = null!;
var timedMs = Median(9, () => withTimes = timedEngine.Impact(new ImpactQuery([new Outage(originId)], Limit: 1000)));
Report($"impactAt ({withTimes.Total:N0} affected, 30% of dependencies with tolerances)", timedMs,
    $"< {2.5 * blastMs:0} ms (2.5 x blast radius); ratio {timedMs / blastMs:0.00}");

// A small blast radius: a node in the last tier but one, with a few dependents.
var small = Enumerable.Range(0, compiled.Count).First(i => compiled.IdOf(i) == $"n{(int)(compiled.Count * 0.35)}");
var smallId = compiled.IdOf(small);
ImpactResult smallResult = null!;
var smallUs = Median(2001, () => smallResult = engine.Impact(new ImpactQuery([new Outage(smallId)], Limit: 1000))) * 1000;
Console.WriteLine($"| small blast radius ({smallResult.Total} affected) | {smallUs:0.0} µs | microseconds, independent of graph size |");

// QuikGraph on the same graph, for the record.
var quik = new AdjacencyGraph<int, SEdge<int>>(allowParallelEdges: false, compiled.Count);
quik.AddVertexRange(Enumerable.Range(0, compiled.Count));
for (var provider = 0; provider < compiled.Count; provider++)
{
    for (var slot = compiled.DependentStart[provider]; slot < compiled.DependentStart[provider + 1]; slot++)
    {
        quik.AddEdge(new SEdge<int>(provider, compiled.Edges[slot].Dependent));
    }
}

var quikMs = Median(3, () =>
{
    var bfs = new BreadthFirstSearchAlgorithm<int, SEdge<int>>(quik);
    bfs.SetRootVertex(origin);
    bfs.Compute();
});
Console.WriteLine($"| QuikGraph BFS (AdjacencyGraph) | {quikMs:0.0} ms | {quikMs / bfsMs:0.0} x the plain BFS |");
quik = null;

// Criticality: every node failed alone, exactly.
var smaller = new PropagationEngine(TieredGraphs.Generate(criticalityNodes, withTolerances: false));
sw.Restart();
var ranking = smaller.Criticality(10);
Console.WriteLine($"| criticality of {criticalityNodes:N0} nodes, {smaller.Graph.Graph.Dependencies.Count:N0} dependencies | {sw.Elapsed.TotalSeconds:0.0} s | < 60 s; top: {ranking[0].Id} takes down {ranking[0].Down:N0} |");

var cyclesMs = Median(3, () => engine.Cycles());
Console.WriteLine($"| cycles (Tarjan) on the large graph | {cyclesMs:0} ms | |");

return 0;

static void Report(string what, double ms, string target) => Console.WriteLine($"| {what} | {ms:0.0} ms | {target} |");

static double Median(int runs, Action action)
{
    action();
    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    return times[runs / 2];
}

// The baseline: breadth-first search over the same reverse adjacency arrays, ignoring states.
static int PlainBreadthFirst(CompiledGraph g, int origin)
{
    var visited = new bool[g.Count];
    var queue = new int[g.Count];
    int head = 0, tail = 0;
    queue[tail++] = origin;
    visited[origin] = true;
    while (head < tail)
    {
        var node = queue[head++];
        for (var slot = g.DependentStart[node]; slot < g.DependentStart[node + 1]; slot++)
        {
            var next = g.Edges[slot].Dependent;
            if (!visited[next])
            {
                visited[next] = true;
                queue[tail++] = next;
            }
        }
    }

    return tail - 1;
}
