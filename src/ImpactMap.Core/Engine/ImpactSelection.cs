using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>Turns a finished propagation into a result: counts, ordering by depth then id, the limit, paths.</summary>
internal static class ImpactSelection
{
    public static ImpactResult Collect(CompiledGraph g, Workspace ws, int? limit)
    {
        int down = ws.CountAt(NodeState.Down), degraded = ws.CountAt(NodeState.Degraded), atRisk = ws.CountAt(NodeState.AtRisk);
        foreach (var origin in ws.OriginEntries.Keys)
        {
            switch (ws.LevelOf(origin))
            {
                case NodeState.Down: down--; break;
                case NodeState.Degraded: degraded--; break;
                default: atRisk--; break;
            }
        }

        var total = down + degraded + atRisk;
        var take = Math.Min(total, limit ?? int.MaxValue);
        var selected = take == 0 ? [] : Select(g, ws, take);
        var originResults = ws.OriginEntries.Keys.Order().Select(o => Describe(g, ws, ws.OriginEntries[o])).ToList();
        return new ImpactResult(
            selected.Select(entry => Describe(g, ws, entry)).ToList(),
            originResults,
            new ImpactCounts(down, degraded, atRisk),
            total,
            take < total);
    }

    /// <summary>The entries of the <paramref name="take"/> affected nodes first by depth, then by ordinal id.</summary>
    private static List<int> Select(CompiledGraph g, Workspace ws, int take)
    {
        // Depths first (counting per depth), then only the depths that fit are gathered.
        var perDepth = new List<int>();
        CountOrGather(ws, perDepth, byDepth: null);
        var lastDepth = 0;
        for (var sum = 0; lastDepth < perDepth.Count && (sum += perDepth[lastDepth]) < take; lastDepth++)
        {
        }

        var byDepth = new List<int>[Math.Min(lastDepth + 1, perDepth.Count)];
        CountOrGather(ws, perDepth, byDepth);

        var selected = new List<int>(take);
        foreach (var bucket in byDepth)
        {
            var room = take - selected.Count;
            if (room == 0)
            {
                break;
            }

            if (bucket is not null)
            {
                selected.AddRange(FirstById(g, ws, bucket, room));
            }
        }

        return selected;
    }

    /// <summary>
    /// Goes through each affected node's entry at its final level (origins left out) in the order the raised
    /// lists hold them: counts them per depth into <paramref name="perDepth"/> when <paramref name="byDepth"/> is
    /// null, else gathers them into the depths it has room for.
    /// </summary>
    private static void CountOrGather(Workspace ws, List<int> perDepth, List<int>[]? byDepth)
    {
        for (var level = 1; level <= 3; level++)
        {
            var raised = ws.Raised[level];
            for (var i = 0; i < raised.Count; i++)
            {
                var state = ws.Levels[raised.Items[i].Node];
                if ((state & Workspace.LevelMask) != level || (state & Workspace.OriginFlag) != 0)
                {
                    continue;
                }

                var depth = raised.Items[i].Depth;
                if (byDepth is null)
                {
                    while (perDepth.Count <= depth)
                    {
                        perDepth.Add(0);
                    }

                    perDepth[depth]++;
                }
                else if (depth < byDepth.Length)
                {
                    (byDepth[depth] ??= new List<int>(perDepth[depth])).Add(Workspace.Entry(level, i));
                }
            }
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> entries by ordinal id, in order. Ids are looked up once each; a list up
    /// to 16 times the room is sorted whole (measured faster than a heap there), a longer one goes through a
    /// bounded heap, O(n log count).
    /// </summary>
    private static IEnumerable<int> FirstById(CompiledGraph g, Workspace ws, List<int> entries, int count)
    {
        if (entries.Count <= (long)count * 16)
        {
            var ids = new string[entries.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = g.IdOf(ws.NodeOf(entries[i]));
            }

            var sorted = entries.ToArray();
            Array.Sort(ids, sorted, StringComparer.Ordinal);
            return sorted.Take(count);
        }

        var greatestFirst = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));
        var heap = new PriorityQueue<int, string>(count + 1, greatestFirst);
        foreach (var entry in entries)
        {
            var id = g.IdOf(ws.NodeOf(entry));
            if (heap.Count < count)
            {
                heap.Enqueue(entry, id);
            }
            else if (heap.TryPeek(out _, out var greatest) && string.CompareOrdinal(id, greatest) < 0)
            {
                heap.EnqueueDequeue(entry, id);
            }
        }

        var result = new int[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        return result;
    }

    /// <summary>A node at the level of its entry, with the chain of raises that led there.</summary>
    private static ImpactedNode Describe(CompiledGraph g, Workspace ws, int entry)
    {
        var path = new List<string>();
        for (var current = entry; current >= 0; current = ws.ParentOf(current))
        {
            path.Add(g.IdOf(ws.NodeOf(current)));
        }

        path.Reverse();
        var node = ws.NodeOf(entry);
        return new ImpactedNode(g.IdOf(node), ws.LevelOf(node), ws.DepthOf(entry), path, TimeSpan.FromSeconds(ws.TimeSeconds[node]));
    }
}
