using ImpactMap.Core.Incidents;

namespace ImpactMap.Core.Storage;

/// <summary>
/// Where incidents live: implemented by every store beside its graphs, so that incidents survive restarts and
/// are shared by all service instances.
/// </summary>
public interface IIncidentStore
{
    /// <summary>
    /// Adds a new incident (its id must be new) and appends <paramref name="events"/> to the graph's event feed in
    /// the same transaction: the change and the news of it are stored together or not at all, so that what is
    /// sent from the feed (event streams, webhooks) never misses a change.
    /// </summary>
    Task CreateAsync(Incident incident, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);

    /// <summary>An incident of a graph, or null.</summary>
    Task<Incident?> GetAsync(string graph, string id, CancellationToken cancellationToken);

    /// <summary>An incident's stored revision, or null when there is none: cheap, so that a cached copy can be checked.</summary>
    Task<long?> GetRevisionAsync(string graph, string id, CancellationToken cancellationToken);

    /// <summary>
    /// The summaries of a graph's incidents (of every graph's when <paramref name="graph"/> is null), newest first
    /// within a graph, of one status or of all; <paramref name="openOnly"/> leaves closed ones out.
    /// </summary>
    Task<IReadOnlyList<IncidentSummary>> ListAsync(string? graph, IncidentStatus? status, bool openOnly, CancellationToken cancellationToken);

    /// <summary>Every open (not closed) incident of <paramref name="graph"/>, or of every graph when it is null.</summary>
    Task<IReadOnlyList<Incident>> ListOpenAsync(string? graph, CancellationToken cancellationToken);

    /// <summary>Deletes every incident of a graph, as the graph itself is deleted; returns how many there were.</summary>
    Task<int> DeleteAllAsync(string graph, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an incident whose stored revision is <paramref name="expectedRevision"/>, appending
    /// <paramref name="events"/> in the same transaction; <see cref="VersionConflictException"/> otherwise, and then
    /// neither is stored. Without <paramref name="impactChanged"/> the stored impact is kept as it is and not written
    /// again (a text update of an incident of 100,000 parties).
    /// </summary>
    Task SaveAsync(Incident incident, long expectedRevision, IReadOnlyList<NewEvent> events, bool impactChanged, CancellationToken cancellationToken);
}
