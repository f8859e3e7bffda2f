using ImpactMap.Core.Engine;

namespace ImpactMap.Core.Incidents;

/// <summary>
/// What a list of incidents shows of one: stored beside the incident, so that a list reads a few hundred bytes
/// per incident rather than every incident's whole impact.
/// </summary>
public sealed record IncidentSummary(
    string Id,
    string Graph,
    string Title,
    IncidentStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan? ExpectedDuration,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<IncidentOutage> Outages,
    StateCounts Counts,
    int Total,
    int Updates,
    bool Reviewed,
    IReadOnlyList<TimedCount>? Timeline = null)
{
    /// <summary>As <see cref="Incident.ToldUntil"/>.</summary>
    public TimeSpan? ToldUntil { get; init; }

    /// <summary>Whether a party's time came since the feed was last told of the incident's parties: <see cref="Incident.TellHits"/> has news.</summary>
    public bool HasUntoldHits(DateTimeOffset now)
    {
        var told = ToldUntil ?? OpenedAt - StartedAt;
        return Status is not (IncidentStatus.Resolved or IncidentStatus.Closed) && Timeline is not null
               && Timeline.Any(t => t.At > told && t.At <= now - StartedAt);
    }

    /// <summary>The parties hit at <paramref name="now"/>, by state: as <see cref="Incident.HitCounts"/>, from the summary alone.</summary>
    public StateCounts HitCounts(DateTimeOffset now) =>
        Status is IncidentStatus.Resolved or IncidentStatus.Closed || Timeline is null ? Counts : IncidentImpact.CountsIn(Timeline, now - StartedAt);

    /// <summary>The summary of <paramref name="incident"/> as it stands.</summary>
    public static IncidentSummary Of(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var (down, degraded, atRisk) = incident.Impact.Counts;
        return new IncidentSummary(
            incident.Id, incident.Graph, incident.Title, incident.Status, incident.StartedAt, incident.ExpectedDuration,
            incident.OpenedAt, incident.ClosedAt, incident.Outages, new StateCounts(down, degraded, atRisk),
            incident.Impact.Total, incident.Updates.Count, incident.Review is not null,
            incident.Impact.Timeline is { } timeline ? Coarse(timeline) : null) { ToldUntil = incident.ToldUntil };
    }

    /// <summary>
    /// A summary stays a few kilobytes: a timeline of more than <see cref="TimelineEntries"/> moments is counted by
    /// the minute, hour, day or week instead, each rounded up, so that no party is counted hit before its time.
    /// </summary>
    private static IReadOnlyList<TimedCount> Coarse(IReadOnlyList<TimedCount> timeline)
    {
        IReadOnlyList<TimedCount> coarse = timeline;
        foreach (var step in new[] { 60L, 3600, 86_400, 7 * 86_400 })
        {
            if (coarse.Count <= TimelineEntries)
            {
                break;
            }

            coarse = timeline
                .GroupBy(t => (Seconds: (long)Math.Ceiling(t.At.TotalSeconds / step) * step, t.State))
                .Select(g => new TimedCount(TimeSpan.FromSeconds(g.Key.Seconds), g.Key.State, g.Sum(t => t.Count)))
                .OrderBy(t => t.At).ThenBy(t => t.State).ToList();
        }

        return coarse;
    }

    /// <summary>The most moments a summary's timeline keeps.</summary>
    public const int TimelineEntries = 256;
}
