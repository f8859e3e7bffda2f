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
    bool Reviewed)
{
    /// <summary>The summary of <paramref name="incident"/> as it stands.</summary>
    public static IncidentSummary Of(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var (down, degraded, atRisk) = incident.Impact.Counts;
        return new IncidentSummary(
            incident.Id, incident.Graph, incident.Title, incident.Status, incident.StartedAt, incident.ExpectedDuration,
            incident.OpenedAt, incident.ClosedAt, incident.Outages, new StateCounts(down, degraded, atRisk),
            incident.Impact.Total, incident.Updates.Count, incident.Review is not null);
    }
}
