using System.Text.Json;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Incidents;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Storage;
using ImpactMap.Core.Watches;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Watches;

/// <summary>
/// Polls every due watch of every graph and carries what the supplier's page shows into the watch's incident.
/// Each poll runs under the watch's lease in the store, so that of several instances on one store only one
/// polls a watch at a time; what it did is kept in the watch's state, and every step is idempotent, so that a
/// poll cut short anywhere is simply done again.
/// </summary>
public sealed class WatchPoller(
    IRecordStore records, WatchService watches, IncidentService incidents, Maintenance.MaintenanceService maintenances, SupplierPageClient pages, GraphCatalog catalog,
    TimeProvider clock,
    IOptions<ImpactMapOptions> options, ILogger<WatchPoller> logger) : BackgroundService
{
    private const int MaxWatches = 10_000;

    /// <summary>Watches of one graph polled at once; each in a lane of its own (<see cref="FairLanes"/>).</summary>
    public const int LanesPerGraph = 8;

    private readonly FairLanes _lanes = new(LanesPerGraph);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.Watches.MinInterval.TotalMilliseconds / 4, 100, 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is StoreUnavailableException or HttpRequestException or TimeoutException)
            {
                logger.LogWarning("Watches were not polled: {Reason}", e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await Task.Delay(tick, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await _lanes.WhenAllAsync();
    }

    /// <summary>A lane for every due watch that has none: a slow page delays only its own watch.</summary>
    private async Task PollDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var record in (await records.ListAsync(null, WatchService.StateCollection, "", MaxWatches, cancellationToken))
                 .Where(r => WatchService.ReadState(r).NextPollAt <= now))
        {
            _lanes.TryStart(record.Graph, record.Id, token => LeaseAndPollAsync(record.Graph, record.Id, token), cancellationToken);
        }
    }

    private async Task LeaseAndPollAsync(string graph, string id, CancellationToken cancellationToken)
    {
        // Short, so that a crashed holder's watches move on soon; a poll that outlives it is harmless, every step being idempotent.
        var lease = clock.GetUtcNow() + options.Value.Watches.Timeout * 2 + TimeSpan.FromSeconds(5);
        try
        {
            if (await records.TryLeaseAsync(graph, WatchService.StateCollection, id, BackgroundWork.LeaseHolder, lease, cancellationToken))
            {
                await PollAsync(graph, id, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // One watch's trouble (its graph deleted meanwhile, the store failing) must not stop the others, nor the service.
            logger.LogError(e, "Watch {Watch} of graph {Graph} was not polled", id, graph);
        }
    }

    /// <summary>One poll of one watch, under its lease.</summary>
    private async Task PollAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var watchRecord = await records.GetAsync(graph, WatchService.Collection, id, cancellationToken);
        var stateRecord = await records.GetAsync(graph, WatchService.StateCollection, id, cancellationToken);
        if (watchRecord is null || stateRecord is null)
        {
            return;
        }

        var watch = WatchService.Read(watchRecord);
        var settings = watch.Settings;
        var state = WatchService.ReadState(stateRecord);
        var now = clock.GetUtcNow();
        try
        {
            var answer = await pages.FetchAsync(settings.SummaryUrl, state.ETag, state.LastModified, cancellationToken);
            var page = state.PageName;
            if (answer.Body is { } body)
            {
                var supplier = SupplierPage.Parse(body);
                page = supplier.Name;
                state = await ApplyAsync(graph, id, watch, supplier, state, cancellationToken);
            }

            state = state with
            {
                LastPoll = now, LastSuccess = now, ConsecutiveFailures = 0, Problem = null, PageName = page,
                NextPollAt = now + Max(settings.Interval, options.Value.Watches.MinInterval), ETag = answer.ETag, LastModified = answer.LastModified,
            };
        }
        catch (Exception e) when (e is SupplierPageException or FormatException)
        {
            var failures = state.ConsecutiveFailures + 1;
            logger.LogWarning("Watch {Watch} of graph {Graph} failed ({Failures} in a row): {Reason}", id, graph, failures, e.Message);
            state = state with { LastPoll = now, ConsecutiveFailures = failures, Problem = e.Message, NextPollAt = now + BackgroundWork.Backoff(settings.Interval, failures, options.Value.Watches.MaxBackoff) };
        }

        var final = state;
        if (!await watches.ChangeStateAsync(graph, id, _ => final, cancellationToken))
        {
            logger.LogInformation("Watch {Watch} of graph {Graph} changed while it was polled; its next poll carries on", id, graph);
        }
    }

    /// <summary>Carries the page into the watch's incident: opens it, posts the supplier's words, changes its outages, resolves it.</summary>
    private async Task<WatchState> ApplyAsync(string graph, string id, StoredWatch watch, SupplierPage page, WatchState state, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        if (watch.Components.FirstOrDefault(c => snapshot.Graph.FindNode(c.Node) is null) is { } gone)
        {
            throw new FormatException($"node '{gone.Node}', which component '{gone.Component}' is mapped to, is no longer in the graph");
        }

        var current = state.Incident is { } kept && await incidents.FindAsync(graph, kept, cancellationToken) is { } found
                                                  && found.Status is not (IncidentStatus.Resolved or IncidentStatus.Closed)
            ? found
            : null;
        var plan = WatchPlan.Make(watch.Settings, page, current);
        if (plan.Resolves && current is not null)
        {
            plan = WatchPlan.Make(watch.Settings, page, current, await HistoryAsync(watch, cancellationToken));
        }
        if (plan.Open is { } open)
        {
            var episode = state.Episode + 1;
            // The same id however often this is retried, so that a poll cut short after opening adopts what it opened.
            var incidentId = $"w-{id}-{watch.Key}-{episode}";
            current = await incidents.OpenForWatchAsync(graph, incidentId, open.Title, open.StartedAt, open.Outages, cancellationToken);
            state = state with { Episode = episode, Incident = current.Id };
            // Kept at once: the updates below may fail, and the next poll must carry on with this incident.
            await watches.ChangeStateAsync(graph, id, s => s with { Episode = episode, Incident = incidentId }, cancellationToken);
        }

        foreach (var step in plan.Updates)
        {
            if (current is null)
            {
                break;
            }

            current = await incidents.UpdateFromWatchAsync(graph, current.Id, step.Status, step.Message, step.Outages, step.Source, cancellationToken);
        }

        // The supplier's announced work becomes ours, so that our customers hear of it through their own chain before it happens.
        await maintenances.FollowSupplierAsync(graph, id, WatchPlan.PlannedWork(watch.Settings, page), cancellationToken);
        return state;
    }

    /// <summary>The page's recent incidents, for the supplier's words on resolving; none when they cannot be read (the resolution stands).</summary>
    private async Task<IReadOnlyList<SupplierIncident>> HistoryAsync(StoredWatch watch, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await pages.FetchAsync(new Uri(watch.Url + "/api/v2/incidents.json"), null, null, cancellationToken);
            return answer.Body is { } body ? SupplierPage.ParseIncidents(body) : [];
        }
        catch (Exception e) when (e is SupplierPageException or FormatException)
        {
            logger.LogInformation("The recent incidents of {Url} were not read: {Reason}", watch.Url, e.Message);
            return [];
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
