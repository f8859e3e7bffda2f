using System.Globalization;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
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
        group.MapGet("/", ListIncidents).WithName("ListIncidents").WithSummary("List a graph's incidents, newest first, optionally by status, as summaries")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetIncident).WithName("GetIncident")
            .WithSummary("Get an incident with its impact, updates and review; ETag is its revision; If-None-Match gets 304")
            .Produces<IncidentResponse>().Produces(StatusCodes.Status304NotModified);
        group.MapGet("/{id}/impact", GetIncidentImpact).WithName("IncidentImpact")
            .WithSummary("The impact the incident recorded, a page at a time, filtered by state, kind or node")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
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
        string graph, OpenIncidentRequest body, HttpContext context, IncidentService incidents, IOptions<ImpactMapOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var incident = await incidents.OpenAsync(graph, body, context.Items[Access.Idempotency.RequestItem] as string, cancellationToken);
        return TypedResults.Created($"/v1/graphs/{graph}/incidents/{incident.Id}", ToResponse(incident, options.Value, clock.GetUtcNow()));
    }

    public static async Task<Ok<List<IncidentSummaryResponse>>> ListIncidents(
        string graph, string? status, IncidentService incidents, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return TypedResults.Ok((await incidents.ListAsync(graph, status, cancellationToken)).Select(i => ToSummary(i, now)).ToList());
    }

    public static async Task<IResult> GetIncident(
        string graph, string id, HttpContext context, IncidentService incidents, IOptions<ImpactMapOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var incident = await incidents.GetAsync(graph, id, cancellationToken);
        var now = clock.GetUtcNow();
        return context.NotModified(incident.Revision, HitMoments(incident, now)) ?? TypedResults.Ok(ToResponse(incident, options.Value, now));
    }

    /// <summary>
    /// How many of the incident's moments have come: the answer changes with it while nothing is stored, so it is
    /// part of the ETag, and a client asking with If-None-Match learns when a party's time came.
    /// </summary>
    private static long HitMoments(Incident incident, DateTimeOffset now) =>
        !incident.IsRunning ? 0
        : incident.Impact.Timeline is { } timeline ? timeline.Count(t => t.At <= now - incident.StartedAt)
        : incident.Impact.Affected.Count(p => p.IsHitAfter(now - incident.StartedAt));

    public static async Task<Ok<ImpactResponse>> GetIncidentImpact(
        string graph, string id, string? cursor, int? limit, string? paths, string? node,
        [FromQuery(Name = "state")] string[]? states, [FromQuery(Name = "kind")] string[]? kinds,
        IncidentService incidents, IOptions<ImpactMapOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (filter, size) = PageRequest(limit, states, kinds, node, options.Value, problems =>
        {
            if (paths is not (null or "full" or "none"))
            {
                problems.Add($"paths: must be full or none, not '{GraphValidator.Shorten(paths)}'");
            }
        });
        var incident = await incidents.GetAsync(graph, id, cancellationToken);
        var page = IncidentPages.Take(incident.Impact, filter, IncidentPages.After(cursor, incident), size);
        var includePaths = paths != "none";
        var pathIds = page.Parties.Sum(IncidentImpact.PathLength) + incident.Impact.Origins.Sum(IncidentImpact.PathLength);
        if (includePaths && pathIds > options.Value.MaxPathIds)
        {
            throw new PathBudgetExceededException(pathIds, options.Value.MaxPathIds);
        }

        return TypedResults.Ok(ImpactOf(incident, page, includePaths, clock.GetUtcNow()));
    }

    public static async Task<Ok<IncidentResponse>> PostUpdate(
        string graph, string id, IncidentUpdateRequest body, HttpContext context, IncidentService incidents, IOptions<ImpactMapOptions> options,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(
            await incidents.UpdateAsync(graph, id, body, context.Items[Access.Idempotency.RequestItem] as string, cancellationToken), options.Value,
            clock.GetUtcNow()));

    public static async Task<Ok<IncidentResponse>> PutReview(
        string graph, string id, ReviewRequest body, HttpContext context, IncidentService incidents, IOptions<ImpactMapOptions> options,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(
            await incidents.ReviewAsync(graph, id, body, Access.AccessControl.CallerOf(context).KeyId, cancellationToken), options.Value, clock.GetUtcNow()));

    public static async Task<Ok<IncidentResponse>> CloseIncident(
        string graph, string id, IncidentService incidents, IOptions<ImpactMapOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToResponse(await incidents.CloseAsync(graph, id, cancellationToken), options.Value, clock.GetUtcNow()));

    /// <summary>
    /// Notices a page at a time (limit, default and at most 1,000; cursor; fewer when their chains would hold more
    /// than MaxNoticePathIds ids), filtered by state, kind or node; a further page is named by a Link header with rel="next".
    /// </summary>
    public static async Task<IResult> GetNotices(
        string graph, string id, string? format, string? cursor, int? limit, string? node, string? lang,
        [FromQuery(Name = "state")] string[]? states, [FromQuery(Name = "kind")] string[]? kinds,
        HttpContext context, IncidentService incidents, IOptions<ImpactMapOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (filter, size) = PageRequest(limit, states, kinds, node, options.Value, problems =>
        {
            if (lang is not null && !Notices.Languages.Contains(lang))
            {
                problems.Add($"lang: must be {string.Join(" or ", Notices.Languages)}, not '{GraphValidator.Shorten(lang)}'");
            }
        }, maxLimit: IncidentPages.DefaultLimit);
        var incident = await incidents.GetAsync(graph, id, cancellationToken);
        var page = IncidentPages.Take(incident.Impact, filter, IncidentPages.After(cursor, incident), size, options.Value.MaxNoticePathIds);
        if (page.Next is { } next)
        {
            var query = QueryString.Create(context.Request.Query.Where(q => q.Key != "cursor")
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new KeyValuePair<string, string?>("cursor", ImpactCursor.Encode(incident.Revision, next))));
            context.Response.Headers.Link = $"<{context.Request.Path}{query}>; rel=\"next\"";
        }

        var notices = Notices.For(incident, page.Parties, options.Value.Notices.For(graph), lang ?? PreferredLanguage(context.Request), clock.GetUtcNow());
        var wanted = format ?? PreferredType(context.Request);
        return wanted switch
        {
            "text" or "text/plain" => TypedResults.Text(Notices.ToText(incident, notices), "text/plain; charset=utf-8"),
            "markdown" or "text/markdown" => TypedResults.Text(Notices.ToMarkdown(incident, notices), "text/markdown; charset=utf-8"),
            _ => TypedResults.Ok(notices.Select(n => new NoticeResponse(
                n.Node, n.Name, n.Kind, n.State.ToWire(), Durations.Format(n.ImpactAt), n.Path, n.Message, n.To, n.From, n.Subject, n.Phase, n.ImpactFrom) { Hit = n.Hit }).ToList()),
        };
    }

    /// <summary>Checks a page's limit and filters; 400 listing every problem.</summary>
    private static (Func<AffectedParty, bool> Filter, int Limit) PageRequest(
        int? limit, string[]? states, string[]? kinds, string? node, ImpactMapOptions options, Action<List<string>> more, int? maxLimit = null)
    {
        var problems = new List<string>();
        var max = maxLimit ?? options.MaxLimit;
        if (limit is < 1 || limit > max)
        {
            problems.Add($"limit: must be between 1 and {max}");
        }

        var stateSet = ImpactRequests.ParseStates(states is { Length: > 0 } ? states : null, "state", problems);
        var kindSet = ImpactRequests.ParseKinds(kinds is { Length: > 0 } ? kinds : null, "kind", problems);
        more(problems);
        ApiProblem.ThrowIfAny(problems);
        return (IncidentPages.Filter(stateSet, kindSet, node), limit ?? IncidentPages.DefaultLimit);
    }

    /// <summary>The reader's language from Accept-Language, when it names one letters are written in; null leaves each party's own.</summary>
    private static string? PreferredLanguage(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant()).FirstOrDefault(l => l is not null && Notices.Languages.Contains(l));

    private static string PreferredType(HttpRequest request) =>
        request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1)
            .Select(a => a.MediaType.Value).FirstOrDefault(t => t is "text/plain" or "text/markdown" or "application/json") ?? "application/json";

    /// <summary>The incident with the first page of its impact: up to 1,000 parties, fewer when their chains would exceed MaxPathIds.</summary>
    public static IncidentResponse ToResponse(Incident incident, ImpactMapOptions options, DateTimeOffset now)
    {
        static List<OutageResponse> Outages(IReadOnlyList<IncidentOutage> outages) => outages.Select(OutageOf).ToList();

        var page = IncidentPages.Take(incident.Impact, _ => true, null, IncidentPages.DefaultLimit, options.MaxPathIds);
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
            ImpactOf(incident, page, includePaths: true, now),
            incident.Updates.Select(u => new IncidentUpdateResponse(u.Sequence, u.At, u.Status.ToWire(), u.Message,
                u.Outages is null ? null : Outages(u.Outages),
                u.Change is null ? null : new ImpactChangeResponse(u.Change.BecameAffected, u.Change.Recovered, u.Change.Worsened, u.Change.Improved))).ToList(),
            incident.Review is null ? null : Review(incident.Review),
            [.. (incident.EarlierReviews ?? []).Select(Review), .. incident.Review is null ? [] : new[] { Review(incident.Review) }],
            incident.Advice)
        {
            Spared = incident.Impact.Spared?.Select(p => new SparedPartyResponse(p.Id, p.Name, p.Kind, p.State.ToWire(), Durations.Format(p.ImpactAt),
                incident.StartedAt + p.ImpactAt)).ToList(),
        };
    }

    private static ReviewResponse Review(IncidentReview review) =>
        new(review.WhatHappened, review.WhatWeLearned,
            review.Prevention.Select(p => new PreventionResponse(p.Action, p.Owner, p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList(),
            review.AcceptedAt, review.Author, review.Revision);

    private static OutageResponse OutageOf(IncidentOutage outage) => new(outage.Node, outage.State.ToWire()) { EndedAt = outage.EndedAt };

    private static IncidentSummaryResponse ToSummary(IncidentSummary incident, DateTimeOffset now)
    {
        return new IncidentSummaryResponse(
            incident.Id, incident.Graph, incident.Title, incident.Status.ToWire(), incident.StartedAt,
            incident.ExpectedDuration is { } d ? Durations.Format(d) : null, incident.OpenedAt, incident.ClosedAt,
            incident.Outages.Select(OutageOf).ToList(),
            ImpactCounts.Of(incident.HitCounts(now)), incident.Total, incident.Updates, incident.Reviewed)
        {
            Expected = incident.Status is IncidentStatus.Resolved or IncidentStatus.Closed ? null : ImpactCounts.Of(incident.Counts),
        };
    }

    /// <summary>
    /// A page of an incident's impact in the impact endpoint's shape, told in time: each party's moment and whether
    /// it has come; while the clock runs, <c>counts</c> are the parties hit now and <c>expected</c> all of them.
    /// </summary>
    private static ImpactResponse ImpactOf(Incident incident, IncidentPage page, bool includePaths, DateTimeOffset now)
    {
        var impact = incident.Impact;
        AffectedNode Node(AffectedParty p) => new(p.Id, p.Name, p.Kind, p.State.ToWire(), p.Depth, impact.ViaOf(p),
            includePaths ? impact.PathOf(p).Select(s => s.Id).ToList() : null, Durations.Format(p.ImpactAt))
        {
            ImpactFrom = incident.StartedAt + p.ImpactAt,
            Hit = incident.IsHit(p, now),
            ImpactUntil = p.EndAt is { } end ? incident.StartedAt + end : null,
        };

        return new ImpactResponse(incident.Graph, impact.GraphVersion, page.Parties.Select(Node).ToList(),
            ImpactCounts.Of(incident.HitCounts(now)), impact.Total, page.Next is not null, impact.Origins.Select(Node).ToList(),
            page.Matching, page.Next is { } next ? ImpactCursor.Encode(incident.Revision, next) : null)
        {
            Expected = incident.ExpectedCounts is { } expected ? ImpactCounts.Of(expected) : null,
            NextHitAt = incident.IsRunning && impact.NextHitAfter(now - incident.StartedAt) is { } nextHit ? incident.StartedAt + nextHit : null,
        };
    }
}
