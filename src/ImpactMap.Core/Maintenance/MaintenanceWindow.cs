using ImpactMap.Core.Incidents;

namespace ImpactMap.Core.Maintenance;

/// <summary>Where a maintenance window stands, by the clock: scheduled, in progress, completed; or cancelled.</summary>
public enum MaintenanceStatus
{
    /// <summary>Its start lies ahead.</summary>
    Scheduled,

    /// <summary>Between its start and its end.</summary>
    InProgress,

    /// <summary>Its end has passed.</summary>
    Completed,

    /// <summary>Called off; kept for the record.</summary>
    Cancelled,
}

/// <summary>The wire names of <see cref="MaintenanceStatus"/>.</summary>
public static class MaintenanceStatuses
{
    /// <summary>scheduled, in-progress, completed or cancelled.</summary>
    public static string ToWire(this MaintenanceStatus status) => status switch
    {
        MaintenanceStatus.InProgress => "in-progress",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Planned work that takes nodes down or degrades them for a known time: a region drained on Sunday 02:00-04:00,
/// a supplier's announced upgrade. Its impact is that of its outages for its length, tolerances and all.
/// </summary>
/// <param name="Notify">Whether the parties it reaches get letters: before it (planned), as it starts and once it is completed.</param>
/// <param name="Origin">Where it came from when not entered by a person: <c>watch:{id}</c> for a supplier's announced maintenance.</param>
/// <param name="Source">The supplier's own id of the maintenance a watch carries over, so it is followed, not duplicated.</param>
/// <param name="Told">The status the event feed was last told of, so that each start and end is told once.</param>
public sealed record MaintenanceWindow(
    string Id,
    string Graph,
    string Title,
    IReadOnlyList<IncidentOutage> Outages,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool Notify,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Cancelled = false,
    string? Origin = null,
    string? Source = null,
    string? Advice = null,
    MaintenanceStatus Told = MaintenanceStatus.Scheduled)
{
    /// <summary>How long the work takes nodes out.</summary>
    public TimeSpan Length => End - Start;

    /// <summary>Its status at <paramref name="now"/>.</summary>
    public MaintenanceStatus StatusAt(DateTimeOffset now) =>
        Cancelled ? MaintenanceStatus.Cancelled : now < Start ? MaintenanceStatus.Scheduled : now < End ? MaintenanceStatus.InProgress : MaintenanceStatus.Completed;

    /// <summary>Whether the two windows share any moment.</summary>
    public bool Overlaps(MaintenanceWindow other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Start < other.End && other.Start < End;
    }

    /// <summary>Whether it still matters for planning: neither cancelled nor over.</summary>
    public bool IsAhead(DateTimeOffset now) => !Cancelled && now < End;
}
