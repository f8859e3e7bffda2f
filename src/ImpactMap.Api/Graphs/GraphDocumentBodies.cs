using System.Text;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Model;
using Microsoft.Net.Http.Headers;

namespace ImpactMap.Api.Graphs;

/// <summary>Graph documents in and out of HTTP, as JSON or YAML by Content-Type and Accept.</summary>
internal static class GraphDocumentBodies
{
    public const string Yaml = "application/yaml";
    public static readonly string[] YamlTypes = [Yaml, "application/x-yaml", "text/yaml", "text/x-yaml"];

    /// <summary>
    /// The body's graph, validated. Only the graph outlives this call: the parsed document (for a large graph
    /// about as large again as the graph) is garbage before the caller's next await, instead of living in the
    /// caller's async state until the graph is stored.
    /// </summary>
    public static async Task<DependencyGraph> ReadGraphAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken) =>
        GraphDocuments.ToGraph(await ReadAsync(request, maxBytes, cancellationToken));

    private static async Task<GraphDocument> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        BoundedRead.AllowLargeBody(request, maxBytes);
        if (request.ContentLength > maxBytes)
        {
            throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"A graph document may be at most {maxBytes} bytes; this one is {request.ContentLength}.");
        }

        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        if (mediaType is null || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return await GraphDocuments.ReadJsonAsync(request.Body, cancellationToken);
        }

        if (YamlTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            // YamlDotNet reads synchronously; buffer the body first so Kestrel never sees blocking reads.
            var text = await reader.ReadToEndAsync(cancellationToken);
            return GraphDocuments.ReadYaml(new StringReader(text));
        }

        throw new ApiProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"Send a graph document as application/json or application/yaml, not {mediaType}.");
    }

    public const string Csv = "text/csv", Dot = "text/vnd.graphviz", GraphMl = "application/graphml+xml", Mermaid = "text/vnd.mermaid";

    /// <summary>The first of the offered media types the Accept header ranks highest; null when it names none of them.</summary>
    public static string? Preferred(HttpRequest request, params string[] offered) =>
        (request.GetTypedHeaders().Accept ?? [])
            .OrderByDescending(a => a.Quality ?? 1)
            .Select(a => offered.FirstOrDefault(o => o.Equals(a.MediaType.Value, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(o => o is not null);

    public static bool WantsYaml(HttpRequest request) =>
        request.GetTypedHeaders().Accept is { Count: > 0 } accept
        && accept.OrderByDescending(a => a.Quality ?? 1).First() is { } best
        && YamlTypes.Contains(best.MediaType.Value, StringComparer.OrdinalIgnoreCase);
}
