using ImpactMap.Core.Incidents;

namespace ImpactMap.Core.Storage;

/// <summary>Something that happened, for dashboards: incident opened, impact changed, update posted, closed, graph changed.</summary>
/// <param name="Id">Increases with every event of the store; clients resume after the last one they saw.</param>
/// <param name="Data">The event's JSON payload.</param>
public sealed record StoredEvent(long Id, string Graph, string Type, string Data, DateTimeOffset At);

/// <summary>
/// Where incidents and events live: implemented by every store beside its graphs, so that incidents survive
/// restarts and are shared by all service instances.
/// </summary>
public interface IIncidentStore
{
    /// <summary>Adds a new incident; its id must be new.</summary>
    Task CreateAsync(Incident incident, CancellationToken cancellationToken);

    /// <summary>An incident of a graph, or null.</summary>
    Task<Incident?> GetIncidentAsync(string graph, string id, CancellationToken cancellationToken);

    /// <summary>A graph's incidents, newest first, optionally of one status.</summary>
    Task<IReadOnlyList<Incident>> ListIncidentsAsync(string graph, IncidentStatus? status, CancellationToken cancellationToken);

    /// <summary>Every open (not closed) incident of every graph.</summary>
    Task<IReadOnlyList<Incident>> ListOpenIncidentsAsync(CancellationToken cancellationToken);

    /// <summary>Replaces an incident whose stored revision is <paramref name="expectedRevision"/>; <see cref="VersionConflictException"/> otherwise.</summary>
    Task SaveAsync(Incident incident, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>Appends an event and returns its id.</summary>
    Task<long> AppendEventAsync(string graph, string type, string data, CancellationToken cancellationToken);

    /// <summary>A graph's events after <paramref name="afterId"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string graph, long afterId, int max, CancellationToken cancellationToken);

    /// <summary>The id of the store's newest event, 0 when there is none.</summary>
    Task<long> LastEventIdAsync(CancellationToken cancellationToken);
}
