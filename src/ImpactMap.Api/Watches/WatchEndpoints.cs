using ImpactMap.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImpactMap.Api.Watches;

/// <summary>/v1/graphs/{graph}/watches: following suppliers' status pages, so their outages open our incidents by themselves.</summary>
public static class WatchEndpoints
{
    public static void MapWatches(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/watches").WithTags("Watches")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{watch}", PutWatch).WithName("PutWatch")
            .WithSummary("Follow a supplier's Statuspage-format page: its base URL, the interval, which component is which node, optional status mapping")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListWatches).WithName("ListWatches").WithSummary("The graph's watches with their health");
        group.MapGet("/{watch}", GetWatch).WithName("GetWatch")
            .WithSummary("A watch with its health: last poll, last success, consecutive failures, stale after 5, the problem, the incident it keeps");
        group.MapDelete("/{watch}", DeleteWatch).WithName("DeleteWatch").WithSummary("Stop following a supplier's page; its incidents stay");
    }

    public static async Task<Results<Created<WatchResponse>, Ok<WatchResponse>>> PutWatch(
        string graph, string watch, WatchRequest body, WatchService watches, CancellationToken cancellationToken)
    {
        var (response, created) = await watches.PutAsync(graph, watch, body, cancellationToken);
        return created ? TypedResults.Created($"/v1/graphs/{graph}/watches/{watch}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<IReadOnlyList<WatchResponse>>> ListWatches(string graph, HttpContext context, WatchService watches, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<WatchResponse>>((await watches.ListAsync(graph, cancellationToken)).Select(w => ForCaller(context, w)).ToList());

    public static async Task<Ok<WatchResponse>> GetWatch(string graph, string watch, HttpContext context, WatchService watches, CancellationToken cancellationToken) =>
        TypedResults.Ok(ForCaller(context, await watches.GetAsync(graph, watch, cancellationToken)));

    private static WatchResponse ForCaller(HttpContext context, WatchResponse watch) =>
        ReaderRedaction.Applies(context)
            ? watch with { Url = ReaderRedaction.Url(watch.Url), Health = watch.Health with { Problem = ReaderRedaction.Error(watch.Health.Problem) } }
            : watch;

    public static async Task<NoContent> DeleteWatch(string graph, string watch, WatchService watches, CancellationToken cancellationToken)
    {
        await watches.DeleteAsync(graph, watch, cancellationToken);
        return TypedResults.NoContent();
    }
}
