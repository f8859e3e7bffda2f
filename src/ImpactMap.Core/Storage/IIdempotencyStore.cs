namespace ImpactMap.Core.Storage;

/// <summary>The first answer to a request sent with an Idempotency-Key, to give again to its retries.</summary>
/// <param name="RequestHash">SHA-256 of the first request's body: a retry must send the same.</param>
public sealed record IdempotentResponse(string RequestHash, int Status, string? ContentType, string? Location, string? ETag, byte[] Body);

/// <summary>
/// Where first answers are kept, beside the graphs, so that a retry reaching another instance is recognised. Answers
/// expire: one kept before the caller's <c>keptSince</c> counts as gone, and <see cref="ForgetBeforeAsync"/> deletes them.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>The most answers <see cref="ForgetBeforeAsync"/> deletes in one call.</summary>
    public const int ForgetBatch = 5000;

    /// <summary>The answer kept for <paramref name="key"/> since <paramref name="keptSince"/>, or null.</summary>
    Task<IdempotentResponse?> FindAsync(string key, DateTimeOffset keptSince, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the answer for <paramref name="key"/>, stamped with the store's clock; a key kept since
    /// <paramref name="keptSince"/> stays as it was, one kept before is replaced.
    /// </summary>
    Task SaveAsync(string key, IdempotentResponse response, DateTimeOffset keptSince, CancellationToken cancellationToken);

    /// <summary>Deletes up to <see cref="ForgetBatch"/> answers kept before <paramref name="before"/>; how many it deleted.</summary>
    Task<int> ForgetBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
