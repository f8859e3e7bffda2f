using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImpactMap.Core.Documents;

/// <summary>What a JSON parser said, in words for a client: where, and what, without .NET type names.</summary>
public static partial class JsonErrors
{
    /// <summary>"the value is not of the expected type (line 1, byte 37)", with the parser's own words where they help.</summary>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        message = UnknownMember().Replace(message, "'$1' is not a known field here");
        message = message.Replace(" Change the reader options.", "", StringComparison.Ordinal);
        message = TypeName().Replace(DuringType().Replace(message, ""), "the expected type").TrimEnd('.', ' ');
        var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine ?? 0})" : "";
        return message + where;
    }

    // " encountered during deserialization of type 'X'" says nothing a client can use.
    [GeneratedRegex(@"\s*(?:encountered )?during deserialization of type '?(?:System|ImpactMap|Microsoft)\.[\w.`+]+(?:\[[^\]]*\])?'?")]
    private static partial Regex DuringType();

    [GeneratedRegex(@"The JSON property '(.*)' could not be mapped to any \.NET member contained in type '?[\w.`+]+(?:\[[^\]]*\])?'?\.?")]
    private static partial Regex UnknownMember();

    /// <summary>What YamlDotNet said, in the same words: no .NET type names.</summary>
    public static string DescribeYaml(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message = YamlUnknownMember().Replace(message, "'$1' is not a known field here");
        message = YamlWrongShape().Replace(message, "the value here is not of the expected kind (a list, a mapping or a single value)");
        return TypeName().Replace(message, "the expected type").TrimEnd('.', ' ');
    }

    [GeneratedRegex(@"Property '(.*)' not found on type '?[\w.`+]+'?\.?")]
    private static partial Regex YamlUnknownMember();

    [GeneratedRegex(@"No node deserializer was able to deserialize the node into type [\w.`+, =\[\]]+")]
    private static partial Regex YamlWrongShape();

    // Names of .NET types ("ImpactMap.Api.Impact.ImpactRequest", "System.Nullable`1[System.Int32]") mean nothing to a client.
    [GeneratedRegex(@"'?(?:System|ImpactMap|Microsoft)\.[\w.`+]+(?:\[[^\]]*\])?'?")]
    private static partial Regex TypeName();
}
