namespace ImpactMap.Core.Model;

/// <summary>The rule for node ids, graph names and group names.</summary>
public static class Identifier
{
    /// <summary>The longest id allowed.</summary>
    public const int MaxLength = 200;

    /// <summary>What a valid id looks like, for messages.</summary>
    public const string Rule =
        "1 to 200 characters: letters, digits and . _ - : @ + ~, starting with a letter or digit";

    /// <summary>True when <paramref name="id"/> follows <see cref="Rule"/>.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or ':' or '@' or '+' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a kind: a lowercase word of letters, digits and hyphens, at most 50 characters.</summary>
    public static bool IsValidKind(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 50 && char.IsAsciiLetterLower(kind[0])
        && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
