using System.Globalization;
using System.Text;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Events;

/// <summary>GET /v1/graphs/{graph}/events: a Server-Sent Events stream for dashboards.</summary>
public static class EventEndpoints
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}").WithTags("Events");
        group.MapGet("/events", StreamEvents).WithName("Events")
            .WithSummary("Server-Sent Events: incident opened, impact changed, update posted, incident reviewed and closed, graph changed; resume with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task StreamEvents(
        string graph, string? lastEventId, HttpContext context, GraphCatalog catalog, IEventStore store, EventFeed feed, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        long after;
        if (resumeFrom is null)
        {
            after = await store.LastIdAsync(cancellationToken);
        }
        else if (!long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw ApiProblem.BadRequest($"Last-Event-ID must be an event id this service sent, not '{resumeFrom}'.");
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        var quietSince = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            var events = await store.ReadAsync(graph, after, 100, cancellationToken);
            if (events.Count > 0)
            {
                var text = new StringBuilder();
                foreach (var e in events)
                {
                    text.Append("id: ").Append(e.Id).Append("\nevent: ").Append(e.Type).Append("\ndata: ").Append(e.Data).Append("\n\n");
                    after = e.Id;
                }

                await response.WriteAsync(text.ToString(), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                quietSince = DateTime.UtcNow;
                continue;
            }

            if (DateTime.UtcNow - quietSince > KeepAlive)
            {
                await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                quietSince = DateTime.UtcNow;
            }

            await feed.WaitAsync(Poll, cancellationToken);
        }
    }
}
