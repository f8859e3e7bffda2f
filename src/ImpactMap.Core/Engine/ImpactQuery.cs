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
    TimeSpan? Duration = null)
{
    /// <summary>Whether each listed node carries its whole explaining chain; its <see cref="ImpactedNode.Via"/> is always there.</summary>
    public bool IncludePaths { get; init; } = true;

    /// <summary>List only nodes after this place in the order (depth, then ordinal id): the next page.</summary>
    public ImpactPosition? After { get; init; }

    /// <summary>List only nodes in these states; null for all. Counts and totals still cover every affected node.</summary>
    public IReadOnlySet<NodeState>? States { get; init; }

    /// <summary>List only nodes of these kinds; null for all.</summary>
    public IReadOnlySet<string>? Kinds { get; init; }

    /// <summary>List only these nodes (by id); null for all. How a client asks for the exact chain of a few.</summary>
    public IReadOnlySet<string>? Nodes { get; init; }

    /// <summary>
    /// The most node ids the listed chains may hold together (each chain holds depth + 1); a query whose chains
    /// would hold more is refused with <see cref="PathBudgetExceededException"/> before any chain is built.
    /// </summary>
    public long? MaxPathIds { get; init; }

    /// <summary>
    /// Whether the answer carries the explaining chains as one forest of <see cref="ChainStep"/>s, each listed
    /// node naming its own step: every chain exactly, in space linear in the nodes on them.
    /// </summary>
    public bool IncludeChainSteps { get; init; }

    /// <summary>Whether the answer carries <see cref="ImpactResult.Timeline"/>: how many nodes reach each state when, over all of them.</summary>
    public bool IncludeTimeline { get; init; }
}

/// <summary>How many affected nodes reach <paramref name="State"/> (their final state) at <paramref name="At"/> after the outage began.</summary>
public sealed record TimedCount(TimeSpan At, NodeState State, int Count);

/// <summary>One step of the explaining chains: a node, and the step before it (-1 at an origin).</summary>
public sealed record ChainStep(string Id, int Parent);

/// <summary>A place in the order affected nodes are listed in: by depth, then by ordinal id.</summary>
public sealed record ImpactPosition(int Depth, string Id);

/// <summary>One node the outage reaches.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="State">How badly it is affected.</param>
/// <param name="Depth">Hops along its explaining chain.</param>
/// <param name="Via">The node before it on its explaining chain (an origin at depth 1); null for an origin.</param>
/// <param name="Path">Ids from an origin to this node, each step a dependency that caused the worsening; null unless asked for.</param>
/// <param name="ImpactAt">How long after the outage starts this node reaches its state.</param>
/// <param name="Step">This node's step in <see cref="ImpactResult.Steps"/>; -1 unless asked for.</param>
public sealed record ImpactedNode(string Id, NodeState State, int Depth, string? Via, IReadOnlyList<string>? Path, TimeSpan ImpactAt, int Step = -1);

/// <summary>How many affected nodes are in each state.</summary>
public sealed record StateCounts(int Down, int Degraded, int AtRisk);

/// <summary>The answer to an <see cref="ImpactQuery"/>.</summary>
/// <param name="Affected">Affected nodes (origins excluded) that match the query's filters, after its position, ordered by depth then id, at most the limit.</param>
/// <param name="Origins">Each origin with the state it ends in (it may be made worse by another origin).</param>
/// <param name="Counts">Affected nodes by state, over all of them, not just those listed.</param>
/// <param name="Total">How many nodes are affected.</param>
/// <param name="Truncated">True when the limit left out matching nodes after those listed.</param>
/// <param name="Matching">How many affected nodes match the filters (all of them without filters).</param>
/// <param name="Next">Where the next page starts when <paramref name="Truncated"/> (null for the start of the list); null otherwise.</param>
/// <param name="Steps">The chains of the listed nodes and origins as one forest, parents first; null unless asked for.</param>
/// <param name="Timeline">Every affected node (origins left out), listed or not, counted by when it reaches its state and which, by time; null unless asked for.</param>
public sealed record ImpactResult(
    IReadOnlyList<ImpactedNode> Affected,
    IReadOnlyList<ImpactedNode> Origins,
    StateCounts Counts,
    int Total,
    bool Truncated,
    int Matching,
    ImpactPosition? Next,
    IReadOnlyList<ChainStep>? Steps = null,
    IReadOnlyList<TimedCount>? Timeline = null);

/// <summary>Thrown when the chains a query lists would hold more ids than it allows.</summary>
public sealed class PathBudgetExceededException(long pathIds, long maxPathIds)
    : Exception($"the listed chains would hold {pathIds} node ids, more than the {maxPathIds} allowed")
{
    /// <summary>How many ids the chains would hold.</summary>
    public long PathIds { get; } = pathIds;

    /// <summary>The most allowed.</summary>
    public long MaxPathIds { get; } = maxPathIds;
}

/// <summary>Thrown when a query names nodes the graph lacks; with the graph, each comes with the ids nearest to it.</summary>
public sealed class UnknownNodeException(IReadOnlyList<string> ids, DependencyGraph? graph = null)
    : Exception($"unknown node(s): {string.Join(", ", ids.Select(id => $"'{GraphValidator.Shorten(id)}'{(graph is null ? "" : NearestIds.Phrase(NearestIds.Of(id, graph)))}"))}")
{
    /// <summary>The ids not found.</summary>
    public IReadOnlyList<string> Ids { get; } = ids;
}
