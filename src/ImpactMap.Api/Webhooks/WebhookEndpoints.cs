using ImpactMap.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImpactMap.Api.Webhooks;

/// <summary>/v1/graphs/{graph}/webhooks: notices pushed to those who must hear of them, signed, at least once.</summary>
public static class WebhookEndpoints
{
    public static void MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/webhooks").WithTags("Webhooks")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateWebhook).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events (and, naming nodes, to those parties' own notices); answers the signing secret, once")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListWebhooks).WithName("ListWebhooks").WithSummary("The graph's webhook subscriptions, without their secrets");
        group.MapGet("/{id}", GetWebhook).WithName("GetWebhook").WithSummary("A webhook subscription, without its secret; failing once a delivery was given up");
        group.MapDelete("/{id}", DeleteWebhook).WithName("DeleteWebhook").WithSummary("Unsubscribe; what it had still to send is dropped");
        group.MapGet("/{id}/deliveries", ListDeliveries).WithName("WebhookDeliveries")
            .WithSummary("The delivery log, newest first: pending deliveries with their attempts and next retry, then delivered and failed ones")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    public static async Task<Created<WebhookResponse>> CreateWebhook(string graph, WebhookRequest body, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var created = await webhooks.CreateAsync(graph, body, cancellationToken);
        return TypedResults.Created($"/v1/graphs/{graph}/webhooks/{created.Id}", created);
    }

    public static async Task<Ok<IReadOnlyList<WebhookResponse>>> ListWebhooks(
        string graph, HttpContext context, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<WebhookResponse>>((await webhooks.ListAsync(graph, cancellationToken)).Select(w => ForCaller(context, w)).ToList());

    public static async Task<Ok<WebhookResponse>> GetWebhook(string graph, string id, HttpContext context, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(ForCaller(context, await webhooks.GetAsync(graph, id, cancellationToken)));

    public static async Task<NoContent> DeleteWebhook(string graph, string id, WebhookService webhooks, CancellationToken cancellationToken)
    {
        await webhooks.DeleteAsync(graph, id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<DeliveryLogResponse>> ListDeliveries(
        string graph, string id, int? limit, HttpContext context, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var log = await webhooks.DeliveriesAsync(graph, id, limit, cancellationToken);
        return TypedResults.Ok(ReaderRedaction.Applies(context)
            ? new DeliveryLogResponse(log.Items.Select(d => d with { LastError = ReaderRedaction.Error(d.LastError) }).ToList())
            : log);
    }

    private static WebhookResponse ForCaller(HttpContext context, WebhookResponse webhook) =>
        ReaderRedaction.Applies(context) ? webhook with { Url = ReaderRedaction.Url(webhook.Url) } : webhook;
}
