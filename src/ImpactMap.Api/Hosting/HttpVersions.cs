using System.Globalization;

namespace ImpactMap.Api.Hosting;

/// <summary>Graph versions as ETags, and If-Match as the version a write expects.</summary>
internal static class HttpVersions
{
    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = $"\"{version}\"";

    /// <summary>Whether If-None-Match names the version (or is <c>*</c>): the client has it already, and gets 304.</summary>
    public static bool HasVersion(this HttpRequest request, long version) => request.Has($"\"{version}\"");

    private static bool Has(this HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Select(v => v.Trim())
            .Any(v => v == "*" || v == etag || v == "W/" + etag));

    /// <summary>Sets the version's ETag and, when the client has that version already, answers 304 Not Modified.</summary>
    public static IResult? NotModified(this HttpContext context, long version)
    {
        context.Response.SetETag(version);
        return context.Request.HasVersion(version) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : null;
    }

    /// <summary>
    /// As <see cref="NotModified(HttpContext, long)"/> for an answer that also changes with time while its version
    /// stands: the ETag is "version.moment" past the first moment, plain "version" before it.
    /// </summary>
    public static IResult? NotModified(this HttpContext context, long version, long moment)
    {
        if (moment == 0)
        {
            return context.NotModified(version);
        }

        var etag = $"\"{version.ToString(CultureInfo.InvariantCulture)}.{moment.ToString(CultureInfo.InvariantCulture)}\"";
        context.Response.Headers.ETag = etag;
        return context.Request.Has(etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : null;
    }

    /// <summary>The version an If-Match header pins, null when absent or <c>*</c>; 400 when unreadable.</summary>
    public static long? IfMatch(this HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return value.Length > 2 && value[0] == '"' && value[^1] == '"'
               && long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw ApiProblem.BadRequest($"If-Match must be an ETag this service gave, such as \"42\"; got {header}.");
    }
}
