using ImpactMap.Api.Access;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Incidents;
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
            .WithSummary("Get a whole graph document (JSON, or YAML for Accept: application/yaml; text/csv: a zip of nodes.csv and dependencies.csv; text/vnd.graphviz: DOT; application/graphml+xml: GraphML); ETag is its version; If-None-Match gets 304")
            .Produces<GraphDocument>(StatusCodes.Status200OK, "application/json", GraphDocumentBodies.Yaml, "application/zip", GraphDocumentBodies.Dot, GraphDocumentBodies.GraphMl)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{graph}/kinds", GetKinds).WithName("GraphKinds")
            .WithSummary("The kinds of node the graph holds (supplier, service, customer, api, resource, …) with how many of each, most first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{graph}", PutGraph).WithName("PutGraph")
            .WithSummary("Create or atomically replace a whole graph from a JSON or YAML document")
            .Accepts<GraphDocument>("application/json", [.. GraphDocumentBodies.YamlTypes])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/{graph}", DeleteGraph).WithName("DeleteGraph")
            .WithSummary("Delete a whole graph with its incidents and events; 409 while incidents are open, unless force=true closes them")
            .RequireRole(ApiRole.Admin)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return group;
    }

    public static async Task<Ok<List<KindCount>>> GetKinds(string graph, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        return TypedResults.Ok(snapshot.Graph.Nodes.CountBy(n => n.Kind, StringComparer.Ordinal)
            .OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => new KindCount(k.Key, k.Value)).ToList());
    }

    public static async Task<Ok<List<GraphSummary>>> ListGraphs(HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = AccessControl.CallerOf(context);
        return TypedResults.Ok((await catalog.ListAsync(cancellationToken)).Where(g => caller.MaySee(g.Name)).ToList());
    }

    public static async Task<IResult> GetGraph(string graph, HttpContext context, GraphCatalog catalog, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        if (context.NotModified(snapshot.Version) is { } notModified)
        {
            return notModified;
        }

        switch (GraphDocumentBodies.Preferred(context.Request, GraphDocumentBodies.Csv, GraphDocumentBodies.Dot, GraphDocumentBodies.GraphMl))
        {
            case GraphDocumentBodies.Csv:
                return TypedResults.File(GraphExports.CsvZip(snapshot.Graph), "application/zip", $"{graph}.zip");
            case GraphDocumentBodies.Dot:
                return TypedResults.Text(GraphExports.Dot(snapshot.Graph), $"{GraphDocumentBodies.Dot}; charset=utf-8");
            case GraphDocumentBodies.GraphMl:
                return TypedResults.Text(GraphExports.GraphMl(snapshot.Graph), $"{GraphDocumentBodies.GraphMl}; charset=utf-8");
        }

        var document = GraphDocuments.FromGraph(snapshot.Graph);
        return GraphDocumentBodies.WantsYaml(context.Request)
            ? TypedResults.Text(GraphDocuments.ToYaml(document), GraphDocumentBodies.Yaml)
            : TypedResults.Text(GraphDocuments.ToJson(document), "application/json");
    }

    public static async Task<Results<Created<GraphSummary>, Ok<GraphSummary>>> PutGraph(
        string graph, HttpContext context, GraphCatalog catalog, IncidentService incidents, IOptions<ImpactMapOptions> options,
        MemoryReclaimer reclaimer, CancellationToken cancellationToken)
    {
        var ifMatch = context.Request.IfMatch();
        var exists = await catalog.ExistsAsync(graph, cancellationToken);
        if (!exists)
        {
            AccessControl.RequireToCreateGraph(context);
        }

        var model = await GraphDocumentBodies.ReadGraphAsync(context.Request, options.Value.MaxDocumentBytes, cancellationToken);
        if (!exists)
        {
            // Whatever a deleted graph of this name left behind (a delete cut short) is not this graph's.
            await incidents.ForgetGraphAsync(graph, null, cancellationToken);
        }

        var (snapshot, created) = await catalog.ReplaceAsync(graph, model, ifMatch, cancellationToken);
        reclaimer.AfterWrite(model.Nodes.Count + model.Dependencies.Count);
        context.Response.SetETag(snapshot.Version);
        var summary = new GraphSummary(graph, model.Nodes.Count, model.Dependencies.Count, snapshot.Version);
        return created ? TypedResults.Created($"/v1/graphs/{graph}", summary) : TypedResults.Ok(summary);
    }

    public static async Task<NoContent> DeleteGraph(
        string graph, bool? force, HttpContext context, GraphCatalog catalog, IncidentService incidents, Maintenance.MaintenanceService maintenances,
        IEventStore events, CancellationToken cancellationToken)
    {
        var ifMatch = context.Request.IfMatch();
        var version = await catalog.VersionAsync(graph, cancellationToken) ?? throw new GraphNotFoundException(graph);
        if (ifMatch is not null && ifMatch != version)
        {
            // Checked before any incident is abandoned; the store checks again as it deletes.
            throw new VersionConflictException(graph, ifMatch, version);
        }

        await maintenances.RefuseDeletingScheduledAsync(graph, force ?? false, cancellationToken);
        await incidents.AbandonOpenAsync(graph, force ?? false,
            $"Closed without a review: graph '{graph}' was deleted with force=true by key '{AccessControl.CallerOf(context).KeyId}'.", cancellationToken);
        var upTo = await events.LastIdAsync(cancellationToken);
        if (!await catalog.DeleteAsync(graph, ifMatch, cancellationToken))
        {
            throw new GraphNotFoundException(graph);
        }

        await incidents.ForgetGraphAsync(graph, upTo, cancellationToken);
        return TypedResults.NoContent();
    }
}
