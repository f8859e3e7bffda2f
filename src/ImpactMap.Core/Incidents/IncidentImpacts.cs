using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>Computes what an incident records: the impact of its outages on one graph version, with names kept.</summary>
public static class IncidentImpacts
{
    /// <summary>
    /// The impact of <paramref name="outages"/>, with every party's chain kept with the names and kinds of that
    /// moment, so that notices stay right when the graph changes later. At most <paramref name="limit"/> parties
    /// are kept, by depth then id; their chains are kept once, as a forest of steps, so an incident on a deep
    /// chain of parties stays linear in size.
    /// </summary>
    public static IncidentImpact Compute(
        PropagationEngine engine, long graphVersion, IReadOnlyList<IncidentOutage> outages, TimeSpan? expectedDuration,
        DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(outages);
        var query = new ImpactQuery(outages.Select(o => new Outage(o.Node, o.State)).ToList(), Limit: limit, Duration: expectedDuration)
        {
            IncludePaths = false,
            IncludeChainSteps = true,
        };
        var result = engine.Impact(query, cancellationToken);
        var graph = engine.Graph;
        AffectedParty Party(ImpactedNode n)
        {
            var node = graph.FindNode(n.Id)!;
            return new AffectedParty(n.Id, node.Name, node.Kind, n.State, n.Depth, null, n.ImpactAt, n.Step, PartyLetter.Of(node));
        }

        var steps = result.Steps!;
        var lost = LostTogether(graph, steps, result.Affected.Concat(result.Origins).Select(a => a.Id).ToHashSet(StringComparer.Ordinal));
        var chains = steps.Select((step, i) =>
        {
            var node = graph.FindNode(step.Id)!;
            return new ChainLink(node.Id, node.Name, node.Kind, step.Parent, lost.GetValueOrDefault(i));
        }).ToList();
        return new IncidentImpact(graphVersion, now, result.Affected.Select(Party).ToList(), result.Origins.Select(Party).ToList(),
            result.Total, result.Truncated, result.Counts, chains);
    }

    /// <summary>
    /// The impact the outages had, now that they ended at <paramref name="endedAt"/>: only the parties whose time came
    /// before the end (the engine's impact for the actual duration), and as <see cref="IncidentImpact.Spared"/> those
    /// the outages would have hit had they lasted, whose tolerance saved them.
    /// </summary>
    public static IncidentImpact Final(
        PropagationEngine engine, long graphVersion, IReadOnlyList<IncidentOutage> outages, DateTimeOffset startedAt, DateTimeOffset endedAt,
        DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var unbounded = Compute(engine, graphVersion, outages, null, now, limit, cancellationToken);
        // An outage that ended as it began (resolved at its start) reached no one.
        var final = endedAt > startedAt
            ? Compute(engine, graphVersion, outages, endedAt - startedAt, now, limit, cancellationToken)
            : unbounded with { Affected = [], Total = 0, Truncated = false, AllCounts = new StateCounts(0, 0, 0) };
        var hit = final.Affected.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return final with { Spared = unbounded.Affected.Where(p => !hit.Contains(p.Id)).Select(p => p with { Step = -1, Path = null }).ToList() };
    }

    /// <summary>
    /// For each step that depends on the step before it through a group of alternatives: the members of that
    /// group that were hit, so that a letter can say what was lost together. One pass over the dependencies.
    /// </summary>
    private static Dictionary<int, LostAlternatives> LostTogether(DependencyGraph graph, IReadOnlyList<ChainStep> steps, HashSet<string> hit)
    {
        var links = new Dictionary<(string From, string To), int>();
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Parent >= 0)
            {
                links.TryAdd((steps[i].Id, steps[steps[i].Parent].Id), i);
            }
        }

        var groupOfStep = new Dictionary<int, (string From, string Group)>();
        foreach (var dependency in graph.Dependencies)
        {
            if (dependency.Group is not null && links.TryGetValue((dependency.From, dependency.To), out var step))
            {
                groupOfStep[step] = (dependency.From, dependency.Group);
            }
        }

        var members = groupOfStep.Values.ToHashSet();
        var byGroup = new Dictionary<(string From, string Group), (List<string> Hit, int Size)>();
        foreach (var dependency in graph.Dependencies)
        {
            if (dependency.Group is not null && members.Contains((dependency.From, dependency.Group)))
            {
                var key = (dependency.From, dependency.Group);
                var entry = byGroup.TryGetValue(key, out var e) ? e : ([], 0);
                if (hit.Contains(dependency.To))
                {
                    entry.Hit.Add(graph.FindNode(dependency.To)!.Name);
                }

                byGroup[key] = (entry.Hit, entry.Size + 1);
            }
        }

        return groupOfStep.ToDictionary(g => g.Key, g => new LostAlternatives(g.Value.Group, byGroup[g.Value].Hit, byGroup[g.Value].Size));
    }
}
