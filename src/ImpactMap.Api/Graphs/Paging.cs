using System.Buffers.Text;
using System.Text;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;

namespace ImpactMap.Api.Graphs;

/// <summary>A page of a listing; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset paging over a sorted list: the cursor is the last key seen, opaque to clients.</summary>
internal static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static Page<TOut> Take<T, TOut>(
        IReadOnlyList<T> sorted, Func<T, string> key, Func<T, bool> filter, string? cursor, int? limit, Func<T, TOut> map)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            throw ApiProblem.BadRequest($"limit must be between 1 and {MaxLimit}.");
        }

        var after = cursor is null ? null : Decode(cursor);
        var start = after is null ? 0 : FirstAfter(sorted, key, after);
        var items = new List<TOut>(size);
        string? lastKey = null;
        for (var i = start; i < sorted.Count; i++)
        {
            if (!filter(sorted[i]))
            {
                continue;
            }

            if (items.Count == size)
            {
                return new Page<TOut>(items, Encode(lastKey!));
            }

            items.Add(map(sorted[i]));
            lastKey = key(sorted[i]);
        }

        return new Page<TOut>(items, null);
    }

    private static int FirstAfter<T>(IReadOnlyList<T> sorted, Func<T, string> key, string after)
    {
        int low = 0, high = sorted.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (string.CompareOrdinal(key(sorted[mid]), after) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static string Decode(string cursor)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw ApiProblem.BadRequest("cursor is not one this service gave; start again without it.");
        }
    }
}
