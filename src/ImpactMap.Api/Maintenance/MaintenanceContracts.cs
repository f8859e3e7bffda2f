using ImpactMap.Api.Impact;
using ImpactMap.Api.Incidents;

namespace ImpactMap.Api.Maintenance;

/// <summary>When planned work runs: from start to end.</summary>
public sealed record WindowRequest(DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>
/// The body of PUT /v1/graphs/{graph}/maintenances/{id} and POST …/maintenances/check: what is taken out (outages, down
/// by default), when (window), whether the parties it reaches get letters (notify), and what they can do meanwhile.
/// </summary>
public sealed record MaintenanceRequest(string? Title, IReadOnlyList<OutageRequest>? Outages, WindowRequest? Window, bool? Notify = null, string? Advice = null);

public sealed record WindowResponse(DateTimeOffset Start, DateTimeOffset End);

/// <summary>A party a conflict makes worse: its state with both sides, and the worse of its states with either alone (up: neither reaches it).</summary>
public sealed record ConflictPartyResponse(string Id, string Name, string Kind, string State, string Alone);

/// <summary>
/// What this window does with another (kind maintenance) or with an open incident (kind incident) that neither does
/// alone, while both last: the parties it makes worse (the first 100; total counts them all).
/// </summary>
public sealed record ConflictResponse(string Kind, string With, string Title, DateTimeOffset From, DateTimeOffset Until, int Total, IReadOnlyList<ConflictPartyResponse> Parties);

/// <summary>
/// The window's impact for its length, tolerances applied: the parties it reaches (each from impactFrom), their
/// counts, and how many a longer outage of the same nodes would reach that this length spares.
/// </summary>
public sealed record MaintenanceImpactResponse(ImpactCounts Counts, int Total, bool Truncated, IReadOnlyList<AffectedNode> Affected, IReadOnlyList<AffectedNode> Origins, int SparedByLength);

/// <summary>
/// A maintenance window: status (scheduled, in-progress, completed, cancelled, following the clock), what it takes
/// out and when, its impact, and its conflicts with other windows and open incidents.
/// </summary>
public sealed record MaintenanceResponse(
    string Id,
    string Graph,
    string Title,
    string Status,
    IReadOnlyList<OutageResponse> Outages,
    WindowResponse Window,
    bool Notify,
    string? Advice,
    string? Origin,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    MaintenanceImpactResponse Impact,
    IReadOnlyList<ConflictResponse> Conflicts);
