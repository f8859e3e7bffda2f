using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImpactMap.Api.Access;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Status;

/// <summary>Endpoint metadata: readable without a key when the graph's status page is public.</summary>
public sealed record StatusPageRead;

/// <summary>
/// /v1/graphs/{graph}/status-page (its settings) and /v1/graphs/{graph}/status (the page itself, in the Statuspage
/// public API's format, so that any Statuspage client, and another ImpactMap's watch, can follow it).
/// </summary>
public static class StatusPageEndpoints
{
    public static void MapStatusPages(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/v1/graphs/{graph}/status-page").WithTags("Status page")
            .ProducesProblem(StatusCodes.Status404NotFound);
        settings.MapPut("/", PutStatusPage).WithName("PutStatusPage")
            .WithSummary("Publish the graph's status page: its name, the nodes shown as components (or a kind), public or for reader keys")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        settings.MapGet("/", GetStatusPage).WithName("GetStatusPage").WithSummary("The graph's status page settings");
        settings.MapDelete("/", DeleteStatusPage).WithName("DeleteStatusPage").WithSummary("Stop publishing the graph's status page");

        app.MapGet("/v1/graphs/{graph}/status-pages", ListStatusPages).WithTags("Status page").WithName("ListStatusPages")
            .WithSummary("The graph's published status page as a list: empty when it publishes none (where GET …/status-page answers 404)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var page = app.MapGroup("/v1/graphs/{graph}/status").WithTags("Status page")
            .WithMetadata(new StatusPageRead())
            .ProducesProblem(StatusCodes.Status404NotFound);
        page.MapGet("/api/v2/summary.json", Summary).WithName("StatusSummary")
            .WithSummary("Statuspage summary: the page, its status, every component and the unresolved incidents")
            .Produces<StatuspageSummary>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/status.json", StatusOnly).WithName("StatusIndicator").WithSummary("Statuspage status: the page's overall indicator")
            .Produces<StatuspageStatusDocument>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/components.json", ComponentList).WithName("StatusComponents").WithSummary("Statuspage components with their status")
            .Produces<StatuspageComponents>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/incidents.json", RecentIncidents).WithName("StatusIncidents")
            .WithSummary($"Statuspage incidents: of the {StatusPageService.RecentIncidentsExamined} newest, the first {StatusPageService.RecentIncidents} that reached a published component, with updates and postmortem")
            .Produces<StatuspageIncidents>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/incidents/unresolved.json", UnresolvedIncidents).WithName("StatusUnresolvedIncidents")
            .WithSummary("Statuspage unresolved incidents: investigating, identified or monitoring")
            .Produces<StatuspageIncidents>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/scheduled-maintenances.json", AllMaintenances).WithName("StatusScheduledMaintenances")
            .WithSummary($"Statuspage scheduled maintenances: the {StatusPageService.MaintenancesShown} latest that reach a published component")
            .Produces<StatuspageMaintenances>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/scheduled-maintenances/upcoming.json", UpcomingMaintenances).WithName("StatusUpcomingMaintenances")
            .WithSummary("Statuspage upcoming scheduled maintenances: those still to start")
            .Produces<StatuspageMaintenances>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/api/v2/scheduled-maintenances/active.json", ActiveMaintenances).WithName("StatusActiveMaintenances")
            .WithSummary("Statuspage active scheduled maintenances: those in progress")
            .Produces<StatuspageMaintenances>().Produces(StatusCodes.Status304NotModified);
        page.MapGet("/history.atom", History).WithName("StatusHistory").WithSummary("The page's incident history as an Atom feed")
            .Produces<string>(StatusCodes.Status200OK, "application/atom+xml").Produces(StatusCodes.Status304NotModified);
    }

    public static async Task<Ok<StatusPageResponse>> PutStatusPage(
        string graph, StatusPageRequest body, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(graph, await pages.PutAsync(graph, body, cancellationToken), context));

    public static async Task<Ok<StatusPageResponse>> GetStatusPage(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(graph, (await pages.ViewAsync(graph, cancellationToken)).Settings, context));

    public static async Task<Ok<List<StatusPageResponse>>> ListStatusPages(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await pages.FindPublishedAsync(graph, cancellationToken) is { } settings ? [Response(graph, settings, context)] : new List<StatusPageResponse>());

    public static async Task<Results<NoContent, NotFound>> DeleteStatusPage(string graph, StatusPageService pages, CancellationToken cancellationToken) =>
        await pages.DeleteAsync(graph, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<IResult> Summary(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        return Answer(context, new StatuspageSummary(StatuspageDocuments.Page(view, PageUrl(context, graph)), StatuspageDocuments.Status(view),
            StatuspageDocuments.Components(view), view.Unresolved.Select(i => StatuspageDocuments.Incident(view, i, ConsoleBase(context))).ToList(),
            Maintenances(view, context, s => s is Core.Maintenance.MaintenanceStatus.Scheduled or Core.Maintenance.MaintenanceStatus.InProgress)));
    }

    public static Task<IResult> AllMaintenances(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        MaintenancesAsync(graph, context, pages, _ => true, cancellationToken);

    public static Task<IResult> UpcomingMaintenances(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        MaintenancesAsync(graph, context, pages, s => s == Core.Maintenance.MaintenanceStatus.Scheduled, cancellationToken);

    public static Task<IResult> ActiveMaintenances(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken) =>
        MaintenancesAsync(graph, context, pages, s => s == Core.Maintenance.MaintenanceStatus.InProgress, cancellationToken);

    private static async Task<IResult> MaintenancesAsync(
        string graph, HttpContext context, StatusPageService pages, Func<Core.Maintenance.MaintenanceStatus, bool> wanted, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        return Answer(context, new StatuspageMaintenances(StatuspageDocuments.Page(view, PageUrl(context, graph)), Maintenances(view, context, wanted)));
    }

    /// <summary>The page's windows of the wanted statuses, the soonest to start first, as Statuspage lists upcoming ones.</summary>
    private static List<StatuspageMaintenance> Maintenances(StatusPageView view, HttpContext context, Func<Core.Maintenance.MaintenanceStatus, bool> wanted) =>
        view.Maintenances.Where(m => wanted(m.Window.StatusAt(view.At))).OrderBy(m => m.Window.Start)
            .Select(m => StatuspageDocuments.Maintenance(view, m, ConsoleBase(context))).ToList();

    public static async Task<IResult> StatusOnly(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        return Answer(context, new StatuspageStatusDocument(StatuspageDocuments.Page(view, PageUrl(context, graph)), StatuspageDocuments.Status(view)));
    }

    public static async Task<IResult> ComponentList(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        return Answer(context, new StatuspageComponents(StatuspageDocuments.Page(view, PageUrl(context, graph)), StatuspageDocuments.Components(view)));
    }

    public static async Task<IResult> RecentIncidents(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        var recent = await view.RecentAsync(cancellationToken);
        return Answer(context, new StatuspageIncidents(StatuspageDocuments.Page(view, PageUrl(context, graph)),
            recent.Select(i => StatuspageDocuments.Incident(view, i, ConsoleBase(context))).ToList()));
    }

    public static async Task<IResult> UnresolvedIncidents(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        return Answer(context, new StatuspageIncidents(StatuspageDocuments.Page(view, PageUrl(context, graph)),
            view.Unresolved.Select(i => StatuspageDocuments.Incident(view, i, ConsoleBase(context))).ToList()));
    }

    public static async Task<IResult> History(string graph, HttpContext context, StatusPageService pages, CancellationToken cancellationToken)
    {
        var view = await pages.ViewAsync(graph, cancellationToken);
        var atom = StatuspageDocuments.Atom(view, await view.RecentAsync(cancellationToken), $"{PageUrl(context, graph)}/history.atom", ConsoleBase(context));
        return Conditional(context, Encoding.UTF8.GetBytes(atom), "application/atom+xml; charset=utf-8");
    }

    /// <summary>JSON with an ETag of its bytes, so that a follower polling with If-None-Match gets 304 while nothing changed.</summary>
    private static IResult Answer<T>(HttpContext context, T document)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return Conditional(context, JsonSerializer.SerializeToUtf8Bytes(document, json), "application/json; charset=utf-8");
    }

    private static IResult Conditional(HttpContext context, byte[] body, string contentType)
    {
        var etag = $"\"{Convert.ToHexString(SHA256.HashData(body))[..32].ToLowerInvariant()}\"";
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = "no-cache";
        return context.Request.Headers.IfNoneMatch.ToString().Split(',').Any(t => t.Trim() == etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, contentType);
    }

    private static StatusPageResponse Response(string graph, Core.Status.StatusPageSettings settings, HttpContext context) =>
        new(graph, settings.Name, settings.Components, settings.Kind, settings.Public, PageUrl(context, graph));

    private static string PageUrl(HttpContext context, string graph) => $"{ConsoleBase(context)}/v1/graphs/{Uri.EscapeDataString(graph)}/status";

    /// <summary>
    /// Where the service is reached from outside (<c>ImpactMap:PublicUrl</c>), never the request's Host, which a
    /// client chooses: absolute links on a public page would otherwise point wherever a crafted Host says. Without
    /// it, links are paths on this service.
    /// </summary>
    private static string ConsoleBase(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<ImpactMapOptions>>().Value.PublicUrl?.TrimEnd('/') ?? $"{context.Request.PathBase}";

    /// <summary>For the access check: whether this request reads a public status page, which needs no key.</summary>
    public static async Task<bool> IsPublicReadAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<StatusPageRead>() is null
            || context.Request.RouteValues["graph"] is not string graph)
        {
            return false;
        }

        try
        {
            return await context.RequestServices.GetRequiredService<StatusPageService>().IsPublicAsync(graph, context.RequestAborted);
        }
        catch (GraphNotFoundException)
        {
            return false;
        }
    }
}
