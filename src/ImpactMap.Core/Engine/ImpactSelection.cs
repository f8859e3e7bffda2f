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
            new StateCounts(down, degraded, atRisk),
            total,
            take < total);
    }

    /// <summary>The entries of the <paramref name="take"/> affected nodes first by depth, then by ordinal id.</summary>
    private static List<int> Select(CompiledGraph g, Workspace ws, int take)
    {
        var selected = new List<int>(take);
        foreach (var bucket in Gather(ws, take))
        {
            var room = take - selected.Count;
            if (room == 0)
            {
                break;
            }

            selected.AddRange(FirstById(g, ws, bucket, room));
        }

        return selected;
    }

    /// <summary>
    /// In one pass over the raised lists, each affected node's entry at its final level (origins left out) by
    /// depth, for the depths that can hold the first <paramref name="take"/>. An entry is kept while fewer than
    /// <paramref name="take"/> entries seen so far are shallower: that bound only tightens, so whatever the
    /// final first <paramref name="take"/> need was kept when it was seen.
    /// </summary>
    private static List<List<int>> Gather(Workspace ws, int take)
    {
        var byDepth = new List<List<int>>();
        var bound = int.MaxValue;   // keep entries of depth <= bound
        var shallower = 0;          // entries kept of depth < bound
        for (var level = 1; level <= 3; level++)
        {
            var raised = ws.Raised[level];
            for (var i = 0; i < raised.Count; i++)
            {
                var state = ws.Levels[raised.Items[i].Node];
                var depth = raised.Items[i].Depth;
                if ((state & Workspace.LevelMask) != level || (state & Workspace.OriginFlag) != 0 || depth > bound)
                {
                    continue;
                }

                while (byDepth.Count <= depth)
                {
                    byDepth.Add([]);
                }

                byDepth[depth].Add(Workspace.Entry(level, i));
                if (depth < bound && ++shallower >= take)
                {
                    bound = Math.Min(bound, byDepth.Count);
                    while (shallower >= take)
                    {
                        bound--;
                        shallower -= byDepth[bound].Count;
                    }
                }
            }
        }

        return byDepth;
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
