namespace ImpactMap.Api.Watches;

/// <summary>PUT …/watches/{watch}: the supplier page's base address, how often to poll it, which component is which node, and optionally status → state.</summary>
public sealed record WatchRequest(string? Url, string? Interval, IReadOnlyList<WatchComponentRequest>? Components, IReadOnlyDictionary<string, string>? States);

/// <summary>A supplier component (its id or exact name on the page) and our node it is.</summary>
public sealed record WatchComponentRequest(string? Component, string? Node);

/// <summary>How a watch is doing: <c>status</c> is pending (never polled), healthy, unhealthy (its last poll failed, <c>problem</c> says why) or stale (5 failures in a row).</summary>
public sealed record WatchHealthResponse(
    string Status, DateTimeOffset? LastPoll, DateTimeOffset? LastSuccess, int ConsecutiveFailures, bool Stale, string? Problem, DateTimeOffset NextPollAt,
    string? PageName);

/// <summary>A watch with its health and the incident it keeps open, if any.</summary>
public sealed record WatchResponse(
    string Graph, string Id, string Url, string Interval, IReadOnlyList<WatchComponentRequest> Components, IReadOnlyDictionary<string, string> States,
    WatchHealthResponse Health, string? Incident);
