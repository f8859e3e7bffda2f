using System.Globalization;
using System.Text.Json;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Storage;

/// <summary>
/// How every store writes what has no column of its own (a node's attributes and groups as JSON text,
/// effects by their wire names, times as ISO-8601 text) and checks a write's expected version: one form, so
/// that a graph moved between stores reads back the same.
/// </summary>
public static class StoredValues
{
    /// <summary>A node's attributes as JSON text; null when it has none.</summary>
    public static string? AttributesText(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Attributes.Count == 0 ? null : JsonSerializer.Serialize(node.Attributes);
    }

    /// <summary>A node's group needs as JSON text; null when it has none.</summary>
    public static string? GroupsText(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Groups.Count == 0 ? null : JsonSerializer.Serialize(node.Groups);
    }

    /// <summary>Attributes read back from <see cref="AttributesText"/>.</summary>
    public static IReadOnlyDictionary<string, string> Attributes(string? text) => Map<string>(text);

    /// <summary>Group needs read back from <see cref="GroupsText"/>.</summary>
    public static IReadOnlyDictionary<string, int> Groups(string? text) => Map<int>(text);

    /// <summary>A stored dependency effect; only values the store wrote itself.</summary>
    public static NodeState Effect(string text) =>
        NodeStates.TryParse(text, out var effect) ? effect : throw new InvalidDataException($"stored effect '{text}' is not a state");

    /// <summary>A time as stored: round-trip ISO-8601.</summary>
    public static string Timestamp(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A time read back from <see cref="Timestamp"/>.</summary>
    public static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>
    /// Throws <see cref="VersionConflictException"/> unless the write may proceed: no expectation, or the
    /// expected version is the current one (0 meaning "must not exist").
    /// </summary>
    public static void CheckVersion(string graph, long? expected, long? current)
    {
        if (expected is not null && expected != (current ?? 0))
        {
            throw new VersionConflictException(graph, expected, current);
        }
    }

    private static IReadOnlyDictionary<string, T> Map<T>(string? text) =>
        text is null ? new Dictionary<string, T>() : JsonSerializer.Deserialize<Dictionary<string, T>>(text)!;
}
