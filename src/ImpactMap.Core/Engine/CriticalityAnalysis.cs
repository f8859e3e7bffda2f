using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>How much goes down when one node alone goes down.</summary>
/// <param name="Id">The node.</param>
/// <param name="Down">How many other nodes go down.</param>
/// <param name="CustomersDown">How many of those are customers.</param>
public sealed record NodeCriticality(string Id, int Down, int CustomersDown);

internal static class CriticalityAnalysis
{
    /// <summary>
    /// Fails every node alone, exactly, in parallel. Only "down" counts here, and whether a node goes down
    /// depends only on which providers are down (through effect-down dependencies), so each run is a plain
    /// breadth-first closure with a down counter per group, on stamped scratch arrays that are never cleared.
    /// </summary>
    public static IReadOnlyList<NodeCriticality> Run(CompiledGraph g, int top, CancellationToken cancellationToken)
    {
        var down = new int[g.NodeCount];
        var customers = new int[g.NodeCount];
        Parallel.For(
            0, g.NodeCount,
            // One worker per core: more only take pool threads from whatever must notice a cancellation.
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new Scratch(g),
            (origin, _, scratch) =>
            {
                if (g.DependentCount(origin) > 0)
                {
                    (down[origin], customers[origin]) = scratch.DownClosure(g, origin);
                }

                return scratch;
            },
            _ => { });

        var order = Enumerable.Range(0, g.NodeCount)
            .OrderByDescending(i => down[i])
            .ThenByDescending(i => customers[i])
            .ThenBy(g.IdOf, StringComparer.Ordinal)
            .Take(top);
        return order.Select(i => new NodeCriticality(g.IdOf(i), down[i], customers[i])).ToList();
    }

    private sealed class Scratch(CompiledGraph g)
    {
        private readonly int[] _downStamp = new int[g.NodeCount];
        private readonly int[] _groupStamp = new int[g.GroupCount];
        private readonly int[] _groupDown = new int[g.GroupCount];
        private readonly int[] _queue = new int[g.NodeCount];
        private int _stamp;

        public (int Down, int Customers) DownClosure(CompiledGraph graph, int origin)
        {
            var stamp = ++_stamp;
            int head = 0, tail = 0, down = 0, customers = 0;
            _queue[tail++] = origin;
            _downStamp[origin] = stamp;
            while (head < tail)
            {
                var node = _queue[head++];
                var end = graph.DependentStart[node + 1];
                for (var slot = graph.DependentStart[node]; slot < end; slot++)
                {
                    ref readonly var edge = ref graph.Edges[slot];
                    var dependent = edge.Dependent;
                    if (edge.Effect != NodeState.Down || _downStamp[dependent] == stamp)
                    {
                        continue;
                    }

                    var group = edge.Group;
                    if (group >= 0)
                    {
                        if (_groupStamp[group] != stamp)
                        {
                            _groupStamp[group] = stamp;
                            _groupDown[group] = 0;
                        }

                        if (++_groupDown[group] <= edge.GroupSlack)
                        {
                            continue;
                        }
                    }

                    _downStamp[dependent] = stamp;
                    _queue[tail++] = dependent;
                    down++;
                    if (graph.IsCustomer[dependent])
                    {
                        customers++;
                    }
                }
            }

            return (down, customers);
        }
    }
}
