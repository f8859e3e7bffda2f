namespace ImpactMap.Core.Storage;

/// <summary>
/// The database behind every port of one store (a SQLite file, a Neo4j server): made ready once at start,
/// asked whether it answers by the readiness probe.
/// </summary>
public interface IStoreReadiness
{
    /// <summary>Creates what the store needs (schema, constraints); safe to call again.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers now.</summary>
    Task<bool> IsReadyAsync(CancellationToken cancellationToken);
}
