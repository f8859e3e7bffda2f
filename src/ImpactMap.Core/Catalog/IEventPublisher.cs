namespace ImpactMap.Core.Catalog;

/// <summary>Where the catalog and the incident service report what changed, for event streams and dashboards.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Records an event after the change it reports was stored. Never throws for an unavailable store: the
    /// change stands, and its caller was already owed a success.
    /// </summary>
    Task PublishAsync(string graph, string type, object payload, CancellationToken cancellationToken);
}
