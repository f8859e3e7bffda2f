using ImpactMap.Api.Hosting;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Incidents;

/// <summary>
/// Tells the feed when a party's time comes in an open incident, so that a dashboard or a party's webhook hears
/// it is hit when it is, not at the next update. Reads only the summaries (a few kilobytes each) to find the
/// incidents with news; every instance may run it, the store's revision check letting one of them tell.
/// </summary>
public sealed class IncidentClock(
    IIncidentStore store, IncidentService incidents, TimeProvider clock, IOptions<ImpactMapOptions> options, ILogger<IncidentClock> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                foreach (var due in (await store.ListAsync(null, null, openOnly: true, stoppingToken)).Where(s => s.HasUntoldHits(now)))
                {
                    await TellAsync(due, stoppingToken);
                }
            }
            catch (StoreUnavailableException e)
            {
                logger.LogWarning("Open incidents were not looked at for parties whose time came: {Reason}", e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(options.Value.IncidentClockInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task TellAsync(IncidentSummary due, CancellationToken cancellationToken)
    {
        try
        {
            await incidents.TellHitsAsync(due.Graph, due.Id, cancellationToken);
        }
        catch (Exception e) when (e is IncidentNotFoundException or Core.Catalog.GraphNotFoundException or VersionConflictException)
        {
            // Deleted with its graph, or changed by another instance five times over meanwhile: the next round looks again.
            logger.LogDebug("Incident {Graph}/{Id} was not told of its parties now hit: {Reason}", due.Graph, due.Id, e.Message);
        }
    }
}
