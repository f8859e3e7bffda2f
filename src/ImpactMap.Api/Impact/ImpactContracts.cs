using ImpactMap.Core.Documents;

namespace ImpactMap.Api.Impact;

/// <summary>A failing node; state defaults to down.</summary>
public sealed record OutageRequest(string? Node, string? State)
{
    /// <summary>In an incident: when this outage ended, if it came back before the others; no other request takes it.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>
/// The body of POST /v1/graphs/{graph}/impact; only outages is required. paths: full (default) or none;
/// cursor: the nextCursor of the previous page; states, kinds and nodes (ids, at most 1,000): list only those.
/// assume: changes to the graph for this question only; an outage in state up is a node kept up whatever its
/// providers do (a workaround).
/// </summary>
public sealed record ImpactRequest(
    IReadOnlyList<OutageRequest>? Outages,
    int? MaxDepth,
    int? Limit,
    string? Duration,
    string? Paths = null,
    string? Cursor = null,
    IReadOnlyList<string>? States = null,
    IReadOnlyList<string>? Kinds = null,
    IReadOnlyList<string>? Nodes = null,
    AssumptionsDocument? Assume = null);

/// <summary>
/// One node the outage reaches, with why (via: the node before it on its chain; path: the whole chain from an
/// origin, unless paths=none) and when (impactAt, ISO-8601).
/// </summary>
public sealed record AffectedNode(string Id, string Name, string Kind, string State, int Depth, string? Via, IReadOnlyList<string>? Path, string ImpactAt)
{
    /// <summary>In an incident: the moment the impact reaches it (the start plus impactAt).</summary>
    public DateTimeOffset? ImpactFrom { get; init; }

    /// <summary>In an incident: whether its time has come (hit), or it is only expected to be hit at impactFrom unless service is restored first.</summary>
    public bool? Hit { get; init; }

    /// <summary>In an ended incident: when the outages that hit it ended.</summary>
    public DateTimeOffset? ImpactUntil { get; init; }
}

/// <summary>Affected nodes by state, over all of them.</summary>
public sealed record ImpactCounts(int Down, int Degraded, int AtRisk)
{
    /// <summary>The engine's counts in the wire form.</summary>
    internal static ImpactCounts Of(ImpactMap.Core.Engine.StateCounts counts) => new(counts.Down, counts.Degraded, counts.AtRisk);
}

/// <summary>
/// The blast radius of an outage on one version of a graph: a page of the affected nodes that match the
/// filters (matching counts them all), counts and total over every affected node.
/// </summary>
public sealed record ImpactResponse(
    string Graph,
    long Version,
    IReadOnlyList<AffectedNode> Affected,
    ImpactCounts Counts,
    int Total,
    bool Truncated,
    IReadOnlyList<AffectedNode> Origins,
    int Matching,
    string? NextCursor,
    bool? Assumed = null)
{
    /// <summary>
    /// In an incident whose clock runs: the parties hit by the expected end (or ever, without one) if nothing is
    /// restored, by state; <c>counts</c> are then those hit now.
    /// </summary>
    public ImpactCounts? Expected { get; init; }

    /// <summary>In an incident whose clock runs: when the next party's time comes, unless service is restored first.</summary>
    public DateTimeOffset? NextHitAt { get; init; }

    /// <summary>With a duration: how many parties the outage would reach had it lasted, whose time lies past the duration.</summary>
    public int? SparedByDuration { get; init; }
}

/// <summary>A provider upstream of a node.</summary>
public sealed record ExposedProvider(string Id, string Name, string Kind, int Depth, string StateIfAloneFails, bool SinglePointOfFailure);

/// <summary>What a node depends on, directly or not, and its single points of failure.</summary>
public sealed record ExposureResponse(string Graph, long Version, string Node, IReadOnlyList<ExposedProvider> Providers, int SinglePointsOfFailure, bool? Assumed = null);

/// <summary>The body of POST .../nodes/{id}/exposure: the exposure under assumptions, nothing stored.</summary>
public sealed record ExposureRequest(AssumptionsDocument? Assume);

/// <summary>How much goes down when this node alone goes down.</summary>
public sealed record CriticalNode(string Id, string Name, string Kind, int Down, int CustomersDown);

/// <summary>Nodes ranked by what their failure alone takes down.</summary>
public sealed record CriticalityResponse(string Graph, long Version, IReadOnlyList<CriticalNode> Nodes);

/// <summary>The dependency cycles of a graph: each a set of node ids that depend on each other.</summary>
public sealed record CyclesResponse(string Graph, long Version, IReadOnlyList<IReadOnlyList<string>> Cycles);
