using System.Text.Json;

namespace ImpactMap.Core.Imports;

/// <summary>A file of an import read as JSON.</summary>
internal static class Json
{
    /// <summary>The document's root; <see cref="UnreadableFileException"/> naming the line where it breaks.</summary>
    public static JsonElement Parse(string name, string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException e)
        {
            // The message ends with the path and position again, which the file and line already say.
            throw new UnreadableFileException(name, (int)(e.LineNumber ?? 0) + 1, e.Message.Split(" Path:")[0]);
        }
    }
}
