using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>Turns a finished propagation into a result: counts, ordering by depth then id, the limit, paths.</summary>
internal static class ImpactSelection
{
    public static ImpactResult Collect(CompiledGraph g, Workspace ws, (int Node, NodeState State)[] origins, int? limit)
    {
        foreach (var (node, _) in origins)
        {
            ws.OriginStamp[node] = ws.CurrentStamp;
        }

        // Propagation counted every node it raised; only the origins are taken out here.
        var counts = ws.Counts.ToArray();
        foreach (var node in origins.Select(o => o.Node).Distinct())
        {
            counts[(int)ws.LevelOf(node)]--;
        }

        int down = counts[(int)NodeState.Down], degraded = counts[(int)NodeState.Degraded], atRisk = counts[(int)NodeState.AtRisk];
        var total = down + degraded + atRisk;
        var take = Math.Min(total, limit ?? int.MaxValue);
        var selected = take == 0 ? [] : Select(g, ws, take);
        var originResults = origins.Select(o => o.Node).Distinct().Order().Select(o => Describe(g, ws, o)).ToList();
        return new ImpactResult(
            selected.Select(n => Describe(g, ws, n)).ToList(),
            originResults,
            new ImpactCounts(down, degraded, atRisk),
            total,
            take < total);
    }

    /// <summary>The <paramref name="take"/> affected nodes first by depth, then by ordinal id.</summary>
    private static List<int> Select(CompiledGraph g, Workspace ws, int take)
    {
        // Depths first (counting per depth), then only the depths that fit are collected.
        var reached = ws.Reached();
        var perDepth = new List<int>();
        foreach (var node in reached)
        {
            if (ws.OriginStamp[node] == ws.CurrentStamp)
            {
                continue;
            }

            var depth = DepthOf(ws, node);
            while (perDepth.Count <= depth)
            {
                perDepth.Add(0);
            }

            perDepth[depth]++;
        }

        var lastDepth = 0;
        for (var sum = 0; lastDepth < perDepth.Count && (sum += perDepth[lastDepth]) < take; lastDepth++)
        {
        }

        var byDepth = new List<int>[Math.Min(lastDepth + 1, perDepth.Count)];
        foreach (var node in reached)
        {
            var depth = ws.ChainDepth[node];
            if (depth < byDepth.Length && depth > 0 && ws.OriginStamp[node] != ws.CurrentStamp)
            {
                (byDepth[depth] ??= new List<int>(perDepth[depth])).Add(node);
            }
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

            if (bucket is null)
            {
                continue;
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
        var cause = ws.Cause[node];
        if (cause < 0 || ws.ChainStamp[cause] == ws.CurrentStamp)
        {
            ws.ChainDepth[node] = cause < 0 ? 0 : ws.ChainDepth[cause] + 1;
            ws.ChainStamp[node] = ws.CurrentStamp;
            return ws.ChainDepth[node];
        }

        var stack = ws.Chain;
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
        return new ImpactedNode(g.IdOf(node), ws.LevelOf(node), path.Count - 1, path, TimeSpan.FromSeconds(ws.TimeSeconds[node]));
    }
}
