using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>Ids from a source as node ids: every character outside the id alphabet becomes '~' (the original kept in an attribute).</summary>
public static class SourceIds
{
    /// <summary>The attribute that keeps a source's own id when it had to be mapped.</summary>
    public const string Attribute = "source-id";

    /// <summary>The node id for a source id: itself when valid, else mapped.</summary>
    public static string Map(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (Identifier.IsValid(id))
        {
            return id;
        }

        var mapped = new StringBuilder(id.Length + 1);
        foreach (var c in id)
        {
            mapped.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '@' or '+' or '~' ? c : '~');
        }

        // An id starts with a letter or digit.
        if (mapped.Length == 0 || !char.IsAsciiLetterOrDigit(mapped[0]))
        {
            mapped.Insert(0, 'x');
        }

        return mapped.Length > 200 ? mapped.ToString(0, 200) : mapped.ToString();
    }
}
