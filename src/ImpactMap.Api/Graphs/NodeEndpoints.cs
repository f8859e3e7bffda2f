using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImpactMap.Api.Graphs;

/// <summary>/v1/graphs/{graph}/nodes: one node at a time.</summary>
public static class NodeEndpoints
{
    public static RouteGroupBuilder MapNodes(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/graphs/{graph}/nodes").WithTags("Nodes")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListNodes).WithName("ListNodes")
            .WithSummary("List nodes by id, filtered by kind and a search of id and name, a page at a time");
        group.MapPost("/", AddNode).WithName("AddNode").WithSummary("Add a node to the graph")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetNode).WithName("GetNode").WithSummary("Get one node by its id; ETag is the graph's version; If-None-Match gets 304")
            .Produces<NodeDocument>().Produces(StatusCodes.Status304NotModified);
        group.MapPut("/{id}", PutNode).WithName("PutNode").WithSummary("Create or replace a node")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id}", DeleteNode).WithName("DeleteNode").WithSummary("Delete a node and every dependency on or of it")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return group;
    }

    public static async Task<Ok<Page<NodeDocument>>> ListNodes(
        string graph, string? kind, string? search, string? cursor, int? limit, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        return TypedResults.Ok(Paging.Take(
            snapshot.NodesById,
            n => n.Id,
            n => (kind is null || n.Kind == kind)
                 && (search is null || n.Id.Contains(search, StringComparison.OrdinalIgnoreCase) || n.Name.Contains(search, StringComparison.OrdinalIgnoreCase)),
            cursor,
            limit,
            GraphDocuments.FromNode));
    }

    public static async Task<IResult> GetNode(string graph, string id, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var node = snapshot.NodeOrThrow(id);
        return context.NotModified(snapshot.Version) ?? TypedResults.Ok(GraphDocuments.FromNode(node));
    }

    public static async Task<Created<NodeDocument>> AddNode(
        string graph, NodeDocument body, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var node = GraphDocuments.ToNode(body);
        var snapshot = await catalog.ChangeAsync(graph, current => current.Graph.Contains(node.Id)
            ? throw ApiProblem.Conflict($"Graph '{graph}' already has a node '{node.Id}'; PUT it to replace it.")
            : new GraphChange.PutNode(node), context.Request.IfMatch(), cancellationToken);
        context.Response.SetETag(snapshot.Version);
        return TypedResults.Created($"/v1/graphs/{graph}/nodes/{node.Id}", GraphDocuments.FromNode(node));
    }

    public static async Task<Results<Created<NodeDocument>, Ok<NodeDocument>>> PutNode(
        string graph, string id, NodeDocument body, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        if (body.Id is not null && body.Id != id)
        {
            throw ApiProblem.BadRequest($"The body's id '{GraphValidator.Shorten(body.Id)}' differs from the URL's '{GraphValidator.Shorten(id)}'.");
        }

        body.Id = id;
        var node = GraphDocuments.ToNode(body);
        var existed = false;
        var snapshot = await catalog.ChangeAsync(graph, current =>
        {
            existed = current.Graph.Contains(id);
            return new GraphChange.PutNode(node);
        }, context.Request.IfMatch(), cancellationToken);
        context.Response.SetETag(snapshot.Version);
        var document = GraphDocuments.FromNode(node);
        return existed ? TypedResults.Ok(document) : TypedResults.Created($"/v1/graphs/{graph}/nodes/{id}", document);
    }

    public static async Task<NoContent> DeleteNode(string graph, string id, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.ChangeAsync(graph, current =>
        {
            current.NodeOrThrow(id);
            return new GraphChange.RemoveNode(id);
        }, context.Request.IfMatch(), cancellationToken);
        context.Response.SetETag(snapshot.Version);
        return TypedResults.NoContent();
    }
}
