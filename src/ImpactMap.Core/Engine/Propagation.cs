using System.Runtime.CompilerServices;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Computes the least fixpoint of the propagation rules together with the earliest time each node reaches
/// its state: Knuth's generalisation of Dijkstra to AND/OR graphs. Steps are handed out in time order (see
/// <see cref="StepQueue"/>), so the first step that raises a node to a level is its earliest. A node reached
/// at the current time is raised at once and its dependents are scanned, mostly once per time, however
/// often it rises; each node rises at most three times: linear in the size of what is reached.
/// </summary>
internal static class Propagation
{
    private const int CancellationCheckInterval = 1 << 14;

    // ws must be begun and clean. When masked, only nodes stamped in ws.Stamp may change (origins always may).
    public static void Run(
        CompiledGraph g, Workspace ws, ReadOnlySpan<(int Node, NodeState State)> origins,
        bool masked, long durationSeconds, CancellationToken cancellationToken)
    {
        var events = ws.Events;
        foreach (var (node, state) in origins)
        {
            Raise(ws, node, state, -1, 0);
        }

        var processed = 0;
        while (events.TryTake(out var ev))
        {
            if (++processed % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            switch (ev.Kind)
            {
                case EventKind.Scan:
                    Scan(g, ws, ev.Target, masked, durationSeconds);
                    break;
                case EventKind.Member:
                    ref readonly var member = ref g.Edges[ev.Target];
                    UpdateGroup(g, ws, member.Group, member.Dependent, ev.OldLevel, ev.Level, ev.Cause);
                    break;
                default:
                    Raise(ws, ev.Target, ev.Level, ev.Cause, events.Now);
                    break;
            }
        }
    }

    /// <summary>Tells node n's dependents what it reached since its last scan.</summary>
    private static void Scan(CompiledGraph g, Workspace ws, int n, bool masked, long durationSeconds)
    {
        ref var scanned = ref ws.Nodes[n];
        scanned.QueuedAt = NodeState.Up;
        var old = scanned.Propagated;
        var current = scanned.Level;
        if (current <= old)
        {
            return;
        }

        scanned.Propagated = current;
        var now = ws.Events.Now;
        var nodes = ws.Nodes;
        var edges = g.Edges;
        var end = g.DependentStart[n + 1];
        for (var slot = g.DependentStart[n]; slot < end; slot++)
        {
            ref readonly var edge = ref edges[slot];
            var capped = current < edge.Effect ? current : edge.Effect;
            var cappedBefore = old < edge.Effect ? old : edge.Effect;
            var dependent = edge.Dependent;
            if (capped <= cappedBefore || (masked && ws.Stamp[dependent] != ws.CurrentStamp))
            {
                continue;
            }

            if (edge.ToleranceSeconds == 0)
            {
                if (edge.Group < 0)
                {
                    Raise(ws, dependent, capped, n, now);
                }
                else
                {
                    UpdateGroup(g, ws, edge.Group, dependent, cappedBefore, capped, n);
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
                ws.Events.Add(new Event { Target = slot, Cause = n, Level = capped, OldLevel = cappedBefore, Kind = EventKind.Member }, at);
            }
            else if (capped > nodes[dependent].Level)
            {
                ws.Events.Add(new Event { Target = dependent, Cause = n, Level = capped, Kind = EventKind.Raise }, at);
            }
        }
    }

    /// <summary>Raises a node now, and queues a scan of its dependents at its new level unless one is queued there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Raise(Workspace ws, int node, NodeState to, int cause, long now)
    {
        ref var raised = ref ws.Nodes[node];
        if (to <= raised.Level)
        {
            return;
        }

        if (raised.Level == NodeState.Up)
        {
            ws.TouchedNodes.Add(node);
        }

        raised.Level = to;
        raised.Cause = cause;
        raised.TimeSeconds = now;
        if (raised.QueuedAt < to)
        {
            // A scan queued lower still pops later and finds nothing new to tell.
            raised.QueuedAt = to;
            ws.Events.Scan(node, to);
        }
    }

    /// <summary>A member's capped level rose: count it, and raise the dependent if the group's contribution rose.</summary>
    private static void UpdateGroup(CompiledGraph g, Workspace ws, int group, int dependent, NodeState from, NodeState to, int cause)
    {
        var counts = ws.GroupAtLeast;
        var at = group * 3;
        if (counts[at] == 0)
        {
            ws.TouchedGroups.Add(group);
        }

        for (var level = (int)from + 1; level <= (int)to; level++)
        {
            counts[at + level - 1]++;
        }

        var contribution = GroupState(g.GroupSize[group], g.GroupNeed[group], counts[at], counts[at + 1], counts[at + 2]);
        if (contribution > ws.GroupLevel[group])
        {
            ws.GroupLevel[group] = contribution;
            Raise(ws, dependent, contribution, cause, ws.Events.Now);
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
