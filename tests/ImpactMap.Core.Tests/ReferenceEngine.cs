using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// The propagation rules written as plainly as possible, for comparison with the engine: for each level L,
/// the earliest time each node's state is at least L, relaxed over the whole graph until nothing changes
/// (Bellman-Ford style). Slow and obviously faithful to the spec; never used outside tests.
/// </summary>
internal static class ReferenceEngine
{
    private static readonly NodeState[] Levels = [NodeState.AtRisk, NodeState.Degraded, NodeState.Down];

    public sealed record Answer(NodeState State, long ImpactAtSeconds);

    public static Dictionary<string, Answer> Run(
        DependencyGraph graph, IReadOnlyList<(string Node, NodeState State)> outages, int? maxDepth = null, long? durationSeconds = null)
    {
        var duration = durationSeconds ?? long.MaxValue;
        var allowed = maxDepth is null ? null : WithinHops(graph, outages.Select(o => o.Node), maxDepth.Value);
        // reached[(node, level)] = earliest time the node is at least that level; absent = never.
        var reached = new Dictionary<(string, NodeState), long>();
        foreach (var (node, state) in outages)
        {
            foreach (var level in Levels.Where(l => l <= state))
            {
                reached[(node, level)] = 0;
            }
        }

        var dependenciesOf = graph.Dependencies.ToLookup(d => d.From);
        bool changed;
        do
        {
            changed = false;
            foreach (var node in graph.Nodes)
            {
                if (allowed is not null && !allowed.Contains(node.Id))
                {
                    continue;
                }

                foreach (var level in Levels)
                {
                    var candidate = EarliestByDependencies(dependenciesOf[node.Id].ToList(), node, level, reached);
                    if (candidate < duration && (!reached.TryGetValue((node.Id, level), out var known) || candidate < known))
                    {
                        reached[(node.Id, level)] = candidate;
                        changed = true;
                    }
                }
            }
        }
        while (changed);

        var answers = new Dictionary<string, Answer>();
        foreach (var node in graph.Nodes)
        {
            var worst = Levels.LastOrDefault(l => reached.ContainsKey((node.Id, l)));
            if (worst != NodeState.Up)
            {
                answers[node.Id] = new Answer(worst, reached[(node.Id, worst)]);
            }
        }

        return answers;
    }

    /// <summary>The earliest time the node's dependencies make it at least <paramref name="level"/>, or MaxValue.</summary>
    private static long EarliestByDependencies(
        List<Dependency> mine, Node node, NodeState level, Dictionary<(string, NodeState), long> reached)
    {
        var best = long.MaxValue;
        foreach (var d in mine.Where(d => d.Group is null && d.Effect >= level))
        {
            if (reached.TryGetValue((d.To, level), out var t))
            {
                best = Math.Min(best, t + Tolerance(d));
            }
        }

        foreach (var group in mine.Where(d => d.Group is not null).GroupBy(d => d.Group!))
        {
            var members = group.ToList();
            var need = node.NeedOf(group.Key);
            // The group's contribution only changes when a member's capped state does; try each such moment.
            var moments = members
                .SelectMany(m => Levels.Select(l => reached.TryGetValue((m.To, l), out var t) ? t + Tolerance(m) : long.MaxValue))
                .Where(t => t != long.MaxValue)
                .Distinct()
                .Order();
            foreach (var moment in moments)
            {
                var states = members.Select(m => MemberStateAt(m, moment, reached)).ToList();
                if (GroupContribution(states, need) >= level)
                {
                    best = Math.Min(best, moment);
                    break;
                }
            }
        }

        return best;
    }

    private static NodeState MemberStateAt(Dependency member, long time, Dictionary<(string, NodeState), long> reached)
    {
        var provider = Levels.LastOrDefault(l => reached.TryGetValue((member.To, l), out var t) && t + Tolerance(member) <= time);
        return provider < member.Effect ? provider : member.Effect;
    }

    /// <summary>The group rule, spelled out from the words.</summary>
    public static NodeState GroupContribution(IReadOnlyList<NodeState> memberStates, int need)
    {
        var bestFirst = memberStates.Order().ToList();
        var kthBest = bestFirst[need - 1];
        if (kthBest >= NodeState.Degraded)
        {
            return kthBest;
        }

        var someWorseThanUp = memberStates.Any(s => s > NodeState.Up);
        var upCount = memberStates.Count(s => s == NodeState.Up);
        return someWorseThanUp && upCount < need + 1 ? NodeState.AtRisk : NodeState.Up;
    }

    private static long Tolerance(Dependency d) => (long)d.Tolerance.TotalSeconds;

    private static HashSet<string> WithinHops(DependencyGraph graph, IEnumerable<string> origins, int maxDepth)
    {
        var seen = new HashSet<string>(origins);
        var frontier = seen.ToList();
        for (var hop = 0; hop < maxDepth; hop++)
        {
            frontier = graph.Dependencies.Where(d => frontier.Contains(d.To) && seen.Add(d.From)).Select(d => d.From).Distinct().ToList();
        }

        return seen;
    }
}
