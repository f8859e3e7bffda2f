namespace ImpactMap.Core.Engine;

internal static class CycleDetection
{
    /// <summary>
    /// Strongly connected components of more than one node (self-dependencies are refused), by Tarjan's
    /// algorithm with an explicit stack so that deep graphs cannot overflow the call stack. Each cycle's ids
    /// are sorted; cycles come largest first.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Run(CompiledGraph g)
    {
        var n = g.NodeCount;
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var calls = new Stack<(int Node, int NextEdge)>();
        var cycles = new List<IReadOnlyList<string>>();
        var counter = 0;
        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            calls.Push((root, g.ProviderStart[root]));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (calls.Count > 0)
            {
                var (node, edge) = calls.Pop();
                if (edge < g.ProviderStart[node + 1])
                {
                    calls.Push((node, edge + 1));
                    var next = g.Provider[edge];
                    if (index[next] < 0)
                    {
                        index[next] = low[next] = counter++;
                        stack.Push(next);
                        onStack[next] = true;
                        calls.Push((next, g.ProviderStart[next]));
                    }
                    else if (onStack[next])
                    {
                        low[node] = Math.Min(low[node], index[next]);
                    }

                    continue;
                }

                if (calls.Count > 0)
                {
                    var parent = calls.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }

                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(g.IdOf(member));
                    }
                    while (member != node);

                    if (component.Count > 1)
                    {
                        component.Sort(StringComparer.Ordinal);
                        cycles.Add(component);
                    }
                }
            }
        }

        cycles.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a[0], b[0]));
        return cycles;
    }
}
