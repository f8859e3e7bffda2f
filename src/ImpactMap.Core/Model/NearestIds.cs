namespace ImpactMap.Core.Model;

/// <summary>
/// The ids closest to a mistyped one, for a "did you mean": the same id in other case first, then those within a
/// few edits (at most a quarter of its length, at least one), closest first. One pass over the graph's ids, on the
/// error path only.
/// </summary>
public static class NearestIds
{
    /// <summary>The most suggestions given for one id.</summary>
    public const int Most = 3;

    /// <summary>Up to <see cref="Most"/> ids of <paramref name="graph"/> near <paramref name="asked"/>.</summary>
    public static IReadOnlyList<string> Of(string asked, DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(graph);
        if (asked.Length > 200)
        {
            return [];
        }

        var most = Math.Max(1, asked.Length / 4);
        var found = new List<(int Distance, string Id)>();
        foreach (var node in graph.Nodes)
        {
            var id = node.Id;
            if (Math.Abs(id.Length - asked.Length) > most)
            {
                continue;
            }

            var distance = string.Equals(id, asked, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(asked, id, most);
            if (distance <= most)
            {
                found.Add((distance, id));
            }
        }

        return found.OrderBy(f => f.Distance).ThenBy(f => f.Id, StringComparer.Ordinal).Take(Most).Select(f => f.Id).ToList();
    }

    /// <summary>Levenshtein distance, or more than <paramref name="most"/> as soon as every way past it is.</summary>
    private static int Distance(string a, string b, int most)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
                best = Math.Min(best, current[j]);
            }

            if (best > most)
            {
                return most + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>"; did you mean 'a' or 'b'?" for a message, or nothing.</summary>
    public static string Phrase(IReadOnlyList<string> suggestions)
    {
        ArgumentNullException.ThrowIfNull(suggestions);
        return suggestions.Count == 0 ? "" : $"; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?";
    }
}
