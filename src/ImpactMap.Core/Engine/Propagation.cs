using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Computes the least fixpoint of the propagation rules together with the earliest time each node reaches
/// its state: Knuth's generalisation of Dijkstra to AND/OR graphs. Time advances from one distinct time to
/// the next (see <see cref="DelayedSteps"/>), so the first step that raises a node to a level is its
/// earliest. At each time, what is due is applied, then nodes are scanned in waves by level: down, then
/// degraded, then at-risk. A scan never raises anything above its own level, so a node is scanned once per
/// level it reaches and, without tolerances, exactly once. Linear in the size of what is reached.
/// </summary>
internal static class Propagation
{
    private const int CancellationCheckInterval = 1 << 14;

    // How many queued nodes ahead the wave asks the memory for; the adjacency offsets go out first, the edges
    // when those have arrived. On the benchmark graph 8, 16 and 32 did alike; without prefetching the blast
    // radius took a third longer (bench/README.md).
    private const int PrefetchDistance = 16;

    // ws must be begun and clean. When masked, only nodes stamped in ws.Stamp may change (origins always may).
    public static void Run(
        CompiledGraph g, Workspace ws, ReadOnlySpan<(int Node, NodeState State)> origins,
        bool masked, long durationSeconds, CancellationToken cancellationToken)
    {
        foreach (var (node, state) in origins)
        {
            ws.Levels[node] |= Workspace.OriginFlag;
            Raise(ws, node, (int)state, -1, 0, 0);
        }

        var scans = 0;
        while (true)
        {
            var now = ws.Delayed.Now;
            for (var level = (int)NodeState.Down; level > 0; level--)
            {
                var raised = ws.Raised[level];
                while (raised.Head < raised.Count)
                {
                    var entry = raised.Head++;
                    var node = raised.Items[entry].Node;
                    PrefetchAhead(g, ws, raised);

                    // A node that rose further since is scanned at its higher level instead.
                    if ((ws.Levels[node] & Workspace.LevelMask) != level)
                    {
                        continue;
                    }

                    if (++scans % CancellationCheckInterval == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    Scan(g, ws, node, level, Workspace.Entry(level, entry), raised.Items[entry].Depth + 1, masked, now, durationSeconds);
                }
            }

            if (!ws.Delayed.TryAdvance(out var due))
            {
                return;
            }

            now = ws.Delayed.Now;
            foreach (ref readonly var step in due)
            {
                var depth = ws.DepthOf(step.Cause) + 1;
                if (step.Kind == StepKind.Member)
                {
                    ref readonly var member = ref g.Edges[step.Target];
                    UpdateGroup(ws, member.Group, member.GroupSlack, member.Dependent, (int)step.OldLevel, (int)step.Level, step.Cause, depth, now);
                }
                else
                {
                    Raise(ws, step.Target, (int)step.Level, step.Cause, depth, now);
                }
            }
        }
    }

    /// <summary>Tells node n's dependents that it reached <paramref name="current"/> (by the raise <paramref name="cause"/>).</summary>
    private static void Scan(CompiledGraph g, Workspace ws, int n, int current, int cause, int depth, bool masked, long now, long durationSeconds)
    {
        var levels = ws.Levels;
        var state = levels[n];
        var told = (state >> Workspace.ToldShift) & Workspace.LevelMask;
        levels[n] = (byte)((state & Workspace.OriginFlag) | current << Workspace.ToldShift | current);
        var edges = g.Edges;
        var end = g.DependentStart[n + 1];
        for (var slot = g.DependentStart[n]; slot < end; slot++)
        {
            ref readonly var edge = ref edges[slot];
            var effect = (int)edge.Effect;
            var capped = current < effect ? current : effect;
            var cappedBefore = told < effect ? told : effect;
            var dependent = edge.Dependent;
            if (capped <= cappedBefore || (masked && ws.Stamp[dependent] != ws.CurrentStamp))
            {
                continue;
            }

            if (edge.ToleranceSeconds == 0)
            {
                if (edge.Group < 0)
                {
                    Raise(ws, dependent, capped, cause, depth, now);
                }
                else
                {
                    UpdateGroup(ws, edge.Group, edge.GroupSlack, dependent, cappedBefore, capped, cause, depth, now);
                }

                continue;
            }

            var at = now + edge.ToleranceSeconds;
            if (at >= durationSeconds)
            {
                continue;
            }

            if (edge.Group >= 0)
            {
                ws.Delayed.Add(new DelayedStep { Target = slot, Cause = cause, Level = (NodeState)capped, OldLevel = (NodeState)cappedBefore, Kind = StepKind.Member }, at);
            }
            else if (capped > (levels[dependent] & Workspace.LevelMask))
            {
                ws.Delayed.Add(new DelayedStep { Target = dependent, Cause = cause, Level = (NodeState)capped, Kind = StepKind.Raise }, at);
            }
        }
    }

    /// <summary>Raises a node now, and lists it for a scan at its new level.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Raise(Workspace ws, int node, int to, int cause, int depth, long now)
    {
        var before = ws.Levels[node];
        var old = before & Workspace.LevelMask;
        if (to <= old)
        {
            return;
        }

        ws.Levels[node] = (byte)((before & ~Workspace.LevelMask) | to);
        if (now > 0)
        {
            ws.TimeSeconds[node] = now;
        }

        if (old > 0)
        {
            ws.Overtaken[old]++;
        }

        var raised = ws.Raised[to];
        if ((before & Workspace.OriginFlag) != 0)
        {
            ws.OriginEntries[node] = Workspace.Entry(to, raised.Count);
        }

        raised.Add(node, cause, depth);
    }

    /// <summary>A member's capped level rose: count it, and raise the dependent if the group's contribution rose.</summary>
    private static void UpdateGroup(Workspace ws, int group, int slack, int dependent, int from, int to, int cause, int depth, long now)
    {
        ref var counts = ref ws.Groups[group];
        if (counts.AtRisk == 0)
        {
            ws.TouchedGroups.Add(group);
        }

        var before = Contribution(slack, counts);

        // from < to, so the member is now at least at-risk; it counts once at each level it newly reaches.
        if (from < (int)NodeState.AtRisk)
        {
            counts.AtRisk++;
        }

        if (from < (int)NodeState.Degraded && to >= (int)NodeState.Degraded)
        {
            counts.Degraded++;
        }

        if (from < (int)NodeState.Down && to >= (int)NodeState.Down)
        {
            counts.Down++;
        }

        var after = Contribution(slack, counts);
        if (after > before)
        {
            Raise(ws, dependent, after, cause, depth, now);
        }
    }

    /// <summary>
    /// What a group contributes, given how many of its members may fail before it stops meeting its need
    /// (<paramref name="slack"/> = size - need): the need-th best member state when that is degraded or down;
    /// at-risk when some member is not up and no spare is left; else up.
    /// </summary>
    private static int Contribution(int slack, in GroupCounts counts) =>
        counts.Down > slack ? (int)NodeState.Down
        : counts.Degraded > slack ? (int)NodeState.Degraded
        : counts.AtRisk > 0 && counts.AtRisk >= slack ? (int)NodeState.AtRisk
        : (int)NodeState.Up;

    /// <summary>
    /// Asks the memory early for what the wave reads next: the adjacency offsets and level of the node
    /// <see cref="PrefetchDistance"/> places ahead, and the first edges of the one half as far. Only a hint;
    /// without SSE it does nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchAhead(CompiledGraph g, Workspace ws, RaisedList raised)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var far = raised.Head + PrefetchDistance;
        if (far < raised.Count)
        {
            var node = raised.Items[far].Node;
            Sse.Prefetch0(Unsafe.AsPointer(ref g.DependentStart[node]));
            Sse.Prefetch0(Unsafe.AsPointer(ref ws.Levels[node]));
        }

        var near = raised.Head + PrefetchDistance / 2;
        if (near < raised.Count)
        {
            var first = g.DependentStart[raised.Items[near].Node];
            if (first < g.Edges.Length)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref g.Edges[first]));
            }
        }
    }
}
