using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImpactMap.Api.Graphs;

/// <summary>/v1/graphs/{graph}/dependencies: one dependency at a time.</summary>
public static class DependencyEndpoints
{
    public static RouteGroupBuilder MapDependencies(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/dependencies").WithTags("Dependencies")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListDependencies).WithName("ListDependencies")
            .WithSummary("List dependencies by (from, to), filtered by from and to, a page at a time");
        group.MapPost("/", AddDependency).WithName("AddDependency").WithSummary("Add a dependency: from needs to")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/", DeleteDependency).WithName("DeleteDependency").WithSummary("Delete the dependency from one node to another")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return group;
    }

    public static async Task<Ok<Page<DependencyDocument>>> ListDependencies(
        string graph, string? from, string? to, string? cursor, int? limit, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        return TypedResults.Ok(Paging.Take(
            snapshot.DependenciesByEnds,
            d => $"{d.From}\n{d.To}",
            d => (from is null || d.From == from) && (to is null || d.To == to),
            cursor,
            limit,
            GraphDocuments.FromDependency));
    }

    public static async Task<Created<DependencyDocument>> AddDependency(
        string graph, DependencyDocument body, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var dependency = GraphDocuments.ToDependency(body);
        var snapshot = await catalog.ChangeAsync(graph, current => current.Graph.FindDependency(dependency.From, dependency.To) is null
            ? new GraphChange.PutDependency(dependency)
            : throw ApiProblem.Conflict($"'{dependency.From}' already depends on '{dependency.To}'; delete it first to change it."),
            context.Request.IfMatch(), cancellationToken);
        context.Response.SetETag(snapshot.Version);
        return TypedResults.Created(
            $"/v1/graphs/{graph}/dependencies?from={Uri.EscapeDataString(dependency.From)}&to={Uri.EscapeDataString(dependency.To)}",
            GraphDocuments.FromDependency(dependency));
    }

    public static async Task<NoContent> DeleteDependency(
        string graph, string? from, string? to, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        if (from is null || to is null)
        {
            throw ApiProblem.BadRequest("Name the dependency to delete with both ?from= and ?to=.");
        }

        var snapshot = await catalog.ChangeAsync(graph, current => current.Graph.FindDependency(from, to) is null
            ? throw new ApiProblem(StatusCodes.Status404NotFound, "Dependency not found", $"'{from}' does not depend on '{to}' in graph '{graph}'.")
            : new GraphChange.RemoveDependency(from, to), context.Request.IfMatch(), cancellationToken);
        context.Response.SetETag(snapshot.Version);
        return TypedResults.NoContent();
    }
}
