using ImpactMap.Api.Access;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Api.Incidents;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Maintenance;
using ImpactMap.Core.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Maintenance;

/// <summary>/v1/graphs/{graph}/maintenances: planned work, its impact for its length, and its conflicts, before the change.</summary>
public static class MaintenanceEndpoints
{
    public static void MapMaintenances(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/maintenances").WithTags("Maintenance")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListMaintenances).WithName("ListMaintenances")
            .WithSummary("A graph's maintenance windows, soonest first, optionally of one status, each with its impact and conflicts")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/check", CheckMaintenance).WithName("CheckMaintenance").RequireRole(ApiRole.Reader).WithMetadata(new ReadOnlyPost())
            .WithSummary("What a proposed window would do, without storing it: its impact for its length and its conflicts with other windows and open incidents")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPut("/{id}", PutMaintenance).WithName("PutMaintenance")
            .WithSummary("Schedule or change a maintenance window; with strict=true one with conflicts is refused with 409 naming them")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetMaintenance).WithName("GetMaintenance").WithSummary("A maintenance window with its impact and conflicts");
        group.MapDelete("/{id}", CancelMaintenance).WithName("CancelMaintenance").WithSummary("Cancel a maintenance window; it is kept, as cancelled");
        group.MapGet("/{id}/notices", GetMaintenanceNotices).WithName("MaintenanceNotices")
            .WithSummary("The letter for every party the window reaches, of a phase: planned, started or completed (by default the one it is in)")
            .Produces<IReadOnlyList<NoticeResponse>>(StatusCodes.Status200OK, "application/json", "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    public static async Task<Ok<List<MaintenanceResponse>>> ListMaintenances(
        string graph, string? status, MaintenanceService maintenances, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok((await maintenances.ListAsync(graph, status, cancellationToken)).Select(v => Response(v, now)).ToList());
    }

    public static async Task<Ok<MaintenanceResponse>> CheckMaintenance(
        string graph, MaintenanceRequest body, MaintenanceService maintenances, TimeProvider clock, CancellationToken cancellationToken)
    {
        var proposed = await maintenances.ReadAsync(graph, "proposed", body, cancellationToken);
        return TypedResults.Ok(Response(await maintenances.CheckAsync(proposed, cancellationToken), clock.GetUtcNow()));
    }

    public static async Task<Results<Created<MaintenanceResponse>, Ok<MaintenanceResponse>>> PutMaintenance(
        string graph, string id, bool? strict, MaintenanceRequest body, MaintenanceService maintenances, TimeProvider clock, CancellationToken cancellationToken)
    {
        var proposed = await maintenances.ReadAsync(graph, id, body, cancellationToken);
        var (view, created) = await maintenances.PutAsync(proposed, strict ?? false, cancellationToken);
        var response = Response(view, clock.GetUtcNow());
        return created ? TypedResults.Created($"/v1/graphs/{graph}/maintenances/{id}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<MaintenanceResponse>> GetMaintenance(
        string graph, string id, MaintenanceService maintenances, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await maintenances.FindAsync(graph, id, cancellationToken), clock.GetUtcNow()));

    public static async Task<Ok<MaintenanceResponse>> CancelMaintenance(
        string graph, string id, MaintenanceService maintenances, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await maintenances.CancelAsync(graph, id, cancellationToken), clock.GetUtcNow()));

    public static async Task<IResult> GetMaintenanceNotices(
        string graph, string id, string? phase, string? lang, string? node, int? limit, string? format, MaintenanceService maintenances, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (phase is not null && !MaintenanceNotices.Phases.Contains(phase))
        {
            problems.Add($"phase: must be {string.Join(", ", MaintenanceNotices.Phases)}, not '{GraphValidator.Shorten(phase)}'");
        }

        if (lang is not null && !Notices.Languages.Contains(lang))
        {
            problems.Add($"lang: must be {string.Join(" or ", Notices.Languages)}, not '{GraphValidator.Shorten(lang)}'");
        }

        if (limit is < 1 or > IncidentPages.DefaultLimit)
        {
            problems.Add($"limit: must be between 1 and {IncidentPages.DefaultLimit}");
        }

        ApiProblem.ThrowIfAny(problems);
        var (_, notices) = await maintenances.NoticesAsync(graph, id, phase, lang, node is null ? null : new HashSet<string>(StringComparer.Ordinal) { node },
            limit ?? IncidentPages.DefaultLimit, cancellationToken);
        return format is "text" or "text/plain"
            ? TypedResults.Text(string.Join("\n", notices.Select(n => $"To: {n.To}\n{(n.From is null ? "" : $"From: {n.From}\n")}Subject: {n.Subject}\n\n{n.Message}\n")),
                "text/plain; charset=utf-8")
            : TypedResults.Ok(notices.Select(n => new NoticeResponse(
                n.Node, n.Name, n.Kind, n.State.ToWire(), Durations.Format(n.ImpactAt), n.Path, n.Message, n.To, n.From, n.Subject, n.Phase, n.ImpactFrom)).ToList());
    }

    internal static ConflictResponse Conflict(MaintenanceConflict conflict) =>
        new(conflict.Kind, conflict.With, conflict.Title, conflict.From, conflict.Until, conflict.Total,
            conflict.Parties.Select(p => new ConflictPartyResponse(p.Id, p.Name, p.Kind, p.State.ToWire(), p.Alone.ToWire())).ToList());

    private static MaintenanceResponse Response(MaintenanceView view, DateTimeOffset now)
    {
        var (window, impact) = (view.Window, view.Impact);
        AffectedNode Node(AffectedParty p) => new(p.Id, p.Name, p.Kind, p.State.ToWire(), p.Depth, impact.ViaOf(p), null, Durations.Format(p.ImpactAt))
        {
            ImpactFrom = window.Start + p.ImpactAt,
            ImpactUntil = window.End,
        };

        var (down, degraded, atRisk) = impact.Counts;
        return new MaintenanceResponse(
            window.Id, window.Graph, window.Title, window.StatusAt(now).ToWire(),
            window.Outages.Select(o => new OutageResponse(o.Node, o.State.ToWire())).ToList(),
            new WindowResponse(window.Start, window.End), window.Notify, window.Advice, window.Origin, window.CreatedAt, window.UpdatedAt,
            new MaintenanceImpactResponse(new ImpactCounts(down, degraded, atRisk), impact.Total, impact.Truncated, impact.Affected.Select(Node).ToList(),
                impact.Origins.Select(Node).ToList(), view.SparedByLength),
            view.Conflicts.Select(Conflict).ToList());
    }
}
