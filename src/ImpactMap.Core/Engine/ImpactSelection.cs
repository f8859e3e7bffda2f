using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>Turns a finished propagation into a result: counts, filters, ordering by depth then id, the page, chains.</summary>
internal static class ImpactSelection
{
    public static ImpactResult Collect(CompiledGraph g, Workspace ws, ImpactQuery query)
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
        var filter = new Filter(g, query);
        var (byDepth, matching, remaining) = Gather(ws, filter, Math.Min(total, query.Limit ?? int.MaxValue));
        var take = Math.Min(remaining, query.Limit ?? int.MaxValue);
        var selected = take == 0 ? [] : Select(g, ws, byDepth, take);
        var origins = ws.OriginEntries.Keys.Order().Select(o => ws.OriginEntries[o]).ToList();
        if (query.IncludePaths && query.MaxPathIds is { } maxPathIds)
        {
            // Each chain holds depth + 1 ids; counted before any is built, so a refused query costs no memory.
            var pathIds = selected.Sum(e => (long)ws.DepthOf(e) + 1) + origins.Count;
            if (pathIds > maxPathIds)
            {
                throw new PathBudgetExceededException(pathIds, maxPathIds);
            }
        }

        var forest = query.IncludeChainSteps ? new StepForest(g, ws) : null;
        var affected = selected.Select(entry => Describe(g, ws, entry, query.IncludePaths, forest)).ToList();
        var truncated = affected.Count < remaining;
        return new ImpactResult(
            affected,
            origins.Select(entry => Describe(g, ws, entry, query.IncludePaths, forest)).ToList(),
            new StateCounts(down, degraded, atRisk),
            total,
            truncated,
            matching,
            // A page that lists nothing (limit 0: counts only) ends where it began.
            !truncated ? null : affected.Count > 0 ? new ImpactPosition(affected[^1].Depth, affected[^1].Id) : query.After,
            forest?.Steps,
            query.IncludeTimeline ? Timeline(ws) : null);
    }

    /// <summary>Every affected node, origins left out, counted by the second it reaches its final state and by that state; one pass.</summary>
    private static List<TimedCount> Timeline(Workspace ws)
    {
        var counts = new Dictionary<(long Seconds, int Level), int>();
        for (var level = 1; level <= 3; level++)
        {
            var raised = ws.Raised[level];
            for (var i = 0; i < raised.Count; i++)
            {
                var node = raised.Items[i].Node;
                var state = ws.Levels[node];
                if ((state & Workspace.LevelMask) == level && (state & Workspace.OriginFlag) == 0)
                {
                    var key = (ws.TimeSeconds[node], level);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }

        return counts.OrderBy(c => c.Key.Seconds).ThenBy(c => c.Key.Level)
            .Select(c => new TimedCount(TimeSpan.FromSeconds(c.Key.Seconds), (NodeState)c.Key.Level, c.Value)).ToList();
    }

    /// <summary>The entries of the first <paramref name="take"/> gathered, by depth, then by ordinal id.</summary>
    private static List<int> Select(CompiledGraph g, Workspace ws, List<List<int>> byDepth, int take)
    {
        var selected = new List<int>(take);
        foreach (var bucket in byDepth)
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

    /// <summary>Which affected nodes a query lists: its states, kinds and starting place.</summary>
    private readonly struct Filter(CompiledGraph g, ImpactQuery query)
    {
        public readonly bool IsEmpty = query.States is null && query.Kinds is null && query.Nodes is null && query.After is null;

        /// <summary>Whether the node, at its final level, passes the states, kinds and nodes.</summary>
        public bool Matches(int node, int level) =>
            (query.States is null || query.States.Contains((NodeState)level))
            && (query.Kinds is null || query.Kinds.Contains(g.Source.Nodes[node].Kind))
            && (query.Nodes is null || query.Nodes.Contains(g.IdOf(node)));

        /// <summary>Whether the node comes after the query's starting place.</summary>
        public bool IsAfterStart(int node, int depth) =>
            query.After is not { } after
            || depth > after.Depth
            || (depth == after.Depth && string.CompareOrdinal(g.IdOf(node), after.Id) > 0);
    }

    /// <summary>
    /// In one pass over the raised lists, each listed node's entry at its final level (origins left out) by
    /// depth, for the depths that can hold the first <paramref name="take"/>; with how many affected nodes
    /// match the filters and how many of those come after the starting place. An entry is kept while fewer than
    /// <paramref name="take"/> entries seen so far are shallower: that bound only tightens, so whatever the
    /// final first <paramref name="take"/> need was kept when it was seen.
    /// </summary>
    private static (List<List<int>> ByDepth, int Matching, int Remaining) Gather(Workspace ws, Filter filter, int take)
    {
        var byDepth = new List<List<int>>();
        var bound = int.MaxValue;   // keep entries of depth <= bound
        var shallower = 0;          // entries kept of depth < bound
        int matching = 0, remaining = 0;
        for (var level = 1; level <= 3; level++)
        {
            var raised = ws.Raised[level];
            for (var i = 0; i < raised.Count; i++)
            {
                var node = raised.Items[i].Node;
                var state = ws.Levels[node];
                if ((state & Workspace.LevelMask) != level || (state & Workspace.OriginFlag) != 0)
                {
                    continue;
                }

                var depth = raised.Items[i].Depth;
                if (!filter.IsEmpty && !filter.Matches(node, level))
                {
                    continue;
                }

                matching++;
                if (!filter.IsEmpty && !filter.IsAfterStart(node, depth))
                {
                    continue;
                }

                remaining++;
                if (depth > bound || take == 0)
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

        return (byDepth, matching, remaining);
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

    /// <summary>A node at the level of its entry, with the node before it and, when asked, the chain of raises that led there.</summary>
    private static ImpactedNode Describe(CompiledGraph g, Workspace ws, int entry, bool includePath, StepForest? forest)
    {
        List<string>? path = null;
        if (includePath)
        {
            path = new List<string>(ws.DepthOf(entry) + 1);
            for (var current = entry; current >= 0; current = ws.ParentOf(current))
            {
                path.Add(g.IdOf(ws.NodeOf(current)));
            }

            path.Reverse();
        }

        var node = ws.NodeOf(entry);
        var parent = ws.ParentOf(entry);
        return new ImpactedNode(g.IdOf(node), ws.LevelOf(node), ws.DepthOf(entry), parent < 0 ? null : g.IdOf(ws.NodeOf(parent)), path,
            TimeSpan.FromSeconds(ws.TimeSeconds[node]), forest?.StepOf(entry) ?? -1);
    }

    /// <summary>
    /// The chains as a forest: each raise entry on a listed chain becomes one step, once, after its parent, so
    /// chains that share a beginning share its steps.
    /// </summary>
    private sealed class StepForest(CompiledGraph g, Workspace ws)
    {
        private readonly Dictionary<int, int> _stepOfEntry = [];
        private readonly Stack<int> _unassigned = new();

        public List<ChainStep> Steps { get; } = [];

        public int StepOf(int entry)
        {
            var current = entry;
            while (current >= 0 && !_stepOfEntry.ContainsKey(current))
            {
                _unassigned.Push(current);
                current = ws.ParentOf(current);
            }

            var parent = current >= 0 ? _stepOfEntry[current] : -1;
            while (_unassigned.TryPop(out var next))
            {
                Steps.Add(new ChainStep(g.IdOf(ws.NodeOf(next)), parent));
                parent = Steps.Count - 1;
                _stepOfEntry[next] = parent;
            }

            return parent;
        }
    }
}
