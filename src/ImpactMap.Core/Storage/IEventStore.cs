namespace ImpactMap.Core.Storage;

/// <summary>Something that happened, for dashboards: incident opened, impact changed, update posted, closed, graph changed.</summary>
/// <param name="Id">Increases with every event of the store; clients resume after the last one they saw.</param>
/// <param name="Data">The event's JSON payload.</param>
public sealed record StoredEvent(long Id, string Graph, string Type, string Data, DateTimeOffset At);

/// <summary>An event to append with the change it reports: its type and JSON payload.</summary>
public sealed record NewEvent(string Type, string Data)
{
    /// <summary>An event whose payload is <paramref name="payload"/> as JSON, as every event is written.</summary>
    public static NewEvent Of(string type, object payload) => new(type, StoredJson.Write(payload));
}

/// <summary>
/// The event feed, beside the graphs: graph changes and incidents append to it, event streams read it, so
/// that a stream on one service instance delivers what another recorded and a client can resume.
/// </summary>
public interface IEventStore
{
    /// <summary>Appends an event, stamped with the store's clock, and returns its id.</summary>
    Task<long> AppendAsync(string graph, string type, string data, CancellationToken cancellationToken);

    /// <summary>A graph's events after <paramref name="afterId"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(string graph, long afterId, int max, CancellationToken cancellationToken);

    /// <summary>Deletes a graph's events up to and including <paramref name="upToId"/> (all of them when null), as the graph is deleted.</summary>
    Task DeleteAllAsync(string graph, long? upToId, CancellationToken cancellationToken);

    /// <summary>The id of the store's newest event, 0 when there is none.</summary>
    Task<long> LastIdAsync(CancellationToken cancellationToken);
}
