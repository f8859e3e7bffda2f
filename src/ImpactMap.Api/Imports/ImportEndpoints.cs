using System.IO.Compression;
using System.Text;
using ImpactMap.Api.Access;
using ImpactMap.Api.Graphs;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Incidents;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImpactMap.Api.Imports;

/// <summary>/v1/graphs/{graph}/imports: the dependency data organisations already keep, read into a graph.</summary>
public static class ImportEndpoints
{
    public const int MaxZipEntries = 10_000;
    internal static readonly string[] Formats = ["csv", "jaeger", "backstage", "cyclonedx", "servicenow", "dora"];

    public static RouteHandlerBuilder MapImports(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/graphs/{graph}/imports", Import).WithTags("Imports").WithName("Import")
            .WithSummary("Import files (one file, a zip, or multipart/form-data) into a graph: replace or merge, dryRun, strict; answers what changed and what was left out")
            .WithDescription($"format is one of {string.Join(", ", Formats)}; the README's Imports row says how each is read.")
            .Accepts<string>("text/csv", "application/json", "application/yaml", "application/zip", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new LargeBody(o => o.MaxImportBytes), new ReadOnlyPost(r => r.Query["dryRun"] == "true"));

    public static async Task<Results<Created<ImportResponse>, Ok<ImportResponse>>> Import(
        string graph, string? format, string? mode, bool? dryRun, bool? strict, bool? prune, bool? components, HttpContext context,
        GraphCatalog catalog, IncidentService incidents, IOptions<ImpactMapOptions> options, MemoryReclaimer reclaimer,
        WorkGate gate, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (format is null || !Formats.Contains(format))
        {
            problems.Add($"format: '{GraphValidator.Shorten(format)}' is not one of {string.Join(", ", Formats)}");
        }

        if (mode is not (null or "replace" or "merge"))
        {
            problems.Add($"mode: must be replace or merge, not '{GraphValidator.Shorten(mode)}'");
        }

        if (components is not null && format != "cyclonedx")
        {
            problems.Add("components: only for format=cyclonedx");
        }

        if (prune == true && mode == "replace")
        {
            problems.Add("prune: only with mode=merge (a replace keeps nothing the source does not list anyway)");
        }

        ApiProblem.ThrowIfAny(problems);

        var ifMatch = context.Request.IfMatch();
        ImportedGraph imported;
        using (gate.EnterImport(context.Request))
        {
            var files = await ReadFilesAsync(context.Request, options.Value.MaxImportBytes, cancellationToken);
            imported = format switch
            {
                "jaeger" => JaegerImport.Read(files),
                "backstage" => BackstageImport.Read(files),
                "cyclonedx" => CycloneDxImport.Read(files, components == true),
                "servicenow" => ServiceNowImport.Read(files),
                "dora" => DoraImport.Read(files),
                _ => CsvImport.Read(files),
            };
            // The files' text is garbage from here on: give a large import's memory back rather than keep it.
            reclaimer.AfterLargeRead(files.Sum(f => (long)f.Text.Length));
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await catalog.ExistsAsync(graph, cancellationToken) ? await catalog.GetAsync(graph, cancellationToken) : null;
            if (current is null && dryRun != true)
            {
                AccessControl.RequireToCreateGraph(context);
            }

            var merge = (mode ?? (current is null ? "replace" : "merge")) == "merge";
            var result = ImportPlan.Apply(current?.Graph, imported, merge, prune == true);
            if (strict == true && result.WarningTotal > 0)
            {
                var listed = result.Warnings.Select(w => $"{w.Source}: {w.Code}: {w.Message}").ToList();
                var codes = string.Join(", ", result.WarningCounts.Select(c => $"{c.Value} {c.Key}"));
                throw ApiProblem.BadRequest($"strict: the import has {result.WarningTotal} warning(s) ({codes}), so nothing was changed: {string.Join("; ", listed.Take(5))}", listed);
            }

            if (dryRun == true)
            {
                return TypedResults.Ok(Response(graph, current?.Version ?? 0, format!, result, GraphDocuments.FromGraph(result.Graph)));
            }

            try
            {
                if (current is null)
                {
                    // Whatever a deleted graph of this name left behind is not this graph's.
                    await incidents.ForgetGraphAsync(graph, null, cancellationToken);
                }

                var (snapshot, created) = await StoreAsync(catalog, graph, current, merge, result, ifMatch, cancellationToken);
                reclaimer.AfterWrite(result.Graph.Nodes.Count + result.Graph.Dependencies.Count);
                context.Response.SetETag(snapshot.Version);
                var answer = Response(graph, snapshot.Version, format!, result, null);
                return created ? TypedResults.Created($"/v1/graphs/{graph}", answer) : TypedResults.Ok(answer);
            }
            catch (VersionConflictException) when (ifMatch is null && attempt < 3)
            {
                // Another write landed between reading and writing: merge onto it instead.
            }
        }
    }

    /// <summary>
    /// A merge into a graph stores only what it changed (nothing at all when it changed nothing), so its cost
    /// follows the change; a replace or a new graph is stored whole.
    /// </summary>
    private static async Task<(GraphSnapshot Snapshot, bool Created)> StoreAsync(
        GraphCatalog catalog, string graph, GraphSnapshot? current, bool merge, ImportResult result, long? ifMatch, CancellationToken cancellationToken)
    {
        if (!merge || current is null)
        {
            return await catalog.ReplaceAsync(graph, result.Graph, ifMatch ?? current?.Version, cancellationToken);
        }

        if (ifMatch is not null && ifMatch != current.Version)
        {
            throw new VersionConflictException(graph, ifMatch, current.Version);
        }

        return result.Changes.Count == 0
            ? (current, false)
            : (await catalog.MergeAsync(graph, result.Graph, result.Changes, current.Version, cancellationToken), false);
    }

    private static ImportResponse Response(string graph, long version, string format, ImportResult result, GraphDocument? document) =>
        new(graph, version, format,
            new ImportCountsResponse(result.Nodes.Added, result.Nodes.Updated, result.Nodes.Removed, result.Nodes.Unchanged),
            new ImportCountsResponse(result.Dependencies.Added, result.Dependencies.Updated, result.Dependencies.Removed, result.Dependencies.Unchanged),
            result.Skipped, result.Warnings.Select(w => new ImportWarningResponse(w.Code, w.Source, w.Message)).ToList(), document)
        {
            WarningCounts = result.WarningCounts,
        };

    /// <summary>
    /// The files of the body: itself, the entries of a zip, or the parts of a multipart form (each part may be a zip).
    /// All of them together may hold at most <paramref name="maxBytes"/> of text, however well they compress: CSV
    /// compresses far better than any fixed ratio, so only the absolute size tells a bomb from a large export.
    /// </summary>
    private static async Task<List<(string Name, string Text)>> ReadFilesAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        BoundedRead.AllowLargeBody(request, maxBytes);
        var files = new ImportFiles(maxBytes);
        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        if (contentType?.MediaType.Value?.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value
                           ?? throw ApiProblem.BadRequest("multipart/form-data needs a boundary.");
            var reader = new MultipartReader(boundary, request.Body);
            var part = 0;
            try
            {
                for (var section = await reader.ReadNextSectionAsync(cancellationToken); section is not null; section = await reader.ReadNextSectionAsync(cancellationToken))
                {
                    part++;
                    var name = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                        ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? HeaderUtilities.RemoveQuotes(disposition.Name).Value
                        : null;
                    files.Add(name ?? $"part{part}", await BytesAsync(section.Body, maxBytes, cancellationToken));
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException && !cancellationToken.IsCancellationRequested)
            {
                // A boundary that never comes, a part cut off, headers too long or too many: the form, not the service.
                throw ApiProblem.BadRequest($"The multipart body cannot be read at part {part + 1}: {MultipartProblem(e)}");
            }
        }
        else
        {
            var name = request.Headers.ContentDisposition is { Count: > 0 } header && ContentDispositionHeaderValue.TryParse(header.ToString(), out var disposition)
                ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value
                : null;
            files.Add(name ?? "upload", await BytesAsync(request.Body, maxBytes, cancellationToken, request.ContentLength));
        }

        return files.Count == 0 ? throw ApiProblem.BadRequest("The import has no files.") : files.Read;
    }

    // MultipartReader's own words name its limits (16 headers of at most 16 KB a part); the end of the body is ours.
    private static string MultipartProblem(Exception e) => e is InvalidDataException
        ? e.Message
        : "the body ends before the closing boundary, or the boundary does not match the Content-Type's";

    /// <summary>The files an import reads, and the text they hold so far.</summary>
    private sealed class ImportFiles(long maxBytes)
    {
        private long _bytes;

        public List<(string Name, string Text)> Read { get; } = [];

        public int Count => Read.Count;

        public void Add(string name, byte[] content)
        {
            if (content is not [0x50, 0x4B, 0x03, 0x04, ..])
            {
                Keep(name, content, content.Length);
                return;
            }

            try
            {
                AddZip(name, content);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                throw ApiProblem.BadRequest($"{GraphValidator.Shorten(name)} is not a readable zip: {e.Message}");
            }
        }

        private void AddZip(string name, byte[] content)
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxZipEntries)
            {
                throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Too many files", $"A zip may hold at most {MaxZipEntries:N0} entries; {name} holds {zip.Entries.Count:N0}.");
            }

            foreach (var entry in zip.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith('/')))
            {
                // The declared size first; the read below stops at the same bound, whatever the entry claims.
                var room = maxBytes - _bytes;
                if (entry.Length > room)
                {
                    throw TooLarge($"{name}/{entry.FullName}");
                }

                using var stream = entry.Open();
                var text = new byte[entry.Length];
                var length = 0;
                for (int read; (read = stream.Read(text, length, text.Length - length)) > 0 || length == text.Length;)
                {
                    length += read;
                    if (length == text.Length)
                    {
                        // A zip that understates an entry's size: one byte more says so.
                        if (stream.ReadByte() >= 0)
                        {
                            throw new InvalidDataException($"{entry.FullName} holds more than the {entry.Length:N0} bytes its header declares");
                        }

                        break;
                    }
                }

                Keep($"{name}/{entry.FullName}", text, length);
            }
        }

        private void Keep(string name, byte[] content, int length)
        {
            _bytes += length;
            if (_bytes > maxBytes)
            {
                throw TooLarge(name);
            }

            Read.Add((name, Encoding.UTF8.GetString(content, 0, length)));
        }

        private ApiProblem TooLarge(string name) =>
            new(StatusCodes.Status413PayloadTooLarge, "Import too large",
                $"The files of an import may hold at most {maxBytes:N0} bytes of text together (ImpactMap:MaxImportBytes); {GraphValidator.Shorten(name)} goes past that.");
    }

    private static Task<byte[]> BytesAsync(Stream body, long maxBytes, CancellationToken cancellationToken, long? declaredLength = null) =>
        BoundedRead.BytesAsync(body, maxBytes,
            () => new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"An import may be at most {maxBytes:N0} bytes."), cancellationToken,
            declaredLength);
}
