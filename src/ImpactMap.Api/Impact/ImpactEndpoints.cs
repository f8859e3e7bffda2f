using ImpactMap.Api.Access;
using ImpactMap.Api.Graphs;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Impact;

/// <summary>Questions asked of a graph: blast radius, exposure, criticality, cycles.</summary>
public static class ImpactEndpoints
{
    /// <summary>The most ids a query may name in nodes: enough to explain what a person selects, not a way around paging.</summary>
    public const int MaxListedNodes = 1000;

    public static RouteGroupBuilder MapImpact(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}").WithTags("Impact")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/impact", PostImpact).WithName("Impact").RequireRole(ApiRole.Reader).WithMetadata(new ReadOnlyPost())
            .WithSummary("Blast radius: who goes down, degraded or at-risk when these nodes fail, why and when; Accept text/csv, text/vnd.graphviz or text/vnd.mermaid for the whole list as CSV, DOT or Mermaid")
            .Produces<ImpactResponse>(StatusCodes.Status200OK, "application/json", GraphDocumentBodies.Csv, GraphDocumentBodies.Dot, GraphDocumentBodies.Mermaid)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/nodes/{id}/impact", GetNodeImpact).WithName("NodeImpact")
            .WithSummary("Blast radius of this one node going down (CSV, DOT or Mermaid by Accept, as for POST .../impact)")
            .Produces<ImpactResponse>(StatusCodes.Status200OK, "application/json", GraphDocumentBodies.Csv, GraphDocumentBodies.Dot, GraphDocumentBodies.Mermaid)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/nodes/{id}/exposure", GetExposure).WithName("Exposure").HeavyAnalysis()
            .WithSummary("Every provider this node depends on, transitively, and which alone take it down");
        group.MapPost("/nodes/{id}/exposure", PostExposure).WithName("ExposureAssuming").RequireRole(ApiRole.Reader).WithMetadata(new ReadOnlyPost()).HeavyAnalysis()
            .WithSummary("The exposure under assumptions (what if), computed on a copy; nothing is stored")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/criticality", GetCriticality).WithName("Criticality").HeavyAnalysis()
            .WithSummary("Nodes ranked by how many nodes (and customers) go down when each alone fails")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/cycles", GetCycles).WithName("Cycles").WithSummary("The dependency cycles (strongly connected components)");
        return group;
    }

    public static async Task<Results<Ok<ImpactResponse>, ContentHttpResult>> PostImpact(
        string graph, ImpactRequest body, HttpContext context, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var (query, mitigated) = ToQuery(body, options.Value);
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var asked = AskedGraph.Of(snapshot, body.Assume, mitigated);
        return Exported(context, asked, query, options.Value, cancellationToken) is { } exported
            ? exported
            : TypedResults.Ok(Answer(asked, query, body.Cursor, options.Value, cancellationToken));
    }

    public static async Task<Results<Ok<ImpactResponse>, ContentHttpResult>> GetNodeImpact(
        string graph, string id, int? maxDepth, int? limit, string? duration, string? paths, string? cursor,
        [FromQuery(Name = "state")] string[]? states, [FromQuery(Name = "kind")] string[]? kinds,
        HttpContext context, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        snapshot.NodeOrThrow(id);
        var (query, _) = ToQuery(new ImpactRequest([new OutageRequest(id, null)], maxDepth, limit, duration, paths, cursor,
            states is { Length: > 0 } ? states : null, kinds is { Length: > 0 } ? kinds : null), options.Value);
        var asked = AskedGraph.Of(snapshot);
        return Exported(context, asked, query, options.Value, cancellationToken) is { } exported
            ? exported
            : TypedResults.Ok(Answer(asked, query, cursor, options.Value, cancellationToken));
    }

    /// <summary>
    /// The whole answer (every affected node the filters let through, not a page) as CSV, DOT or Mermaid when
    /// Accept asks for one of them; null for JSON. CSV carries paths, so it is bounded by MaxPathIds like any answer.
    /// </summary>
    private static ContentHttpResult? Exported(HttpContext context, AskedGraph asked, ImpactQuery query, ImpactMapOptions options, CancellationToken cancellationToken)
    {
        var format = GraphDocumentBodies.Preferred(context.Request, GraphDocumentBodies.Csv, GraphDocumentBodies.Dot, GraphDocumentBodies.Mermaid);
        if (format is null)
        {
            return null;
        }

        var whole = query with { Limit = null, After = null, IncludePaths = format == GraphDocumentBodies.Csv, MaxPathIds = options.MaxPathIds };
        var result = WithinBudget(options, cancellationToken, token => asked.Engine.Impact(whole, token));
        var text = format switch
        {
            GraphDocumentBodies.Csv => GraphExports.ImpactCsv(asked.Graph, result),
            GraphDocumentBodies.Dot => GraphExports.ImpactDot(asked.Graph, result),
            _ => GraphExports.ImpactMermaid(asked.Graph, result),
        };
        return TypedResults.Text(text, $"{format}; charset=utf-8");
    }

    /// <summary>The page the query asks for, its chains within the configured number of ids.</summary>
    private static ImpactResponse Answer(
        AskedGraph asked, ImpactQuery query, string? cursor, ImpactMapOptions options, CancellationToken cancellationToken)
    {
        query = query with
        {
            After = cursor is null ? null : ImpactCursor.Decode(cursor, $"graph '{asked.Name}'", asked.Version),
            MaxPathIds = options.MaxPathIds,
        };
        var result = WithinBudget(options, cancellationToken, token => asked.Engine.Impact(query, token));
        if (query.Duration is null)
        {
            return ToResponse(asked, result);
        }

        // Counts only, of the outage lasting: those it reaches later are the ones the duration spares.
        var lasting = WithinBudget(options, cancellationToken, token => asked.Engine.Impact(
            new ImpactQuery(query.Outages, query.MaxDepth, Limit: 0) { IncludePaths = false }, token));
        return ToResponse(asked, result) with { SparedByDuration = lasting.Total - result.Total };
    }

    public static async Task<Ok<ExposureResponse>> GetExposure(
        string graph, string id, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(Exposure(AskedGraph.Of(await catalog.GetAsync(graph, cancellationToken)), id, options.Value, cancellationToken));

    public static async Task<Ok<ExposureResponse>> PostExposure(
        string graph, string id, ExposureRequest body, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(Exposure(AskedGraph.Of(await catalog.GetAsync(graph, cancellationToken), body.Assume), id, options.Value, cancellationToken));

    private static ExposureResponse Exposure(AskedGraph asked, string id, ImpactMapOptions options, CancellationToken cancellationToken)
    {
        asked.NodeOrThrow(id);
        var exposure = WithinBudget(options, cancellationToken, token => asked.Engine.Exposure(id, token));
        var providers = exposure.Providers.Select(p =>
        {
            var node = asked.Graph.FindNode(p.Id)!;
            return new ExposedProvider(p.Id, node.Name, node.Kind, p.Depth, p.StateIfAloneFails.ToWire(), p.SinglePointOfFailure);
        }).ToList();
        return new ExposureResponse(asked.Name, asked.Version, id, providers, providers.Count(p => p.SinglePointOfFailure), asked.Assumed ? true : null);
    }

    public static async Task<Ok<CriticalityResponse>> GetCriticality(
        string graph, int? top, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var count = top ?? 10;
        if (count is < 1 or > 1000)
        {
            throw ApiProblem.BadRequest("top must be between 1 and 1000.");
        }

        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var ranking = WithinBudget(options.Value, cancellationToken, token => snapshot.Engine.Criticality(count, token));
        return TypedResults.Ok(new CriticalityResponse(graph, snapshot.Version, ranking.Select(c =>
        {
            var node = snapshot.Graph.FindNode(c.Id)!;
            return new CriticalNode(c.Id, node.Name, node.Kind, c.Down, c.CustomersDown);
        }).ToList()));
    }

    public static async Task<Ok<CyclesResponse>> GetCycles(string graph, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        return TypedResults.Ok(new CyclesResponse(graph, snapshot.Version, snapshot.Engine.Cycles()));
    }

    /// <summary>
    /// Checks an impact request and turns it into the engine's query and the nodes kept up (outages in state up);
    /// 400 listing every problem.
    /// </summary>
    public static (ImpactQuery Query, IReadOnlyList<string> Mitigated) ToQuery(ImpactRequest body, ImpactMapOptions options)
    {
        var problems = new List<string>();
        var requested = ImpactRequests.ParseOutages(body.Outages, problems, mitigations: true);
        var outages = requested.Where(o => o.State != NodeState.Up).ToList();
        var mitigated = requested.Where(o => o.State == NodeState.Up).Select(o => o.Node).ToList();
        // Only when every outage was read: one with a bad state is already named, and may have been meant to fail.
        if (outages.Count == 0 && mitigated.Count > 0 && problems.Count == 0)
        {
            problems.Add("outages: at least one must fail (down, degraded or at-risk); up only keeps a node up");
        }
        if (body.MaxDepth is < 0 || body.MaxDepth > options.MaxDepth)
        {
            problems.Add($"maxDepth: must be between 0 and {options.MaxDepth}");
        }

        if (body.Limit is < 0 || body.Limit > options.MaxLimit)
        {
            problems.Add($"limit: must be between 0 and {options.MaxLimit}");
        }

        var duration = ImpactRequests.ParseDuration(body.Duration, "duration", problems);
        if (body.Paths is not (null or "full" or "none"))
        {
            problems.Add($"paths: must be full or none, not '{GraphValidator.Shorten(body.Paths)}'");
        }

        var states = ImpactRequests.ParseStates(body.States, "states", problems);
        var kinds = ImpactRequests.ParseKinds(body.Kinds, "kinds", problems);
        if (body.Nodes is { Count: > MaxListedNodes })
        {
            problems.Add($"nodes: at most {MaxListedNodes} ids");
        }
        else if (body.Nodes?.Any(string.IsNullOrEmpty) == true)
        {
            problems.Add("nodes: each must be a node id");
        }

        ApiProblem.ThrowIfAny(problems);
        return (new ImpactQuery(outages, body.MaxDepth, body.Limit ?? 1000, duration)
        {
            IncludePaths = body.Paths != "none",
            States = states,
            Kinds = kinds,
            Nodes = body.Nodes?.ToHashSet(StringComparer.Ordinal),
        }, mitigated);
    }

    public static ImpactResponse ToResponse(AskedGraph asked, ImpactResult result)
    {
        AffectedNode Describe(ImpactedNode n)
        {
            var node = asked.Graph.FindNode(n.Id)!;
            return new AffectedNode(n.Id, node.Name, node.Kind, n.State.ToWire(), n.Depth, n.Via, n.Path, Durations.Format(n.ImpactAt));
        }

        return new ImpactResponse(
            asked.Name,
            asked.Version,
            result.Affected.Select(Describe).ToList(),
            ImpactCounts.Of(result.Counts),
            result.Total,
            result.Truncated,
            result.Origins.Select(Describe).ToList(),
            result.Matching,
            result.Next is { } next ? ImpactCursor.Encode(asked.Version, next) : null,
            asked.Assumed ? true : null);
    }

    /// <summary>Runs a computation with the configured time budget; past it, 503 rather than an unbounded wait.</summary>
    internal static T WithinBudget<T>(ImpactMapOptions options, CancellationToken requestAborted, Func<CancellationToken, T> compute)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        budget.CancelAfter(options.QueryBudget);
        try
        {
            return compute(budget.Token);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            throw new QueryBudgetExceededException(options.QueryBudget);
        }
    }
}
