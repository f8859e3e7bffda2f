using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>A node that fails, and how badly.</summary>
public sealed record Outage(string Node, NodeState State = NodeState.Down);

/// <summary>What to ask of <see cref="PropagationEngine.Impact(ImpactQuery, CancellationToken)"/>.</summary>
/// <param name="Outages">The failing nodes: the origins.</param>
/// <param name="MaxDepth">Only nodes within this many hops downstream of an origin may change state.</param>
/// <param name="Limit">At most this many affected nodes are listed (ordered by depth, then id); null for all.</param>
/// <param name="Duration">Expected time to recover: nodes not hit before it are left out.</param>
public sealed record ImpactQuery(
    IReadOnlyList<Outage> Outages,
    int? MaxDepth = null,
    int? Limit = null,
    TimeSpan? Duration = null);

/// <summary>One node the outage reaches.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="State">How badly it is affected.</param>
/// <param name="Depth">Hops along <paramref name="Path"/>.</param>
/// <param name="Path">Ids from an origin to this node; each step a dependency that caused the worsening.</param>
/// <param name="ImpactAt">How long after the outage starts this node reaches its state.</param>
public sealed record ImpactedNode(string Id, NodeState State, int Depth, IReadOnlyList<string> Path, TimeSpan ImpactAt);

/// <summary>How many affected nodes are in each state.</summary>
public sealed record StateCounts(int Down, int Degraded, int AtRisk);

/// <summary>The answer to an <see cref="ImpactQuery"/>.</summary>
/// <param name="Affected">Affected nodes (origins excluded), ordered by depth then id, at most the limit.</param>
/// <param name="Origins">Each origin with the state it ends in (it may be made worse by another origin).</param>
/// <param name="Counts">Affected nodes by state, over all of them, not just those listed.</param>
/// <param name="Total">How many nodes are affected.</param>
/// <param name="Truncated">True when the limit left some out.</param>
public sealed record ImpactResult(
    IReadOnlyList<ImpactedNode> Affected,
    IReadOnlyList<ImpactedNode> Origins,
    StateCounts Counts,
    int Total,
    bool Truncated);

/// <summary>Thrown when a query names nodes the graph lacks.</summary>
public sealed class UnknownNodeException(IReadOnlyList<string> ids)
    : Exception($"unknown node(s): {string.Join(", ", ids.Select(id => $"'{GraphValidator.Shorten(id)}'"))}")
{
    /// <summary>The ids not found.</summary>
    public IReadOnlyList<string> Ids { get; } = ids;
}
