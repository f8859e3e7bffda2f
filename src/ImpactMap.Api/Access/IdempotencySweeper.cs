using ImpactMap.Api.Hosting;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Access;

/// <summary>
/// Deletes answers kept for Idempotency-Keys once their retention has passed, a batch at a time, every twenty-fourth
/// of the retention (an hour by default); every instance may sweep, the deletes being the same whoever runs them.
/// </summary>
public sealed class IdempotencySweeper(IIdempotencyStore store, TimeProvider clock, IOptions<ImpactMapOptions> options, ILogger<IdempotencySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var retention = options.Value.Idempotency.Retention;
            try
            {
                var forgotten = 0;
                for (int batch; (batch = await store.ForgetBeforeAsync(clock.GetUtcNow() - retention, stoppingToken)) > 0;)
                {
                    forgotten += batch;
                }

                if (forgotten > 0)
                {
                    logger.LogInformation("Forgot {Count} answers kept for Idempotency-Keys for longer than {Retention}", forgotten, retention);
                }
            }
            catch (StoreUnavailableException e)
            {
                logger.LogWarning("Expired Idempotency-Key answers were not deleted: {Reason}", e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var every = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 24, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(1).Ticks));
            await Task.Delay(every, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
