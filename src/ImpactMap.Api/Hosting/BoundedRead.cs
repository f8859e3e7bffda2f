namespace ImpactMap.Api.Hosting;

/// <summary>Reading a body of unknown length (an import, a supplier's page) without ever holding more than a limit.</summary>
public static class BoundedRead
{
    /// <summary>A body read whole, but never more than <paramref name="maxBytes"/>: past it, <paramref name="tooLarge"/> is thrown and the rest left unread.</summary>
    public static async Task<byte[]> BytesAsync(Stream body, long maxBytes, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = await body.ReadAsync(chunk, cancellationToken)) > 0;)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
