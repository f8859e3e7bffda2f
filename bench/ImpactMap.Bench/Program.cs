using System.Diagnostics;
using ImpactMap.Bench;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using QuikGraph;
using QuikGraph.Algorithms.Search;

// Figures for bench/README.md. Usage: dotnet run -c Release --project bench/ImpactMap.Bench [nodes] [criticality-nodes]
//   or: ... -- load URL RATE SECONDS WRITE-SHARE [API-KEY]  (fixed-rate load against a running service; see bench/load.sh)
//   or: ... -- memory URL SERVICE-PID [NODES]  (the service's memory after a day's work on a large graph; see bench/memory.sh)
//   or: ... -- resilience NODES [RANKED]  (cut sets and unavailability by cone size, and a ranking of RANKED customers (10,000; 0: none), on the tiered graph)
//   or: ... -- logging [LINES] > FILE  (the CPU a request log line costs, three console sinks; see bench/README.md)
//   or: ... -- http-prepare DATA-DIR NODES, then http URL NODES  (the HTTP layer's cost on the default impact answer; see bench/http.sh)
//   or: ... -- import URL [ENTITIES]  (a generated Backstage catalog imported and merged through the service; see bench/import.sh)
//   or: ... -- console URL GRAPHS-FOLDER  (the web console's speed in Chromium; see bench/console.sh)
//   or: ... -- neo4j-replace URL NEO4J-PID NODES OTHER-URL OTHER-PID  (a 1,000,000-dependency PUT into Neo4j, loaded by another instance; see bench/neo4j-replace.sh)
if (args is ["load", var loadUrl, var loadRate, var loadSeconds, var writeShare, ..])
{
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    return await LoadTest.RunAsync(new Uri(loadUrl), int.Parse(loadRate, invariant), TimeSpan.FromSeconds(int.Parse(loadSeconds, invariant)),
        double.Parse(writeShare, invariant), args.Length > 5 ? args[5] : null);
}

if (args is ["memory", var memoryUrl, var memoryPid, ..])
{
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    return await MemoryRun.RunAsync(new Uri(memoryUrl), int.Parse(memoryPid, invariant), args.Length > 3 ? int.Parse(args[3], invariant) : 100_000);
}

