using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>Turns a finished propagation into a result: counts, ordering by depth then id, the limit, paths.</summary>
internal static class ImpactSelection
{
    public static ImpactResult Collect(CompiledGraph g, Workspace ws, (int Node, NodeState State)[] origins, int? limit)
    {
        var isOrigin = new HashSet<int>(origins.Select(o => o.Node));
        int down = 0, degraded = 0, atRisk = 0;
        foreach (var node in ws.TouchedNodes)
        {
            if (isOrigin.Contains(node))
            {
                continue;
            }

            switch (ws.Level[node])
            {
                case NodeState.Down: down++; break;
                case NodeState.Degraded: degraded++; break;
                default: atRisk++; break;
            }
        }

        var total = down + degraded + atRisk;
        var take = Math.Min(total, limit ?? int.MaxValue);
        var selected = take == 0 ? [] : Select(g, ws, isOrigin, take);
        var originResults = isOrigin.Order().Select(o => Describe(g, ws, o)).ToList();
        return new ImpactResult(
            selected.Select(n => Describe(g, ws, n)).ToList(),
            originResults,
            new ImpactCounts(down, degraded, atRisk),
            total,
            take < total);
    }

    /// <summary>The <paramref name="take"/> affected nodes first by depth, then by ordinal id.</summary>
    private static List<int> Select(CompiledGraph g, Workspace ws, HashSet<int> isOrigin, int take)
    {
        var byDepth = new List<List<int>>();
        foreach (var node in ws.TouchedNodes)
        {
            if (isOrigin.Contains(node))
            {
                continue;
            }

            var depth = DepthOf(ws, node);
            while (byDepth.Count <= depth)
            {
                byDepth.Add([]);
            }

            byDepth[depth].Add(node);
        }

        var selected = new List<int>(take);
        var byId = Comparer<int>.Create((a, b) => string.CompareOrdinal(g.IdOf(a), g.IdOf(b)));
        foreach (var bucket in byDepth)
        {
            var room = take - selected.Count;
            if (room == 0)
            {
                break;
            }

            if (bucket.Count <= room)
            {
                bucket.Sort(byId);
                selected.AddRange(bucket);
            }
            else
            {
                selected.AddRange(Smallest(bucket, room, byId));
            }
        }

        return selected;
    }

    /// <summary>The <paramref name="count"/> smallest items in order, with a bounded heap: O(n log count).</summary>
    private static List<int> Smallest(List<int> items, int count, IComparer<int> comparer)
    {
        var worstFirst = Comparer<int>.Create((a, b) => comparer.Compare(b, a));
        var heap = new PriorityQueue<int, int>(count + 1, worstFirst);
        foreach (var item in items)
        {
            if (heap.Count < count)
            {
                heap.Enqueue(item, item);
            }
            else if (comparer.Compare(item, heap.Peek()) < 0)
            {
                heap.EnqueueDequeue(item, item);
            }
        }

        var result = new List<int>(heap.Count);
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }

        result.Reverse();
        return result;
    }

    /// <summary>
    /// Hops along the chain of causes back to an origin, memoised per query. The chain cannot loop: each
    /// cause reached its level no later, and at no lower level, than what it caused.
    /// </summary>
    private static int DepthOf(Workspace ws, int node)
    {
        var stack = new Stack<int>();
        var current = node;
        while (ws.ChainStamp[current] != ws.CurrentStamp && ws.Cause[current] >= 0)
        {
            stack.Push(current);
            current = ws.Cause[current];
        }

        var depth = ws.ChainStamp[current] == ws.CurrentStamp ? ws.ChainDepth[current] : 0;
        ws.ChainStamp[current] = ws.CurrentStamp;
        ws.ChainDepth[current] = depth;
        while (stack.Count > 0)
        {
            current = stack.Pop();
            ws.ChainDepth[current] = ++depth;
            ws.ChainStamp[current] = ws.CurrentStamp;
        }

        return ws.ChainDepth[node];
    }

    private static ImpactedNode Describe(CompiledGraph g, Workspace ws, int node)
    {
        var path = new List<string>();
        for (var current = node; current >= 0; current = ws.Cause[current])
        {
            path.Add(g.IdOf(current));
        }

        path.Reverse();
        return new ImpactedNode(g.IdOf(node), ws.Level[node], path.Count - 1, path,
            TimeSpan.FromSeconds(ws.TimeSeconds[node]));
    }
}
