using System.Globalization;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ImpactMap.Api.Incidents;

/// <summary>/v1/graphs/{graph}/incidents: following an outage from opening to its closed review.</summary>
public static class IncidentEndpoints
{
    public static RouteGroupBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/incidents").WithTags("Incidents")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", OpenIncident).WithName("OpenIncident")
            .WithSummary("Open an incident: the outages, when it started, the expected duration; stores the impact computed now")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListIncidents).WithName("ListIncidents").WithSummary("List a graph's incidents, newest first, optionally by status")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetIncident).WithName("GetIncident").WithSummary("Get an incident with its impact, updates and review");
        group.MapPost("/{id}/updates", PostUpdate).WithName("UpdateIncident")
            .WithSummary("Post a status update; with outages, recompute the impact and record who became affected or recovered")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}/notices", GetNotices).WithName("IncidentNotices")
            .WithSummary("A notice for every affected party: state, when, the chain in plain words, the latest update and the review")
            .Produces<IReadOnlyList<NoticeResponse>>(StatusCodes.Status200OK, "application/json", "text/plain", "text/markdown");
        group.MapPut("/{id}/review", PutReview).WithName("ReviewIncident")
            .WithSummary("Record the post-incident review: what happened, what was learned, actions with owner and due date; vague causes are refused")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id}/close", CloseIncident).WithName("CloseIncident")
            .WithSummary("Close an incident; refused with 409 until its review is accepted")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static async Task<Created<IncidentResponse>> OpenIncident(
        string graph, OpenIncidentRequest body, IncidentService incidents, CancellationToken cancellationToken)
    {
        var incident = await incidents.OpenAsync(graph, body, cancellationToken);
        return TypedResults.Created($"/v1/graphs/{graph}/incidents/{incident.Id}", ToResponse(incident));
    }

    public static async Task<Ok<List<IncidentResponse>>> ListIncidents(
        string graph, string? status, IncidentService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok((await incidents.ListAsync(graph, status, cancellationToken)).Select(ToResponse).ToList());

    public static async Task<Ok<IncidentResponse>> GetIncident(string graph, string id, IncidentService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await incidents.GetAsync(graph, id, cancellationToken)));

    public static async Task<Ok<IncidentResponse>> PostUpdate(
        string graph, string id, IncidentUpdateRequest body, IncidentService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await incidents.UpdateAsync(graph, id, body, cancellationToken)));

    public static async Task<Ok<IncidentResponse>> PutReview(
        string graph, string id, ReviewRequest body, IncidentService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await incidents.ReviewAsync(graph, id, body, cancellationToken)));

    public static async Task<Ok<IncidentResponse>> CloseIncident(string graph, string id, IncidentService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await incidents.CloseAsync(graph, id, cancellationToken)));

    public static async Task<IResult> GetNotices(
        string graph, string id, string? format, HttpContext context, IncidentService incidents, CancellationToken cancellationToken)
    {
        var incident = await incidents.GetAsync(graph, id, cancellationToken);
        var notices = Notices.For(incident);
        var wanted = format ?? PreferredType(context.Request);
        return wanted switch
        {
            "text" or "text/plain" => TypedResults.Text(Notices.ToText(incident, notices), "text/plain; charset=utf-8"),
            "markdown" or "text/markdown" => TypedResults.Text(Notices.ToMarkdown(incident, notices), "text/markdown; charset=utf-8"),
            _ => TypedResults.Ok(notices.Select(n => new NoticeResponse(
                n.Node, n.Name, n.Kind, n.State.ToWire(), Durations.Format(n.ImpactAt), n.Path, n.Message)).ToList()),
        };
    }

    private static string PreferredType(HttpRequest request) =>
        request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1)
            .Select(a => a.MediaType.Value).FirstOrDefault(t => t is "text/plain" or "text/markdown" or "application/json") ?? "application/json";

    public static IncidentResponse ToResponse(Incident incident)
    {
        AffectedNode Node(AffectedParty p) =>
            new(p.Id, p.Name, p.Kind, p.State.ToWire(), p.Depth, p.Path.Select(s => s.Id).ToList(), Durations.Format(p.ImpactAt));
        static List<OutageResponse> Outages(IReadOnlyList<IncidentOutage> outages) =>
            outages.Select(o => new OutageResponse(o.Node, o.State.ToWire())).ToList();

        var impact = incident.Impact;
        var counts = impact.Counts;
        return new IncidentResponse(
            incident.Id,
            incident.Graph,
            incident.Title,
            incident.Status.ToWire(),
            incident.StartedAt,
            incident.ExpectedDuration is { } d ? Durations.Format(d) : null,
            incident.OpenedAt,
            incident.ClosedAt,
            Outages(incident.Outages),
            new ImpactResponse(incident.Graph, impact.GraphVersion, impact.Affected.Select(Node).ToList(),
                new ImpactCounts(counts.Down, counts.Degraded, counts.AtRisk), impact.Total, impact.Truncated, impact.Origins.Select(Node).ToList()),
            incident.Updates.Select(u => new IncidentUpdateResponse(u.Sequence, u.At, u.Status.ToWire(), u.Message,
                u.Outages is null ? null : Outages(u.Outages),
                u.Change is null ? null : new ImpactChangeResponse(u.Change.BecameAffected, u.Change.Recovered, u.Change.Worsened, u.Change.Improved))).ToList(),
            incident.Review is null ? null : new ReviewResponse(incident.Review.WhatHappened, incident.Review.WhatWeLearned,
                incident.Review.Prevention.Select(p => new PreventionResponse(p.Action, p.Owner, p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList(),
                incident.Review.AcceptedAt));
    }
}
