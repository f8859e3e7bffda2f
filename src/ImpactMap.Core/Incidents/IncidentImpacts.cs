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
            return new AffectedParty(n.Id, node.Name, node.Kind, n.State, n.Depth, null, n.ImpactAt, n.Step);
        }

        var chains = result.Steps!.Select(step =>
        {
            var node = graph.FindNode(step.Id)!;
            return new ChainLink(node.Id, node.Name, node.Kind, step.Parent);
        }).ToList();
        return new IncidentImpact(graphVersion, now, result.Affected.Select(Party).ToList(), result.Origins.Select(Party).ToList(),
            result.Total, result.Truncated, result.Counts, chains);
    }
}
