using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>Computes what an incident records: the impact of its outages on one graph version, with names kept.</summary>
public static class IncidentImpacts
{
    /// <summary>
    /// The impact of <paramref name="outages"/>, with every party's chain resolved to the names and kinds of
    /// that moment, so that notices stay right when the graph changes later. At most <paramref name="limit"/>
    /// parties are kept, by depth then id.
    /// </summary>
    public static IncidentImpact Compute(
        PropagationEngine engine, long graphVersion, IReadOnlyList<IncidentOutage> outages, TimeSpan? expectedDuration,
        DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(outages);
        var result = engine.Impact(
            new ImpactQuery(outages.Select(o => new Outage(o.Node, o.State)).ToList(), Limit: limit, Duration: expectedDuration),
            cancellationToken);
        var graph = engine.Graph;
        AffectedParty Party(ImpactedNode n)
        {
            var node = graph.FindNode(n.Id)!;
            var path = n.Path.Select(id => graph.FindNode(id)!).Select(p => new PartyStep(p.Id, p.Name, p.Kind)).ToList();
            return new AffectedParty(n.Id, node.Name, node.Kind, n.State, n.Depth, path, n.ImpactAt);
        }

        return new IncidentImpact(graphVersion, now, result.Affected.Select(Party).ToList(), result.Origins.Select(Party).ToList(), result.Total, result.Truncated);
    }
}
