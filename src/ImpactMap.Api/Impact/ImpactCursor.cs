using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ImpactMap.Api.Hosting;
using ImpactMap.Core.Engine;

namespace ImpactMap.Api.Impact;

/// <summary>
/// Where the next page of an impact answer starts, opaque to clients: the graph version it belongs to and the
/// last listed node's (depth, id). The order is fixed for one version, so pages never skip or repeat.
/// </summary>
internal static class ImpactCursor
{
    public static string Encode(long version, ImpactPosition position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{version}:{position.Depth}:{position.Id}")));

    /// <summary>The position a cursor names; 400 when it is not one this service gave, 409 when it is of another version of <paramref name="what"/>.</summary>
    public static ImpactPosition Decode(string cursor, string what, long version)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        var parts = text.Split(':', 3);
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var cursorVersion)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
        {
            throw Invalid();
        }

        return cursorVersion == version
            ? new ImpactPosition(depth, parts[2])
            : throw ApiProblem.Conflict(
                $"The cursor belongs to version {cursorVersion} of {what}, which is now at version {version}; start again without a cursor.");
    }

    private static ApiProblem Invalid() => ApiProblem.BadRequest("cursor is not one this service gave; start again without it.");
}
