namespace ImpactMap.Core.Storage;

/// <summary>The one JSON form of what features keep in records and events carry: the web's (camelCase), as the API writes it.</summary>
public static class StoredJson
{
    /// <summary>The options: camelCase names, numbers as numbers.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>A value as stored.</summary>
    public static string Write<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Options);

    /// <summary>A record's value read back.</summary>
    public static T Read<T>(StoredRecord record) =>
        System.Text.Json.JsonSerializer.Deserialize<T>((record ?? throw new ArgumentNullException(nameof(record))).Data, Options)
        ?? throw new InvalidDataException($"record {record.Collection}/{record.Graph}/{record.Id} holds null");
}

/// <summary>A small JSON record a feature keeps beside a graph: a watch, a status page, a webhook, a delivery.</summary>
/// <param name="Revision">Moves up with every write; a write naming the revision it read fails if another came first.</param>
public sealed record StoredRecord(string Graph, string Collection, string Id, long Revision, string Data);

/// <summary>
/// Where the features around incidents keep their records, in the same store as the graphs: what follows a
/// supplier's status page, what we publish, who is told and what was sent. Records are revision-checked, and a
/// record can be leased, so that of several instances on one store only one works on it at a time.
/// </summary>
public interface IRecordStore
{
    /// <summary>A record, or null.</summary>
    Task<StoredRecord?> GetAsync(string graph, string collection, string id, CancellationToken cancellationToken);

    /// <summary>A collection's records in id order, after <paramref name="afterId"/>, at most <paramref name="max"/>; of every graph when <paramref name="graph"/> is null.</summary>
    Task<IReadOnlyList<StoredRecord>> ListAsync(string? graph, string collection, string afterId, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a record and returns its new revision. <paramref name="expectedRevision"/>: null writes whatever is
    /// there, 0 only when there is none, otherwise only over that revision; <see cref="VersionConflictException"/> when not.
    /// </summary>
    Task<long> PutAsync(string graph, string collection, string id, string data, long? expectedRevision, CancellationToken cancellationToken);

    /// <summary>Deletes a record; false when there was none.</summary>
    Task<bool> DeleteAsync(string graph, string collection, string id, CancellationToken cancellationToken);

    /// <summary>Deletes every record of a graph, as the graph is deleted.</summary>
    Task DeleteAllAsync(string graph, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the record's lease for <paramref name="holder"/> until <paramref name="until"/> when it is free,
    /// expired (by the store's clock) or already the holder's; false when another holds it or there is no record.
    /// </summary>
    Task<bool> TryLeaseAsync(string graph, string collection, string id, string holder, DateTimeOffset until, CancellationToken cancellationToken);
}
