using System.Diagnostics;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;

namespace ImpactMap.Bench;

/// <summary>
/// The resilience analysis on the tiered graph, every supplier given an SLA-like availability: cut sets and
/// unavailability for nodes whose upstream cones are of growing size, and the ranking of customers.
/// </summary>
internal static class ResilienceRun
{
    private const int ProbePairs = 40;

    public static int Run(int nodes, int rankCustomers)
    {
        var plain = TieredGraphs.Generate(nodes, withTolerances: false);
        var random = new Random(7);
        var graph = DependencyGraph.Create(
            plain.Nodes.Select(n => n with { Availability = n.Kind == Node.Customer ? null : 1 - random.Next(1, 50) * 1e-4 }).ToList(),
            plain.Dependencies);
        // Probes whose cones are wide: each needs one of each pair of the first customers (groups of two), so its
        // cone is the union of theirs and its function has pairs of alternatives all the way up. The smaller ones
        // have cones of a few hundred to a few thousand nodes; "probe" is the widest.
        var customers = graph.Nodes.Where(n => n.Kind == Node.Customer).Take(2 * ProbePairs).Select(n => n.Id).ToList();
        var probes = new[] { ("probe-1", 1), ("probe-2", 2), ("probe-4", 4), ("probe-8", 8), ("probe", ProbePairs) };
        graph = DependencyGraph.Create(
            [.. graph.Nodes, .. probes.Select(p => new Node(p.Item1, p.Item1, Node.Service, new Dictionary<string, string>(), Enumerable.Range(0, p.Item2).ToDictionary(i => $"pair{i}", _ => 1)))],
            [.. graph.Dependencies, .. probes.SelectMany(p => customers.Take(2 * p.Item2).Select((c, i) => Dependency.Create(p.Item1, c, $"pair{i / 2}")))]);
        var engine = new PropagationEngine(graph);
        Console.WriteLine($"{graph.Nodes.Count:N0} nodes, {graph.Dependencies.Count:N0} dependencies");
        Console.WriteLine("| node | cone | groups in cone | method | cut sets (order <= 2) | time |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var byCone = graph.Nodes.Select(n => n.Id).Where((_, i) => i % 997 == 0).Select(id => (id, cone: engine.Exposure(id).Providers.Count + 1))
            .GroupBy(p => p.cone switch { < 100 => 0, < 1_000 => 1, < 5_000 => 2, < 20_000 => 3, _ => 4 })
            .Select(g => g.First()).OrderBy(p => p.cone).ToList();
        foreach (var (id, cone) in byCone.Concat(probes.Select(p => (p.Item1, engine.Exposure(p.Item1).Providers.Count + 1))))
        {
            var watch = Stopwatch.StartNew();
            var result = engine.Resilience(new ResilienceQuery(id, NodeState.Down, MaxOrder: 2, Limit: 1000));
            var elapsed = watch.Elapsed;
            var upstream = engine.Exposure(id).Providers.Select(p => p.Id).Append(id).ToHashSet();
            var groups = graph.Dependencies.Where(d => d.Group is not null && upstream.Contains(d.From)).Select(d => (d.From, d.Group)).Distinct().Count();
            Console.WriteLine($"| {id} | {cone:N0} | {groups:N0} | {result.Method} | {result.CutSets.Count}{(result.CutSetsTruncated ? "+" : "")} | {elapsed.TotalMilliseconds:N0} ms |");
        }

        // How long the smaller probes' diagrams would need without the half second: where exactness ends.
        foreach (var id in new[] { "probe-1", "probe-2" })
        {
            var untimed = Stopwatch.StartNew();
            var result = engine.Resilience(new ResilienceQuery(id, NodeState.Down, MaxOrder: 2, Limit: 1000) { DiagramTime = TimeSpan.FromMinutes(1) });
            Console.WriteLine($"{id} with a minute for its diagram: {result.Method} in {untimed.Elapsed.TotalMilliseconds:N0} ms");
        }

        var families = Stopwatch.StartNew();
        var onlyCutSets = engine.Resilience(new ResilienceQuery("probe", NodeState.Down, MaxOrder: 2, Limit: 1000) { DiagramBudget = 2, Samples = 1 });
        Console.WriteLine($"probe's cut sets from families alone (no diagram, one sample): {onlyCutSets.CutSets.Count}{(onlyCutSets.CutSetsTruncated ? "+" : "")} in {families.Elapsed.TotalMilliseconds:N0} ms");

        if (rankCustomers == 0)
        {
            return 0;
        }

        // The ranking of rankCustomers customers: the first of the customer tier keep their kind, the rest become "consumer".
        var kept = 0;
        var ranking = DependencyGraph.Create(
            graph.Nodes.Select(n => n.Kind == Node.Customer && kept++ >= rankCustomers ? n with { Kind = "consumer" } : n).ToList(), graph.Dependencies);
        var rankingEngine = new PropagationEngine(ranking);
        var watch2 = Stopwatch.StartNew();
        var ranked = rankingEngine.WeakestNodes(Node.Customer, NodeState.Down, top: 20);
        Console.WriteLine($"ranking {Math.Min(kept, rankCustomers):N0} customers: {watch2.Elapsed.TotalSeconds:0.0} s on {Environment.ProcessorCount} cores, weakest {ranked[0].Node} at {ranked[0].Unavailability:E2}");
        return 0;
    }
}
