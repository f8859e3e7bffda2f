using ImpactMap.Api.Impact;

namespace ImpactMap.Api.Incidents;

/// <summary>The body of POST /v1/graphs/{graph}/incidents; startedAt defaults to now; advice: what affected parties may do meanwhile.</summary>
public sealed record OpenIncidentRequest(
    string? Title, IReadOnlyList<OutageRequest>? Outages, DateTimeOffset? StartedAt, string? ExpectedDuration, string? Advice = null);

/// <summary>The body of POST …/incidents/{id}/updates: a status and message; outages to change them; advice to change it.</summary>
public sealed record IncidentUpdateRequest(
    string? Status, string? Message, IReadOnlyList<OutageRequest>? Outages, string? ExpectedDuration, string? Advice = null);

/// <summary>An action with its owner and due date (YYYY-MM-DD).</summary>
public sealed record PreventionRequest(string? Action, string? Owner, string? Due);

/// <summary>The body of PUT …/incidents/{id}/review.</summary>
public sealed record ReviewRequest(string? WhatHappened, string? WhatWeLearned, IReadOnlyList<PreventionRequest>? Prevention);

public sealed record OutageResponse(string Node, string State)
{
    /// <summary>When this outage ended, where it came back before the incident was resolved.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}

public sealed record ImpactChangeResponse(IReadOnlyList<string> BecameAffected, IReadOnlyList<string> Recovered, IReadOnlyList<string> Worsened, IReadOnlyList<string> Improved);

public sealed record IncidentUpdateResponse(int Sequence, DateTimeOffset At, string Status, string Message, IReadOnlyList<OutageResponse>? Outages, ImpactChangeResponse? Change);

public sealed record PreventionResponse(string Action, string Owner, string Due);

/// <summary>A review: its revision (1, 2, … as later reviews replace earlier ones) and the id of the key that gave it.</summary>
public sealed record ReviewResponse(
    string WhatHappened, string WhatWeLearned, IReadOnlyList<PreventionResponse> Prevention, DateTimeOffset AcceptedAt, string? Author, int Revision);

/// <summary>
/// An incident: what failed, the impact computed then (the impact endpoint's shape: its first 1,000 parties,
/// the rest a page at a time at …/impact with its nextCursor), updates, review. Once resolved, the impact is what
/// the outage did in the time it lasted, and <c>spared</c> lists who it would have hit had it lasted longer.
/// </summary>
public sealed record IncidentResponse(
    string Id,
    string Graph,
    string Title,
    string Status,
    DateTimeOffset StartedAt,
    string? ExpectedDuration,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<OutageResponse> Outages,
    ImpactResponse Impact,
    IReadOnlyList<IncidentUpdateResponse> Updates,
    ReviewResponse? Review,
    IReadOnlyList<ReviewResponse> Reviews,
    string? Advice)
{
    /// <summary>Once resolved: the parties the outage would have reached later, spared by their tolerance (null while the clock runs).</summary>
    public IReadOnlyList<SparedPartyResponse>? Spared { get; init; }
}

/// <summary>
/// A party an ended outage did not reach in time: the state it would have been in, and when (<c>impactAt</c> after
/// the start, <c>impactFrom</c> the moment), which lay after the outage ended.
/// </summary>
public sealed record SparedPartyResponse(string Id, string Name, string Kind, string State, string ImpactAt, DateTimeOffset ImpactFrom);

/// <summary>An incident in a list: what failed, where it stands, and how many it reaches; the impact itself is read from the incident.</summary>
public sealed record IncidentSummaryResponse(
    string Id,
    string Graph,
    string Title,
    string Status,
    DateTimeOffset StartedAt,
    string? ExpectedDuration,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<OutageResponse> Outages,
    ImpactCounts Counts,
    int Total,
    int Updates,
    bool Reviewed)
{
    /// <summary>While the clock runs: the parties hit by the expected end if nothing is restored; <c>counts</c> are those hit now.</summary>
    public ImpactCounts? Expected { get; init; }
}

/// <summary>
/// What one affected party is told: the letter (message), its recipient (to: the party and its contact), sender
/// (from, when configured), subject, phase (ongoing, restored, reviewed) and when the impact reached it.
/// </summary>
public sealed record NoticeResponse(
    string Node, string Name, string Kind, string State, string ImpactAt, IReadOnlyList<string> Path, string Message,
    string To, string? From, string Subject, string Phase, DateTimeOffset ImpactFrom)
{
    /// <summary>Whether the party's time has come: false in an ongoing letter that warns of what is expected.</summary>
    public bool? Hit { get; init; }
}
