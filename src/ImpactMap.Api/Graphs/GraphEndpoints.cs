using ImpactMap.Api.Access;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Graphs;

/// <summary>/v1/graphs: whole graphs as documents.</summary>
public static class GraphEndpoints
{
    public static RouteGroupBuilder MapGraphs(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs").WithTags("Graphs");
        group.MapGet("/", ListGraphs).WithName("ListGraphs").WithSummary("List every graph with its size and version");
        group.MapGet("/{graph}", GetGraph).WithName("GetGraph")
            .WithSummary("Get a whole graph document (JSON, or YAML for Accept: application/yaml); ETag is its version")
            .Produces<GraphDocument>(StatusCodes.Status200OK, "application/json", GraphDocumentBodies.Yaml)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{graph}", PutGraph).WithName("PutGraph")
            .WithSummary("Create or atomically replace a whole graph from a JSON or YAML document")
            .Accepts<GraphDocument>("application/json", GraphDocumentBodies.Yaml)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/{graph}", DeleteGraph).WithName("DeleteGraph").WithSummary("Delete a whole graph").RequireRole(ApiRole.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return group;
    }

    public static async Task<Ok<List<GraphSummary>>> ListGraphs(HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = AccessControl.CallerOf(context);
        return TypedResults.Ok((await catalog.ListAsync(cancellationToken)).Where(g => caller.MaySee(g.Name)).ToList());
    }

    public static async Task<IResult> GetGraph(string graph, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        context.Response.SetETag(snapshot.Version);
        var document = GraphDocuments.FromGraph(snapshot.Graph);
        return GraphDocumentBodies.WantsYaml(context.Request)
            ? TypedResults.Text(GraphDocuments.ToYaml(document), GraphDocumentBodies.Yaml)
            : TypedResults.Text(GraphDocuments.ToJson(document), "application/json");
    }

    public static async Task<Results<Created<GraphSummary>, Ok<GraphSummary>>> PutGraph(
        string graph, HttpContext context, GraphCatalog catalog, IOptions<ImpactMapOptions> options, CancellationToken cancellationToken)
    {
        var ifMatch = context.Request.IfMatch();
        if (!await catalog.ExistsAsync(graph, cancellationToken))
        {
            AccessControl.RequireToCreateGraph(context);
        }

        var document = await GraphDocumentBodies.ReadAsync(context.Request, options.Value.MaxDocumentBytes, cancellationToken);
        var model = GraphDocuments.ToGraph(document);
        var (snapshot, created) = await catalog.ReplaceAsync(graph, model, ifMatch, cancellationToken);
        context.Response.SetETag(snapshot.Version);
        var summary = new GraphSummary(graph, model.Nodes.Count, model.Dependencies.Count, snapshot.Version);
        return created ? TypedResults.Created($"/v1/graphs/{graph}", summary) : TypedResults.Ok(summary);
    }

    public static async Task<NoContent> DeleteGraph(string graph, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.DeleteAsync(graph, context.Request.IfMatch(), cancellationToken)
            ? TypedResults.NoContent()
            : throw new GraphNotFoundException(graph);
}
