using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Computes the least fixpoint of the propagation rules together with the earliest time each node reaches
/// its state: Knuth's generalisation of Dijkstra to AND/OR graphs. Events are "node reaches level L at time
/// t", processed in time order, so the first event that raises a node to a level is its earliest. Same-time
/// events go through a FIFO (breadth-first, so explaining chains are short); later ones through a heap.
/// Each node is raised at most three times and each raise visits its dependents once: linear in the size
/// of what is reached.
/// </summary>
internal static class Propagation
{
    private const int CancellationCheckInterval = 1 << 14;

    // ws must be begun and clean. When masked, only nodes stamped in ws.Stamp may change (origins always may).
    public static void Run(
        CompiledGraph g, Workspace ws, ReadOnlySpan<(int Node, NodeState State)> origins,
        bool masked, long durationSeconds, CancellationToken cancellationToken)
    {
        foreach (var (node, state) in origins)
        {
            ws.Now.Enqueue(new Event { Target = node, Cause = -1, Level = state });
        }

        var processed = 0;
        while (true)
        {
            Event ev;
            if (!ws.Now.IsEmpty)
            {
                ev = ws.Now.Dequeue();
            }
            else if (!ws.Later.TryDequeue(out ev, out _))
            {
                break;
            }

            if (++processed % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (ev.IsMember)
            {
                var slot = ev.Target;
                UpdateGroup(g, ws, g.EdgeGroup[slot], g.Dependent[slot], ev.OldLevel, ev.Level, ev.TimeSeconds, ev.Depth, ev.Cause);
                continue;
            }

            var n = ev.Target;
            var old = ws.Level[n];
            if (ev.Level <= old)
            {
                continue;
            }

            if (old == NodeState.Up)
            {
                ws.TouchedNodes.Add(n);
            }

            ws.Level[n] = ev.Level;
            ws.Cause[n] = ev.Cause;
            ws.TimeSeconds[n] = ev.TimeSeconds;
            var depth = ev.Depth + 1;
            var end = g.DependentStart[n + 1];
            for (var slot = g.DependentStart[n]; slot < end; slot++)
            {
                var effect = g.EdgeEffect[slot];
                var capped = ev.Level < effect ? ev.Level : effect;
                var cappedBefore = old < effect ? old : effect;
                if (capped <= cappedBefore)
                {
                    continue;
                }

                var dependent = g.Dependent[slot];
                if (masked && ws.Stamp[dependent] != ws.CurrentStamp)
                {
                    continue;
                }

                var tolerance = g.EdgeToleranceSeconds[slot];
                var at = ev.TimeSeconds + tolerance;
                if (at >= durationSeconds)
                {
                    continue;
                }

                var group = g.EdgeGroup[slot];
                if (group >= 0)
                {
                    if (tolerance == 0)
                    {
                        UpdateGroup(g, ws, group, dependent, cappedBefore, capped, at, depth, n);
                    }
                    else
                    {
                        ws.Later.Enqueue(
                            new Event { Target = slot, Cause = n, Depth = depth, TimeSeconds = at, Level = capped, OldLevel = cappedBefore, IsMember = true },
                            (at, depth));
                    }
                }
                else if (capped > ws.Level[dependent])
                {
                    Schedule(ws, new Event { Target = dependent, Cause = n, Depth = depth, TimeSeconds = at, Level = capped }, tolerance);
                }
            }
        }
    }

    private static void Schedule(Workspace ws, in Event ev, int delaySeconds)
    {
        if (delaySeconds == 0)
        {
            ws.Now.Enqueue(ev);
        }
        else
        {
            ws.Later.Enqueue(ev, (ev.TimeSeconds, ev.Depth));
        }
    }

    private static void UpdateGroup(
        CompiledGraph g, Workspace ws, int group, int dependent, NodeState from, NodeState to, long at, int depth, int cause)
    {
        var counts = ws.GroupAtLeast;
        if (counts[group * 3] == 0)
        {
            ws.TouchedGroups.Add(group);
        }

        for (var level = (int)from + 1; level <= (int)to; level++)
        {
            counts[group * 3 + level - 1]++;
        }

        var contribution = GroupState(g.GroupSize[group], g.GroupNeed[group],
            counts[group * 3], counts[group * 3 + 1], counts[group * 3 + 2]);
        if (contribution > ws.GroupLevel[group])
        {
            ws.GroupLevel[group] = contribution;
            if (contribution > ws.Level[dependent])
            {
                ws.Now.Enqueue(new Event { Target = dependent, Cause = cause, Depth = depth, TimeSeconds = at, Level = contribution });
            }
        }
    }

    /// <summary>
    /// What a group of <paramref name="size"/> alternatives with need <paramref name="need"/> contributes,
    /// given how many members are (capped) at least at-risk, degraded and down: the need-th best member state
    /// when that is degraded or down; at-risk when some member is not up and no spare is left; else up.
    /// </summary>
    public static NodeState GroupState(int size, int need, int atLeastAtRisk, int atLeastDegraded, int atLeastDown)
    {
        if (size - atLeastDown < need)
        {
            return NodeState.Down;
        }

        if (size - atLeastDegraded < need)
        {
            return NodeState.Degraded;
        }

        return atLeastAtRisk > 0 && size - atLeastAtRisk <= need ? NodeState.AtRisk : NodeState.Up;
    }
}
