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
            IncludeTimeline = true,
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
            result.Total, result.Truncated, result.Counts, chains, Timeline: result.Timeline);
    }

    /// <summary>The impact of the outages still failing (none has an end): those that came back fail nothing now.</summary>
    public static IncidentImpact Current(
        PropagationEngine engine, long graphVersion, IReadOnlyList<IncidentOutage> outages, TimeSpan? expectedDuration,
        DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outages);
        var failing = outages.Where(o => o.EndedAt is null).ToList();
        return failing.Count > 0
            ? Compute(engine, graphVersion, failing, expectedDuration, now, limit, cancellationToken)
            : new IncidentImpact(graphVersion, now, [], [], 0, false, new StateCounts(0, 0, 0), [], Timeline: []);
    }

    /// <summary>
    /// The impact the outages had, now that they ended: each at its own <see cref="IncidentOutage.EndedAt"/>, the rest
    /// at <paramref name="endedAt"/> (the resolution). Outages only end, so the failing set shrinks at each end: a
    /// party was hit when the outages failing from the start until one of those ends reached it before that end (the
    /// engine's impact of that set for that duration). Each party keeps its worst state, the earliest time it reached
    /// it, and when the last outages that hit it ended (<see cref="AffectedParty.EndAt"/>). The outages that would have
    /// reached others had they all lasted are listed as <see cref="IncidentImpact.Spared"/>: saved by their tolerance.
    /// </summary>
    /// <remarks>
    /// A party whose tolerance was spent partly under outages that ended and partly under those that still failed is
    /// counted from the start of the second: a lower bound, exact when the outages end together.
    /// </remarks>
    public static IncidentImpact Final(
        PropagationEngine engine, long graphVersion, IReadOnlyList<IncidentOutage> outages, DateTimeOffset startedAt, DateTimeOffset endedAt,
        DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outages);
        DateTimeOffset EndOf(IncidentOutage o) =>
            o.EndedAt is { } ended ? (ended < startedAt ? startedAt : ended > endedAt ? endedAt : ended) : (endedAt < startedAt ? startedAt : endedAt);

        var phases = new List<(TimeSpan End, IncidentImpact Impact)>();
        foreach (var end in outages.Select(EndOf).Distinct().Order())
        {
            // An outage that ended as it began reached no one.
            if (end > startedAt)
            {
                phases.Add((end - startedAt, Compute(engine, graphVersion, outages.Where(o => EndOf(o) >= end).ToList(), end - startedAt, now, limit, cancellationToken)));
            }
        }

        var unbounded = Compute(engine, graphVersion, outages, null, now, limit, cancellationToken);
        var final = phases.Count switch
        {
            0 => unbounded with { Affected = [], Total = 0, Truncated = false, AllCounts = new StateCounts(0, 0, 0), Timeline = [] },
            1 => phases[0].Impact with { Affected = phases[0].Impact.Affected.Select(p => p with { EndAt = phases[0].End }).ToList() },
            _ => Merge(phases, unbounded.Origins.Select(o => o.Id).ToHashSet(StringComparer.Ordinal), limit) with { Origins = unbounded.Origins },
        };
        var hit = final.Affected.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return final with { Spared = unbounded.Affected.Where(p => !hit.Contains(p.Id)).Select(p => p with { Step = -1, Path = null }).ToList() };
    }

    /// <summary>
    /// The parties hit in any phase, each at its worst state, from the earliest time it reached it to the end of the
    /// last phase it was in that state; the phases' chains kept side by side, each party pointing into its own. A
    /// failing node made worse by others once its own outage ended stays an origin, not a party.
    /// </summary>
    private static IncidentImpact Merge(List<(TimeSpan End, IncidentImpact Impact)> phases, HashSet<string> origins, int limit)
    {
        var parties = new Dictionary<string, AffectedParty>(StringComparer.Ordinal);
        var chains = new List<ChainLink>();
        foreach (var (end, impact) in phases)
        {
            var offset = chains.Count;
            chains.AddRange((impact.Chains ?? []).Select(c => c with { Parent = c.Parent < 0 ? -1 : c.Parent + offset }));
            foreach (var party in impact.Affected.Where(p => !origins.Contains(p.Id)))
            {
                var here = party with { Step = party.Step < 0 ? -1 : party.Step + offset, EndAt = end };
                if (!parties.TryGetValue(party.Id, out var seen) || here.State > seen.State)
                {
                    parties[party.Id] = here;
                }
                else if (here.State == seen.State)
                {
                    // Phases come in order of their ends: this one ends later.
                    parties[party.Id] = (here.ImpactAt < seen.ImpactAt ? here : seen) with { EndAt = end };
                }
            }
        }

        var ordered = parties.Values.OrderBy(p => p.Depth).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        var complete = phases.All(p => !p.Impact.Truncated);
        if (!complete)
        {
            // Past the limit, the phases list only their first parties: the largest phase's counts stand for all.
            var largest = phases.MaxBy(p => p.Impact.Total).Impact;
            return largest with { Affected = ordered.Take(limit).ToList(), Truncated = true, Chains = chains };
        }

        var counts = new StateCounts(
            ordered.Count(p => p.State == NodeState.Down), ordered.Count(p => p.State == NodeState.Degraded), ordered.Count(p => p.State == NodeState.AtRisk));
        var timeline = ordered.GroupBy(p => (p.ImpactAt, p.State)).OrderBy(g => g.Key.ImpactAt).ThenBy(g => g.Key.State)
            .Select(g => new TimedCount(g.Key.ImpactAt, g.Key.State, g.Count())).ToList();
        return phases[0].Impact with
        {
            Affected = ordered.Take(limit).ToList(), Total = ordered.Count, Truncated = ordered.Count > limit, AllCounts = counts, Chains = chains, Timeline = timeline,
        };
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
