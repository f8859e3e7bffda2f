namespace ImpactMap.Core.Storage;

/// <summary>The first answer to a request sent with an Idempotency-Key, to give again to its retries.</summary>
/// <param name="RequestHash">SHA-256 of the first request's body: a retry must send the same.</param>
public sealed record IdempotentResponse(string RequestHash, int Status, string? ContentType, string? Location, string? ETag, byte[] Body);

/// <summary>Where first answers are kept, beside the graphs, so that a retry reaching another instance is recognised.</summary>
public interface IIdempotencyStore
{
    /// <summary>The answer kept for <paramref name="key"/>, or null.</summary>
    Task<IdempotentResponse?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keeps the answer for <paramref name="key"/>, stamped with the store's clock; a key already kept stays as it was.</summary>
    Task SaveAsync(string key, IdempotentResponse response, CancellationToken cancellationToken);
}
