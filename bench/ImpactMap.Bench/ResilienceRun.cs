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
    public static int Run(int nodes, int rankCustomers)
    {
        var plain = TieredGraphs.Generate(nodes, withTolerances: false);
        var random = new Random(7);
        var graph = DependencyGraph.Create(
            plain.Nodes.Select(n => n with { Availability = n.Kind == Node.Customer ? null : 1 - random.Next(1, 50) * 1e-4 }).ToList(),
            plain.Dependencies);
        var engine = new PropagationEngine(graph);
        Console.WriteLine($"{graph.Nodes.Count:N0} nodes, {graph.Dependencies.Count:N0} dependencies");
        Console.WriteLine("| node | cone | groups in cone | method | cut sets (order <= 2) | time |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var byCone = graph.Nodes.Select(n => n.Id).Where((_, i) => i % 997 == 0).Select(id => (id, cone: engine.Exposure(id).Providers.Count + 1))
            .GroupBy(p => p.cone switch { < 100 => 0, < 1_000 => 1, < 5_000 => 2, < 20_000 => 3, _ => 4 })
            .Select(g => g.First()).OrderBy(p => p.cone).ToList();
        foreach (var (id, cone) in byCone)
        {
            var watch = Stopwatch.StartNew();
            var result = engine.Resilience(new ResilienceQuery(id, NodeState.Down, MaxOrder: 2, Limit: 1000));
            var upstream = engine.Exposure(id).Providers.Select(p => p.Id).Append(id).ToHashSet();
            var groups = graph.Dependencies.Where(d => d.Group is not null && upstream.Contains(d.From)).Select(d => (d.From, d.Group)).Distinct().Count();
            Console.WriteLine($"| {id} | {cone:N0} | {groups:N0} | {result.Method} | {result.CutSets.Count}{(result.CutSetsTruncated ? "+" : "")} | {watch.Elapsed.TotalMilliseconds:N0} ms |");
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
