using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Webhooks;

/// <summary>Keeps webhook subscriptions and reads their delivery logs; the dispatcher does the sending.</summary>
public sealed class WebhookService(GraphCatalog catalog, IRecordStore records, IEventStore events, TimeProvider clock, IOptions<ImpactMapOptions> options)
{
    internal const string Collection = "webhooks";
    private const int MaxWebhooks = 100, MaxNodes = 1000;

    /// <summary>The events a subscription may ask for: those the event stream carries.</summary>
    public static readonly IReadOnlyList<string> EventTypes =
        ["incident.opened", "incident.updated", "incident.impact-changed", "incident.parties-hit", "incident.reviewed", "incident.closed", "graph.changed",
        "maintenance.scheduled", "maintenance.updated", "maintenance.cancelled", "maintenance.started", "maintenance.completed"];

    internal static string Outbox(string webhook) => $"webhook-outbox/{webhook}";

    internal static string Log(string webhook) => $"webhook-log/{webhook}";

    public async Task<WebhookResponse> CreateAsync(string graph, WebhookRequest body, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var problems = new List<string>();
        if (OutboundTargets.ProblemOf(body.Url, options.Value.Webhooks.AllowPrivateTargets) is { } urlProblem)
        {
            problems.Add($"url: {urlProblem}");
        }

        if (body.Events is not { Count: > 0 })
        {
            problems.Add($"events: one or more of {string.Join(", ", EventTypes)}");
        }

        foreach (var (type, index) in (body.Events ?? []).Select((t, i) => (t, i)))
        {
            if (!EventTypes.Contains(type))
            {
                problems.Add($"events[{index}]: '{GraphValidator.Shorten(type)}' is not an event; they are {string.Join(", ", EventTypes)}");
            }
        }

        if (body.Nodes is { Count: 0 or > MaxNodes })
        {
            problems.Add($"nodes: 1 to {MaxNodes:N0} node ids when given");
        }

        foreach (var (node, index) in (body.Nodes ?? []).Select((n, i) => (n, i)).Take(MaxNodes))
        {
            if (node is null || snapshot.Graph.FindNode(node) is null)
            {
                problems.Add($"nodes[{index}]: unknown node '{GraphValidator.Shorten(node)}'");
            }
        }

        if (body.Secret is { } given && !WebhookSignature.IsUsable(given))
        {
            problems.Add("secret: whsec_ and a base64 key of at least 24 bytes, or 24 to 200 characters");
        }

        ApiProblem.ThrowIfAny(problems);
        if ((await records.ListAsync(graph, Collection, "", MaxWebhooks, cancellationToken)).Count >= MaxWebhooks)
        {
            throw ApiProblem.Conflict($"Graph '{graph}' has {MaxWebhooks} webhooks, the most it may have.");
        }

        var id = "wh-" + Guid.NewGuid().ToString("N")[..12];
        // From the newest event on: a new subscription is told what happens from now.
        var stored = new StoredWebhook(body.Url!, body.Events!.Distinct().ToList(), body.Nodes?.Distinct().ToList(), body.Secret ?? WebhookSignature.NewSecret(),
            clock.GetUtcNow(), await events.LastIdAsync(cancellationToken), false, null);
        await records.PutAsync(graph, Collection, id, StoredJson.Write(stored), 0, cancellationToken);
        return Response(graph, id, stored) with { Secret = stored.Secret };
    }

    public async Task<IReadOnlyList<WebhookResponse>> ListAsync(string graph, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return (await records.ListAsync(graph, Collection, "", MaxWebhooks, cancellationToken)).Select(r => Response(graph, r.Id, Read(r))).ToList();
    }

    public async Task<WebhookResponse> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return Response(graph, id, Read(await records.GetAsync(graph, Collection, id, cancellationToken) ?? throw NotFound(graph, id)));
    }

    /// <summary>Deletes a subscription and what it still had to send.</summary>
    public async Task DeleteAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        if (!await records.DeleteAsync(graph, Collection, id, cancellationToken))
        {
            throw NotFound(graph, id);
        }

        foreach (var collection in new[] { Outbox(id), Log(id) })
        {
            IReadOnlyList<StoredRecord> page;
            while ((page = await records.ListAsync(graph, collection, "", 1000, cancellationToken)).Count > 0)
            {
                foreach (var record in page)
                {
                    await records.DeleteAsync(graph, collection, record.Id, cancellationToken);
                }
            }
        }
    }

    /// <summary>The delivery log, newest first: pending deliveries, then delivered and failed ones, at most <paramref name="limit"/>.</summary>
    public async Task<DeliveryLogResponse> DeliveriesAsync(string graph, string id, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            throw ApiProblem.BadRequest("limit must be between 1 and 1000.", ["limit: must be between 1 and 1000"]);
        }

        await GetAsync(graph, id, cancellationToken);
        var size = limit ?? 100;
        var pending = await records.ListAsync(graph, Outbox(id), "", WebhookDispatcher.MaxPending, cancellationToken);
        var done = await records.ListAsync(graph, Log(id), "", WebhookDispatcher.LogKept * 2, cancellationToken);
        return new DeliveryLogResponse(pending.AsEnumerable().Reverse().Concat(done.AsEnumerable().Reverse()).Take(size)
            .Select(r => Delivery(id, ReadDelivery(r))).ToList());
    }

    internal static StoredWebhook Read(StoredRecord record) => StoredJson.Read<StoredWebhook>(record);

    internal static StoredDelivery ReadDelivery(StoredRecord record) => StoredJson.Read<StoredDelivery>(record);

    private static DeliveryResponse Delivery(string webhook, StoredDelivery d) =>
        new(d.MessageId, d.Event, d.Type, d.Node, d.Status, d.Attempts, d.LastStatus, d.LastError, d.CreatedAt, d.LastAttemptAt,
            d.Status == "pending" ? d.NextAttemptAt : null, d.DeliveredAt);

    private static WebhookResponse Response(string graph, string id, StoredWebhook w) =>
        new(id, graph, w.Url, w.Events, w.Nodes, w.CreatedAt, w.Failing, w.FailingSince);

    private static ApiProblem NotFound(string graph, string id) =>
        new(StatusCodes.Status404NotFound, "Not found", $"Graph '{graph}' has no webhook '{GraphValidator.Shorten(id)}'.");
}
