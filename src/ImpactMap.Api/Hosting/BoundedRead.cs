using Microsoft.AspNetCore.Http.Features;

namespace ImpactMap.Api.Hosting;

/// <summary>A route whose body may be larger than <see cref="ImpactMapOptions.MaxRequestBytes"/>: its own limit, from the options.</summary>
public sealed record LargeBody(Func<ImpactMapOptions, long> Limit);

/// <summary>Reading a body of unknown length (an import, a supplier's page) without ever holding more than a limit.</summary>
public static class BoundedRead
{
    /// <summary>
    /// Raises this request's body limit to <paramref name="maxBytes"/>: graph documents and imports may be large;
    /// every other route keeps Kestrel's small default limit.
    /// </summary>
    public static void AllowLargeBody(HttpRequest request, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
    }

    /// <summary>
    /// A body read whole, but never more than <paramref name="maxBytes"/>: past it, <paramref name="tooLarge"/> is
    /// thrown and the rest left unread. With the length the sender declared, the body is read into one array of that
    /// size, not a growing buffer and its copy (three times a large import's size at once).
    /// </summary>
    public static async Task<byte[]> BytesAsync(Stream body, long maxBytes, Func<Exception> tooLarge, CancellationToken cancellationToken, long? declaredLength = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(tooLarge);
        if (declaredLength > maxBytes)
        {
            throw tooLarge();
        }

        using var buffer = new MemoryStream(declaredLength is { } length ? (int)length : 0);
        var chunk = new byte[81920];
        for (int read; (read = await body.ReadAsync(chunk, cancellationToken)) > 0;)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
