using System.Globalization;

namespace ImpactMap.Api.Hosting;

/// <summary>Graph versions as ETags, and If-Match as the version a write expects.</summary>
internal static class HttpVersions
{
    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = $"\"{version}\"";

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
