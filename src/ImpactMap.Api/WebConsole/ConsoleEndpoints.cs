using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace ImpactMap.Api.WebConsole;

/// <summary>Endpoint metadata: served to anyone, key or not (the console's own files, so its key prompt is reachable).</summary>
public sealed record PublicResource;

/// <summary>
/// The web console: its files are embedded in the service (no Node, no CDN, nothing on disk to lose), served under
/// /console/, and every deep link the console knows answers its one page, which routes in the browser.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>The deep links (a fixed contract: dashboards and tickets link to them); each serves the console's page.</summary>
    public static readonly IReadOnlyList<string> Pages =
    [
        "/",
        "/graphs/{graph}",
        "/graphs/{graph}/impact",
        "/graphs/{graph}/nodes/{id}",
        "/graphs/{graph}/incidents",
        "/graphs/{graph}/incidents/{id}",
        "/graphs/{graph}/status",
        "/graphs/{graph}/maintenances",
    ];

    // Nothing from elsewhere, no inline script or style: what the console runs is exactly what the service ships.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string ResourcePrefix = "console/";

    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        var files = LoadFiles();
        var page = files["index.html"];
        foreach (var pattern in Pages)
        {
            app.MapGet(pattern, (HttpContext context) => Serve(context, page))
                .ExcludeFromDescription().WithMetadata(new PublicResource());
        }

        app.MapGet("/console/{*file}", (string file, HttpContext context) =>
                files.TryGetValue(file, out var found) ? Serve(context, found) : Results.NotFound())
            .ExcludeFromDescription().WithMetadata(new PublicResource());
    }

    private static IResult Serve(HttpContext context, ConsoleFile file)
    {
        var headers = context.Response.Headers;
        headers.ETag = file.ETag;
        // Always revalidate: a new service version must never run against an old cached script.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return context.Request.Headers.IfNoneMatch.Any(value => value == file.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }

    private static FrozenDictionary<string, ConsoleFile> LoadFiles()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[ResourcePrefix.Length..], name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var content = buffer.ToArray();
                return new ConsoleFile(content, ContentTypeOf(name), $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
            });
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record ConsoleFile(byte[] Content, string ContentType, string ETag);
}
