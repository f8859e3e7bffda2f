using System.Globalization;
using System.Threading.RateLimiting;
using ImpactMap.Api.Hosting;

namespace ImpactMap.Api.Access;

/// <summary>
/// A token bucket per key (per client address when the service is open): <c>ImpactMap:RateLimit:PermitsPerSecond</c>
/// refilled each second up to <c>:Burst</c>; 0 turns it off. Over it: 429 with Retry-After, as problem+json.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddKeyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perSecond = configuration.GetValue("ImpactMap:RateLimit:PermitsPerSecond", 200);
        var burst = configuration.GetValue("ImpactMap:RateLimit:Burst", perSecond * 2);
        return services.AddRateLimiter(options =>
        {
            // ASP.NET answers 503 by default; a client over its limit is told 429 and when to come back.
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem($"Key '{AccessControl.CallerOf(context.HttpContext).KeyId}' is over its rate limit of {perSecond} requests per second; retry after {retryAfter} s.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context.HttpContext);
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (perSecond <= 0 || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var caller = context.Features.Get<Caller>();
                var partition = caller is null ? $"address:{context.Connection.RemoteIpAddress}" : $"key:{caller.KeyId}";
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, burst),
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
    }
}
