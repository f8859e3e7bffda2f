using ImpactMap.Core.Model;

namespace ImpactMap.Core.Watches;

/// <summary>A supplier's component, by its id or exact name on the supplier's page, and the node of ours it is.</summary>
public sealed record WatchedComponent(string Component, string Node);

/// <summary>
/// What follows a supplier's status page: its base address (the page's, or another ImpactMap's
/// <c>…/v1/graphs/{graph}/status</c>), how often to poll, which of its components are which of our nodes, and
/// optionally how its component statuses map to states.
/// </summary>
public sealed record WatchSettings(string Url, TimeSpan Interval, IReadOnlyList<WatchedComponent> Components, IReadOnlyDictionary<string, NodeState> States)
{
    /// <summary>Statuspage's component statuses and the states they mean, unless a watch says otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, NodeState> DefaultStates = new Dictionary<string, NodeState>(StringComparer.Ordinal)
    {
        ["operational"] = NodeState.Up,
        ["degraded_performance"] = NodeState.Degraded,
        ["partial_outage"] = NodeState.Degraded,
        ["major_outage"] = NodeState.Down,
        ["under_maintenance"] = NodeState.Down,
    };

    /// <summary>The address polled: <c>{url}/api/v2/summary.json</c>.</summary>
    public Uri SummaryUrl => new(Url.TrimEnd('/') + "/api/v2/summary.json");

    /// <summary>The state a component status means: the watch's own mapping first, then Statuspage's; null for a status neither knows.</summary>
    public NodeState? StateOf(string status) =>
        States.TryGetValue(status, out var own) ? own : DefaultStates.TryGetValue(status, out var known) ? known : null;
}

/// <summary>
/// How a watch is doing and where it is: its health, the conditional-GET validators of the last answer, and the
/// incident it keeps (its <paramref name="Episode"/>-th), so that polls on any instance carry on from here.
/// </summary>
public sealed record WatchState(
    DateTimeOffset? LastPoll,
    DateTimeOffset? LastSuccess,
    int ConsecutiveFailures,
    string? Problem,
    DateTimeOffset NextPollAt,
    string? ETag,
    string? LastModified,
    int Episode,
    string? Incident,
    string? PageName)
{
    /// <summary>Failures in a row after which a watch is stale: its supplier's state is no longer known.</summary>
    public const int StaleAfter = 5;

    /// <summary>A new watch: never polled, due at once.</summary>
    public static WatchState New(DateTimeOffset now) => new(null, null, 0, null, now, null, null, 0, null, null);

    /// <summary>Whether it failed <see cref="StaleAfter"/> times in a row.</summary>
    public bool IsStale => ConsecutiveFailures >= StaleAfter;

    /// <summary>Whether its last poll succeeded.</summary>
    public bool IsHealthy => ConsecutiveFailures == 0 && LastSuccess is not null;
}
