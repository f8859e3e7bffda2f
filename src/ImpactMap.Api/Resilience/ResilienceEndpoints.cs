using ImpactMap.Api.Access;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Resilience;

/// <summary>The reverse question: what can take a node down, how likely, and which fallbacks are not real.</summary>
public static class ResilienceEndpoints
{
    public const int MaxCutSets = 10_000;
    public const int MaxRanked = 10_000;

    private static readonly TimeSpan Year = TimeSpan.FromDays(365.25);

    public static RouteGroupBuilder MapResilience(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}").WithTags("Resilience")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/nodes/{id}/resilience", GetResilience).WithName("Resilience").HeavyAnalysis()
            .WithSummary("Minimal cut sets, exact unavailability from suppliers' availabilities, importance and false fallbacks of one node");
        group.MapPost("/nodes/{id}/resilience", PostResilience).WithName("ResilienceAssuming").RequireRole(ApiRole.Reader).WithMetadata(new ReadOnlyPost())
            .HeavyAnalysis()
            .WithSummary("The resilience analysis under assumptions (what if), computed on a copy; nothing is stored");
        group.MapGet("/resilience", GetWeakestNodes).WithName("WeakestNodes").HeavyAnalysis()
            .WithSummary("Nodes of a kind (default: those nothing depends on) by unavailability, with single points and false fallbacks");
        return group;
    }

    public static async Task<Ok<ResilienceResponse>> GetResilience(
        string graph, string id, string? level, int? maxOrder, int? limit,
        GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var query = ToQuery(id, level, maxOrder, limit);
        var asked = AskedGraph.Of(await catalog.GetAsync(graph, cancellationToken));
        return TypedResults.Ok(Answer(asked, query, options.Value, cancellationToken));
    }

    public static async Task<Ok<ResilienceResponse>> PostResilience(
        string graph, string id, ResilienceRequest body, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var query = ToQuery(id, body.Level, body.MaxOrder, body.Limit);
        var asked = AskedGraph.Of(await catalog.GetAsync(graph, cancellationToken), body.Assume);
        return TypedResults.Ok(Answer(asked, query, options.Value, cancellationToken));
    }

    private static ResilienceQuery ToQuery(string id, string? level, int? maxOrder, int? limit)
    {
        var problems = new List<string>();
        var state = ParseLevel(level, problems);
        if (maxOrder is < 1 or > 4)
        {
            problems.Add("maxOrder: must be between 1 and 4");
        }

        if (limit is < 1 or > MaxCutSets)
        {
            problems.Add($"limit: must be between 1 and {MaxCutSets}");
        }

        ApiProblem.ThrowIfAny(problems);
        return new ResilienceQuery(id, state, maxOrder ?? 2, limit ?? 1000);
    }

    private static ResilienceResponse Answer(AskedGraph asked, ResilienceQuery query, ImpactMapOptions options, CancellationToken cancellationToken)
    {
        asked.NodeOrThrow(query.Node);
        var result = ImpactEndpoints.WithinBudget(options, cancellationToken, token => asked.Engine.Resilience(query, token));
        return new ResilienceResponse(
            result.Node,
            result.Level.ToWire(),
            asked.Version,
            result.CutSets.Select(c => new CutSetResponse(c.Nodes, c.Probability)).ToList(),
            query.MaxOrder,
            result.CutSetsTruncated,
            result.Unavailability,
            1 - result.Unavailability,
            result.Method == ProbabilityMethod.Exact ? "exact" : "monteCarlo",
            result.Interval95 is var (low, high) ? [low, high] : null,
            DowntimePerYear(result.Unavailability),
            result.Importance.Select(i => new ImportanceResponse(i.Node, i.Birnbaum, i.Criticality, i.Diagnosis, i.Raw, i.Rrw)).ToList(),
            result.FalseFallbacks.Select(f => new FalseFallbackResponse(f.Node, f.Group, f.Need, f.Members, f.DefeatedBy)).ToList(),
            asked.Assumed ? true : null);
    }

    public static async Task<Ok<WeakNodesResponse>> GetWeakestNodes(
        string graph, string? kind, string? level, int? top,
        GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var state = ParseLevel(level, problems);
        if (kind is not null && !Identifier.IsValidKind(kind))
        {
            problems.Add($"kind: '{GraphValidator.Shorten(kind)}' is not a kind (a lowercase word)");
        }

        if (top is < 1 or > MaxRanked)
        {
            problems.Add($"top: must be between 1 and {MaxRanked}");
        }

        ApiProblem.ThrowIfAny(problems);
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var ranked = ImpactEndpoints.WithinBudget(options.Value, cancellationToken,
            token => snapshot.Engine.WeakestNodes(kind, state, top ?? 20, cancellationToken: token));
        return TypedResults.Ok(new WeakNodesResponse(graph, snapshot.Version, state.ToWire(), ranked.Select(w =>
        {
            var node = snapshot.Graph.FindNode(w.Node)!;
            return new WeakNodeResponse(w.Node, node.Name, node.Kind, w.Unavailability, 1 - w.Unavailability, w.SinglePoints, w.FalseFallbacks);
        }).ToList()));
    }

    /// <summary>Downtime a year at this unavailability, in whole minutes (rounded down).</summary>
    public static string DowntimePerYear(double unavailability) =>
        Durations.Format(TimeSpan.FromMinutes(Math.Floor(unavailability * Year.TotalMinutes)));

    private static NodeState ParseLevel(string? level, List<string> problems)
    {
        if (level is null)
        {
            return NodeState.Down;
        }

        if (NodeStates.TryParse(level, out var state) && state != NodeState.Up)
        {
            return state;
        }

        problems.Add($"level: '{GraphValidator.Shorten(level)}' must be down, degraded or at-risk");
        return NodeState.Down;
    }
}
