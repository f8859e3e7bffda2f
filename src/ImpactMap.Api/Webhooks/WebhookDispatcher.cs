using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImpactMap.Api.Events;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Incidents;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Webhooks;

/// <summary>
/// Sends webhooks, at least once. The graph's event log, in the same store as the changes, is where deliveries
/// come from: each subscription keeps how far through it it has queued, and queues each matching event as a
/// delivery in its outbox under the event's id (so queueing again after a crash finds it there), then moves on.
/// A delivery leaves the outbox only once answered 2xx, or given up after RetryFor; retries back off with jitter.
/// One instance works on a subscription at a time, under its lease.
/// </summary>
public sealed class WebhookDispatcher(
    IRecordStore records, IEventStore events, IncidentService incidents, Maintenance.MaintenanceService maintenances, IHttpClientFactory clients, EventFeed feed,
    TimeProvider clock,
    IOptions<ImpactMapOptions> options, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string ClientName = "webhooks";

    /// <summary>The most deliveries a subscription's outbox holds; past it, queueing waits for the receiver.</summary>
    public const int MaxPending = 10_000;

    /// <summary>How many delivered or failed deliveries a subscription's log keeps.</summary>
    public const int LogKept = 1000;

    private const int Batch = 500, AttemptsAtOnce = 16;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>Subscriptions of one graph served at once; each in a lane of its own (<see cref="FairLanes"/>).</summary>
    public const int LanesPerGraph = 4;

    private readonly FairLanes _lanes = new(LanesPerGraph);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartLanesAsync(stoppingToken);
            }
            catch (Exception e) when (e is StoreUnavailableException or HttpRequestException or TimeoutException or VersionConflictException)
            {
                logger.LogWarning("Webhooks were not sent this round: {Reason}", e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await feed.WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await _lanes.WhenAllAsync();
    }

    /// <summary>A lane for every subscription that has none: each is served on its own, so that no receiver waits for another's.</summary>
    private async Task StartLanesAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in await records.ListAsync(null, WebhookService.Collection, "", 10_000, cancellationToken))
        {
            _lanes.TryStart(subscription.Graph, subscription.Id, token => ServeAsync(subscription.Graph, subscription.Id, token), cancellationToken);
        }
    }

    /// <summary>
    /// Serves one subscription under its lease for as long as it has work: queues what is new, tries what is due. Each
    /// turn is bounded by the lease (three timeouts), renewed between turns.
    /// </summary>
    private async Task ServeAsync(string graph, string id, CancellationToken cancellationToken)
    {
        try
        {
            for (var busy = true; busy && !cancellationToken.IsCancellationRequested;)
            {
                var until = clock.GetUtcNow() + options.Value.Webhooks.Timeout * 3 + TimeSpan.FromSeconds(5);
                // Read again once leased: the listing may be older than another instance's last round.
                if (!await records.TryLeaseAsync(graph, WebhookService.Collection, id, BackgroundWork.LeaseHolder, until, cancellationToken)
                    || await records.GetAsync(graph, WebhookService.Collection, id, cancellationToken) is not { } record)
                {
                    return;
                }

                busy = await QueueAsync(record, cancellationToken);
                busy |= await DeliverAsync(graph, id, WebhookService.Read(record), until - options.Value.Webhooks.Timeout, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // One subscription's trouble must not stop the others, nor the service; it is tried again next round.
            logger.LogError(e, "Webhook {Webhook} of graph {Graph} was not served", id, graph);
        }
    }

    /// <summary>Queues the events after the subscription's cursor that it asked for, then moves the cursor past them.</summary>
    private async Task<bool> QueueAsync(StoredRecord record, CancellationToken cancellationToken)
    {
        var (graph, id, webhook) = (record.Graph, record.Id, WebhookService.Read(record));
        var batch = await events.ReadAsync(graph, webhook.Cursor, Batch, cancellationToken);
        // The outbox is counted only when there is something to queue, not on every idle round.
        if (batch.Count == 0 || (await records.ListAsync(graph, WebhookService.Outbox(id), "", MaxPending, cancellationToken)).Count >= MaxPending)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        foreach (var e in batch.Where(e => webhook.Events.Contains(e.Type)))
        {
            foreach (var (key, node, body) in await BodiesAsync(graph, webhook, e, cancellationToken))
            {
                var delivery = new StoredDelivery($"{id}-{key}", e.Id, e.Type, node, body, now, 0, null, null, null, now, null, false);
                try
                {
                    await records.PutAsync(graph, WebhookService.Outbox(id), key, StoredJson.Write(delivery), 0, cancellationToken);
                }
                catch (VersionConflictException)
                {
                    // Queued before a crash cut this round short: it stays as it is.
                }
            }
        }

        await records.PutAsync(graph, WebhookService.Collection, id, StoredJson.Write(webhook with { Cursor = batch[^1].Id }), record.Revision,
            cancellationToken);
        return true;
    }

    /// <summary>
    /// What an event sends: the event as the stream carries it; for a subscription naming nodes, instead each
    /// named party's own notice, when the incident reaches it.
    /// </summary>
    private async Task<IReadOnlyList<(string Key, string? Node, string Body)>> BodiesAsync(
        string graph, StoredWebhook webhook, StoredEvent e, CancellationToken cancellationToken)
    {
        var key = e.Id.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        var data = JsonNode.Parse(e.Data);
        if (webhook.Nodes is null)
        {
            return [(key, null, new JsonObject { ["type"] = e.Type, ["id"] = e.Id, ["graph"] = graph, ["at"] = e.At, ["data"] = data }.ToJsonString())];
        }

        if (MaintenancePhase(e.Type) is { } phase && data?["id"]?.GetValue<string>() is { } windowId && data["notify"]?.GetValue<bool>() == true)
        {
            return await MaintenanceBodiesAsync(graph, webhook, e, key, windowId, phase, cancellationToken);
        }

        if (!e.Type.StartsWith("incident.", StringComparison.Ordinal) || data?["id"]?.GetValue<string>() is not { } incidentId
            || await incidents.FindAsync(graph, incidentId, cancellationToken) is not { } incident)
        {
            return [];
        }

        var named = webhook.Nodes.ToHashSet(StringComparer.Ordinal);
        if (e.Type == "incident.parties-hit")
        {
            // Told only to the parties whose time came now; the others heard of the incident before.
            named.IntersectWith(data?["hit"]?.AsArray().Select(h => h?.GetValue<string>()).OfType<string>() ?? []);
        }

        var parties = incident.Impact.Affected.Where(p => named.Contains(p.Id)).ToList();
        var notices = Notices.For(incident, parties, options.Value.Notices.For(graph), now: clock.GetUtcNow());
        return notices.Select(n => NoticeBody(graph, e, key, n, "incident", incident.Id)).ToList();
    }

    /// <summary>What a party's webhook gets for a notice: the event it came of, what it is about (incident or maintenance) and the notice.</summary>
    private static (string Key, string? Node, string Body) NoticeBody(string graph, StoredEvent e, string key, Notice n, string about, string id) =>
        ($"{key}-{n.Node}", n.Node, new JsonObject
        {
            ["type"] = "notice",
            ["event"] = e.Type,
            ["id"] = e.Id,
            ["graph"] = graph,
            ["at"] = e.At,
            [about] = id,
            ["notice"] = JsonSerializer.SerializeToNode(new NoticeResponse(n.Node, n.Name, n.Kind, n.State.ToWire(), Durations.Format(n.ImpactAt), n.Path,
                n.Message, n.To, n.From, n.Subject, n.Phase, n.ImpactFrom) { Hit = about == "incident" ? n.Hit : null }, StoredJson.Options),
        }.ToJsonString());

    /// <summary>The letter phase a maintenance event sends to a window's parties, when it sends one.</summary>
    private static string? MaintenancePhase(string type) => type switch
    {
        "maintenance.scheduled" or "maintenance.updated" => "planned",
        "maintenance.started" => "started",
        "maintenance.completed" => "completed",
        _ => null,
    };

    /// <summary>For a window with notify: each named party it reaches gets its letter of the event's phase.</summary>
    private async Task<IReadOnlyList<(string Key, string? Node, string Body)>> MaintenanceBodiesAsync(
        string graph, StoredWebhook webhook, StoredEvent e, string key, string windowId, string phase, CancellationToken cancellationToken)
    {
        IReadOnlyList<Notice> notices;
        try
        {
            (_, notices) = await maintenances.NoticesAsync(graph, windowId, phase, null, webhook.Nodes!.ToHashSet(StringComparer.Ordinal), int.MaxValue, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            return []; // deleted with its graph since
        }

        return notices.Select(n => NoticeBody(graph, e, key, n, "maintenance", windowId)).ToList();
    }

    /// <summary>Tries every due delivery of the outbox once, starting none after <paramref name="startBefore"/> (so each ends within the lease).</summary>
    private async Task<bool> DeliverAsync(string graph, string id, StoredWebhook webhook, DateTimeOffset startBefore, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = (await records.ListAsync(graph, WebhookService.Outbox(id), "", Batch, cancellationToken))
            .Select(r => (Record: r, Delivery: WebhookService.ReadDelivery(r))).Where(d => d.Delivery.NextAttemptAt <= now).ToList();
        if (due.Count == 0)
        {
            return false;
        }

        var outcomes = new System.Collections.Concurrent.ConcurrentBag<Outcome>();
        await System.Threading.Tasks.Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = AttemptsAtOnce, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                if (clock.GetUtcNow() < startBefore)
                {
                    outcomes.Add(await AttemptAsync(graph, id, webhook, item.Record, item.Delivery, token));
                }
            });

        // Failing once a delivery is given up; well again once the receiver takes deliveries and none was given up.
        var failing = outcomes.Contains(Outcome.GaveUp) || (webhook.Failing && !outcomes.Contains(Outcome.Delivered));
        if (failing != webhook.Failing)
        {
            await MarkAsync(graph, id, failing, cancellationToken);
        }

        await PruneLogAsync(graph, id, cancellationToken);
        return true;
    }

    /// <summary>One attempt: 2xx moves the delivery to the log; otherwise it is tried again later, or given up after RetryFor.</summary>
    private async Task<Outcome> AttemptAsync(string graph, string id, StoredWebhook webhook, StoredRecord record, StoredDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value.Webhooks;
        var attemptAt = clock.GetUtcNow();
        var timestamp = attemptAt.ToUnixTimeSeconds();
        int? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add("webhook-id", delivery.MessageId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(webhook.Secret, delivery.MessageId, timestamp, delivery.Body));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ImpactMap", "1.0"));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await MoveToLogAsync(graph, id, record, delivery with
                {
                    Attempts = delivery.Attempts + 1, LastStatus = status, LastError = null, LastAttemptAt = attemptAt, DeliveredAt = clock.GetUtcNow(),
                }, cancellationToken);
                return Outcome.Delivered;
            }

            error = $"answered {status} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {settings.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }

        var attempts = delivery.Attempts + 1;
        var failed = delivery with { Attempts = attempts, LastStatus = status, LastError = error, LastAttemptAt = attemptAt };
        if (attemptAt - delivery.CreatedAt >= settings.RetryFor)
        {
            logger.LogWarning("Webhook {Webhook} of graph {Graph} gave up delivery {Delivery} after {Attempts} attempts: {Error}", id, graph, delivery.MessageId, attempts, error);
            await MoveToLogAsync(graph, id, record, failed with { Failed = true }, cancellationToken);
            return Outcome.GaveUp;
        }

        var next = failed with { NextAttemptAt = clock.GetUtcNow() + BackgroundWork.Backoff(TimeSpan.FromSeconds(1), attempts, MaxBackoff) };
        try
        {
            await records.PutAsync(graph, WebhookService.Outbox(id), record.Id, StoredJson.Write(next), record.Revision, cancellationToken);
        }
        catch (VersionConflictException)
        {
            // Another round wrote it first; it is tried again from what that round left.
        }

        return Outcome.Retry;
    }

    private enum Outcome
    {
        Delivered,
        Retry,
        GaveUp,
    }

    /// <summary>Written to the log first, then out of the outbox: a crash between sends it again, which receivers de-duplicate.</summary>
    private async Task MoveToLogAsync(string graph, string id, StoredRecord record, StoredDelivery delivery, CancellationToken cancellationToken)
    {
        await records.PutAsync(graph, WebhookService.Log(id), record.Id, StoredJson.Write(delivery), null, cancellationToken);
        await records.DeleteAsync(graph, WebhookService.Outbox(id), record.Id, cancellationToken);
    }

    private async Task MarkAsync(string graph, string id, bool failing, CancellationToken cancellationToken)
    {
        if (await records.GetAsync(graph, WebhookService.Collection, id, cancellationToken) is not { } record)
        {
            return;
        }

        var webhook = WebhookService.Read(record);
        var marked = webhook with { Failing = failing, FailingSince = failing ? webhook.FailingSince ?? clock.GetUtcNow() : null };
        try
        {
            await records.PutAsync(graph, WebhookService.Collection, id, StoredJson.Write(marked), record.Revision, cancellationToken);
        }
        catch (VersionConflictException)
        {
            // Marked on the next round.
        }
    }

    private async Task PruneLogAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var log = await records.ListAsync(graph, WebhookService.Log(id), "", LogKept * 2, cancellationToken);
        foreach (var old in log.Take(Math.Max(0, log.Count - LogKept)))
        {
            await records.DeleteAsync(graph, WebhookService.Log(id), old.Id, cancellationToken);
        }
    }
}
