using System.Security.Cryptography;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Access;

/// <summary>How long first answers to an Idempotency-Key are kept: <c>ImpactMap:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a kept answer is given to retries, then deleted; 24 hours, as Stripe keeps them.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>A POST that changes nothing (an impact, a what-if, a dry run): its Idempotency-Key keeps no answer, a retry recomputes.</summary>
/// <param name="Applies">Whether this request is the read-only kind, when that depends on it (imports with dryRun).</param>
public sealed record ReadOnlyPost(Func<HttpRequest, bool>? Applies = null);

/// <summary>
/// <c>Idempotency-Key</c> on POST: the first successful answer is kept in the store under the caller, the
/// route and the key, for <see cref="IdempotencyOptions.Retention"/>; a retry with the same key and body gets that
/// answer again (with <c>Idempotent-Replayed: true</c>) and changes nothing; the same key with another body gets
/// 422. Read-only POSTs (<see cref="ReadOnlyPost"/>) keep nothing: 20 impact answers as CSV under distinct keys
/// once stored 102 MB that never expired.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// Where the request's identity (caller, route and key, hashed) is left for the endpoint, so that a change can
    /// carry it in its own transaction: a retry after a crash between storing the change and keeping its answer
    /// then finds the change and does not make it twice.
    /// </summary>
    public const string RequestItem = "ImpactMap.IdempotentRequest";
    private static readonly StripedGates InFlight = new();

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var presented = context.Request.Headers[Header].ToString();
            var endpoint = context.GetEndpoint();
            if (!HttpMethods.IsPost(context.Request.Method) || presented.Length == 0
                || endpoint?.Metadata.GetMetadata<ReadOnlyPost>() is { } readOnly && (readOnly.Applies is null || readOnly.Applies(context.Request)))
            {
                await next(context);
                return;
            }

            if (presented.Length > 200 || presented.Any(c => c is < '!' or > '~'))
            {
                throw ApiProblem.BadRequest($"{Header} must be 1 to 200 visible ASCII characters.");
            }

            var store = context.RequestServices.GetRequiredService<IIdempotencyStore>();
            var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImpactMapOptions>>().Value;
            var keptSince = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - options.Idempotency.Retention;
            // The body is read here, before the endpoint: it gets the endpoint's own limit, with or without a key.
            if (endpoint?.Metadata.GetMetadata<LargeBody>() is { } large)
            {
                BoundedRead.AllowLargeBody(context.Request, large.Limit(options));
            }

            var key = $"{AccessControl.CallerOf(context).KeyId}\n{context.Request.Path}\n{presented}";
            context.Request.EnableBuffering();
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(context.Request.Body, context.RequestAborted));
            context.Request.Body.Position = 0;

            context.Items[RequestItem] = "request:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..32];

            // One at a time per key here; the store keeps the first answer for retries reaching other instances.
            using (await InFlight.EnterAsync(key, context.RequestAborted))
            {
                if (await store.FindAsync(key, keptSince, context.RequestAborted) is { } first)
                {
                    if (first.RequestHash != hash)
                    {
                        throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                            $"{Header} '{presented}' was first used with another body; use a new key for a new request.");
                    }

                    var response = context.Response;
                    response.StatusCode = first.Status;
                    response.ContentType = first.ContentType;
                    if (first.Location is not null)
                    {
                        response.Headers.Location = first.Location;
                    }

                    if (first.ETag is not null)
                    {
                        response.Headers.ETag = first.ETag;
                    }

                    response.Headers["Idempotent-Replayed"] = "true";
                    await response.Body.WriteAsync(first.Body, context.RequestAborted);
                    return;
                }

                var original = context.Response.Body;
                using var captured = new MemoryStream();
                context.Response.Body = captured;
                try
                {
                    await next(context);
                }
                finally
                {
                    context.Response.Body = original;
                }

                captured.Position = 0;
                await captured.CopyToAsync(original, context.RequestAborted);
                if (context.Response.StatusCode is >= 200 and < 300)
                {
                    await store.SaveAsync(key, new IdempotentResponse(hash, context.Response.StatusCode, context.Response.ContentType,
                        context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
                        context.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
                        captured.ToArray()), keptSince, CancellationToken.None);
                }
            }
        });
}
