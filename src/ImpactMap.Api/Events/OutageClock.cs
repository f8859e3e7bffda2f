using ImpactMap.Api.Hosting;
using ImpactMap.Api.Incidents;
using ImpactMap.Api.Maintenance;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Events;

/// <summary>
/// Tells the feed what the clock alone changes: a party's time coming in an open incident, so that a dashboard or
/// a party's webhook hears it is hit when it is, not at the next update; a maintenance window starting or ending.
/// Reads only incident summaries (a few kilobytes each) and window records to find the news; every instance may run
/// it, the store's revision checks letting one of them tell.
/// </summary>
public sealed class OutageClock(
    IIncidentStore store, IncidentService incidents, MaintenanceService maintenances, TimeProvider clock, IOptions<ImpactMapOptions> options,
    ILogger<OutageClock> logger) : BackgroundService
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

                await maintenances.TellStatusChangesAsync(stoppingToken);
            }
            catch (StoreUnavailableException e)
            {
                logger.LogWarning("Open incidents and maintenance windows were not looked at for what the clock changed: {Reason}", e.Message);
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