if (args is ["http-prepare", var httpData, var httpNodes])
{
    return await HttpRun.PrepareAsync(httpData, int.Parse(httpNodes, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["http", var httpUrl, var httpGraphNodes])
{
    return await HttpRun.RunAsync(new Uri(httpUrl), int.Parse(httpGraphNodes, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["import", var importUrl, ..])
{
    return await ImportRun.RunAsync(new Uri(importUrl), args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}

if (args is ["logging", ..])
{
    return LogRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400_000);
}

if (args is ["resilience", var resilienceNodes, ..])
{
    return ResilienceRun.Run(int.Parse(resilienceNodes, System.Globalization.CultureInfo.InvariantCulture),
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
}

if (args is ["neo4j-replace", var neo4jUrl, var neo4jPid, var replaceNodes, var otherUrl, var otherPid])
{
    var invariant = System.Globalization.CultureInfo.InvariantCulture;
    return await Neo4jReplaceRun.RunAsync(new Uri(neo4jUrl), int.Parse(neo4jPid, invariant), int.Parse(replaceNodes, invariant),
        new Uri(otherUrl), int.Parse(otherPid, invariant));
}

if (args is ["console", var consoleUrl, var graphsFolder, ..])
{
    return await ConsoleRun.RunAsync(new Uri(consoleUrl), graphsFolder);
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

// The plain BFS and the engine's two ways of asking, in interleaved rounds: the machine is shared and noisy,
// and noise then hits all three alike. Each ratio is the median of the per-round ratios.
var engine = new PropagationEngine(compiled);
var listing = new ImpactQuery([new Outage(originId)], Limit: 1000);
var countsOnly = listing with { Limit = 0 };
var reached = 0;
ImpactResult blast = null!;
const int Rounds = 41;
var bfsTimes = new double[Rounds];
var prefetchingBfsTimes = new double[Rounds];
var countTimes = new double[Rounds];
var listTimes = new double[Rounds];
for (var round = -3; round < Rounds; round++)
{
    var bfsRound = Time(() => reached = PlainBreadthFirst(compiled, origin));
    var prefetchingBfsRound = Time(() => PrefetchingBreadthFirst(compiled, origin));
    var countRound = Time(() => engine.Impact(countsOnly));
    var listRound = Time(() => blast = engine.Impact(listing));
    if (round >= 0)
    {
        (bfsTimes[round], prefetchingBfsTimes[round], countTimes[round], listTimes[round]) = (bfsRound, prefetchingBfsRound, countRound, listRound);
    }
}

var bfsMs = MedianOf(bfsTimes);
var countOnlyMs = MedianOf(countTimes);
var blastMs = MedianOf(listTimes);
Console.WriteLine($"| plain BFS over the reverse arrays | {bfsMs:0.0} ms | reaches {reached:N0} |");
Console.WriteLine($"| the same BFS with the engine's prefetching | {MedianOf(prefetchingBfsTimes):0.0} ms | for comparison: engine counts only is {MedianOf(countTimes.Zip(prefetchingBfsTimes, (e, b) => e / b).ToArray()):0.00} x this |");
Report($"blast radius, counts only (limit 0; {blast.Total:N0} affected: {blast.Counts.Down:N0} down, {blast.Counts.Degraded:N0} degraded, {blast.Counts.AtRisk:N0} at-risk)",
    countOnlyMs, $"< 2 x BFS; ratio {MedianOf(countTimes.Zip(bfsTimes, (e, b) => e / b).ToArray()):0.00}");
Report("blast radius listing the first 1,000 by depth and id", blastMs,
    $"ratio {MedianOf(listTimes.Zip(bfsTimes, (e, b) => e / b).ToArray()):0.00}");

{
    var run = new double[Rounds];
    var collect = new double[Rounds];
    var reset = new double[Rounds];
    var origins = new[] { (origin, NodeState.Down) };
    for (var round = -3; round < Rounds; round++)
    {
        var ws = engine.Rent();
        var t0 = Stopwatch.GetTimestamp();
        ImpactMap.Core.Engine.Propagation.Run(compiled, ws, origins, false, long.MaxValue, default);
        var t1 = Stopwatch.GetTimestamp();
        ImpactMap.Core.Engine.ImpactSelection.Collect(compiled, ws, listing);
        var t2 = Stopwatch.GetTimestamp();
        engine.Return(ws);
        var t3 = Stopwatch.GetTimestamp();
        if (round >= 0)
        {
            run[round] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
            collect[round] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
            reset[round] = Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds;
        }
    }

    Console.WriteLine($"| phases (medians): propagate {MedianOf(run):0.0} ms, select 1,000 and explain {MedianOf(collect):0.0} ms, reset {MedianOf(reset):0.0} ms | | |");
}

var timedEngine = new PropagationEngine(new CompiledGraph(timed));
ImpactResult withTimes = null!;
var timedTimes = new double[Rounds];
var untimedTimes = new double[Rounds];
for (var round = -3; round < Rounds; round++)
{
    var timedRound = Time(() => withTimes = timedEngine.Impact(listing));
    var untimedRound = Time(() => engine.Impact(listing));
    if (round >= 0)
    {
        (timedTimes[round], untimedTimes[round]) = (timedRound, untimedRound);
    }
}

Report($"impactAt ({withTimes.Total:N0} affected, 30% of dependencies with tolerances), listing 1,000", MedianOf(timedTimes),
    $"< 2.5 x blast radius; ratio {MedianOf(timedTimes.Zip(untimedTimes, (t, u) => t / u).ToArray()):0.00}");

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
Console.WriteLine($"| criticality of {criticalityNodes:N0} nodes, {smaller.Graph.Dependencies.Count:N0} dependencies | {sw.Elapsed.TotalSeconds:0.0} s | < 60 s; top: {ranking[0].Id} takes down {ranking[0].Down:N0} |");

var cyclesMs = Median(3, () => engine.Cycles());
Console.WriteLine($"| cycles (Tarjan) on the large graph | {cyclesMs:0} ms | |");

return 0;

static void Report(string what, double ms, string target) => Console.WriteLine($"| {what} | {ms:0.0} ms | {target} |");

static double Time(Action action)
{
    var start = Stopwatch.GetTimestamp();
    action();
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

static double MedianOf(double[] times)
{
    var sorted = times.Order().ToArray();
    return sorted[sorted.Length / 2];
}

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

// The baseline: breadth-first search over the same reverse adjacency arrays, ignoring states. Like the
// engine's pooled workspace, its arrays are kept between searches and reset the engine's way (whole where a
// search touched over a sixteenth of them), so that neither side pays for allocation the other does not.
static int PlainBreadthFirst(CompiledGraph g, int origin)
{
    var (visited, queue) = BreadthFirstScratch.For(g);
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

    BreadthFirstScratch.Reset(visited, queue, tail);
    return tail - 1;
}

// The same BFS asking the memory ahead as the engine does (Propagation.PrefetchAhead), to show what of the
// engine's ratio comes from prefetching rather than from doing little more than a BFS.
static unsafe int PrefetchingBreadthFirst(CompiledGraph g, int origin)
{
    const int distance = 16;
    var (visited, queue) = BreadthFirstScratch.For(g);
    int head = 0, tail = 0;
    queue[tail++] = origin;
    visited[origin] = true;
    while (head < tail)
    {
        if (head + distance < tail)
        {
            var ahead = queue[head + distance];
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref g.DependentStart[ahead]));
        }

        if (head + distance / 2 < tail)
        {
            var first = g.DependentStart[queue[head + distance / 2]];
            if (first < g.Edges.Length)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref g.Edges[first]));
            }
        }

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

    BreadthFirstScratch.Reset(visited, queue, tail);
    return tail - 1;
}

/// <summary>The baseline searches' arrays, kept between searches as the engine keeps its workspace.</summary>
internal static class BreadthFirstScratch
{
    private static bool[] _visited = [];
    private static int[] _queue = [];

    public static (bool[] Visited, int[] Queue) For(CompiledGraph g)
    {
        if (_visited.Length != g.Count)
        {
            (_visited, _queue) = (new bool[g.Count], new int[g.Count]);
        }

        return (_visited, _queue);
    }

    public static void Reset(bool[] visited, int[] queue, int reached)
    {
        if (reached > visited.Length / 16)
        {
            Array.Clear(visited);
            return;
        }

        for (var i = 0; i < reached; i++)
        {
            visited[queue[i]] = false;
        }
    }
}
