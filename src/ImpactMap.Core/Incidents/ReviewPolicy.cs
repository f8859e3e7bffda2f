using System.Globalization;
using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>
/// What a post-incident review must say before an incident can close: concretely what happened, what was
/// learned, and actions with an owner and a due date. "It was a technical outage" is not an answer, in
/// English or in Dutch.
/// </summary>
public static class ReviewPolicy
{
    // Words that say nothing about a cause: with fillers removed, a text made only of these is vague.
    private static readonly HashSet<string> VagueWords = new(StringComparer.Ordinal)
    {
        // English
        "technical", "tech", "issue", "issues", "problem", "problems", "glitch", "glitches", "unknown", "outage", "outages",
        "error", "errors", "failure", "failures", "fault", "something", "system", "systems", "computer", "it", "incident",
        "malfunction", "disruption", "difficulties", "difficulty", "hiccup", "bug", "software", "hardware", "cause",
        "unexpected", "unforeseen", "temporary", "temporarily", "some", "went", "wrong", "happened", "occurred", "na", "tbd",
        "n/a", "unclear", "undetermined", "under", "investigation", "human", "reasons", "reason", "circumstances",
        // Dutch
        "technische", "technisch", "storing", "storingen", "probleem", "problemen", "onbekend", "onbekende", "oorzaak",
        "fout", "fouten", "iets", "systeem", "systemen", "computerstoring", "systeemfout", "verstoring", "verstoringen",
        "mis", "gegaan", "onvoorziene", "tijdelijke", "tijdelijk", "nvt", "onderzoek", "onduidelijk", "menselijke",
    };

    // Words that carry no meaning either way.
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "was", "were", "is", "there", "we", "had", "have", "has", "due", "to", "of", "by", "caused", "because",
        "in", "on", "our", "with", "and", "or", "be", "been", "being", "this", "that", "which", "from", "at", "for", "as",
        "een", "het", "de", "er", "was", "waren", "is", "sprake", "van", "door", "vanwege", "wegens", "in", "op", "ons", "onze",
        "met", "en", "of", "een", "dit", "dat", "die", "bij", "te", "wij", "we", "hadden", "had", "heeft", "veroorzaakt", "als",
    };

    /// <summary>Every problem with the review, or none.</summary>
    public static IReadOnlyList<GraphProblem> Check(
        string? whatHappened, string? whatWeLearned, IReadOnlyList<(string? Action, string? Owner, string? Due)>? prevention)
    {
        var problems = new List<GraphProblem>();
        CheckConcrete(whatHappened, "whatHappened", "what happened: name the component, what failed and why", problems);
        CheckConcrete(whatWeLearned, "whatWeLearned", "what was learned", problems);
        if (prevention is not { Count: > 0 })
        {
            problems.Add(new GraphProblem("prevention", "at least one action that prevents recurrence is required, with an owner and a due date"));
            return problems;
        }

        for (var i = 0; i < prevention.Count; i++)
        {
            var (action, owner, due) = prevention[i];
            CheckConcrete(action, $"prevention[{i}].action", "the action", problems);
            if (string.IsNullOrWhiteSpace(owner))
            {
                problems.Add(new GraphProblem($"prevention[{i}].owner", "every action needs an owner"));
            }

            if (string.IsNullOrWhiteSpace(due))
            {
                problems.Add(new GraphProblem($"prevention[{i}].due", "every action needs a due date (YYYY-MM-DD)"));
            }
            else if (!DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                problems.Add(new GraphProblem($"prevention[{i}].due", $"'{GraphValidator.Shorten(due)}' is not a date (YYYY-MM-DD)"));
            }
        }

        return problems;
    }

    /// <summary>True when the text names nothing concrete: empty, or only vague words and fillers.</summary>
    public static bool IsVague(string? text)
    {
        var words = Words(text);
        return words.Count == 0 || words.All(w => VagueWords.Contains(w) || Fillers.Contains(w));
    }

    private static void CheckConcrete(string? text, string path, string what, List<GraphProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new GraphProblem(path, $"{what} is required"));
        }
        else if (text.Length > 10_000)
        {
            problems.Add(new GraphProblem(path, "at most 10,000 characters"));
        }
        else if (IsVague(text))
        {
            problems.Add(new GraphProblem(path,
                $"'{GraphValidator.Shorten(text.Trim())}' is too vague: say concretely {what}, not just that there was a technical problem"));
        }
        else if (Words(text).Count(w => !Fillers.Contains(w)) < 2)
        {
            problems.Add(new GraphProblem(path, $"'{GraphValidator.Shorten(text.Trim())}' is too short: say concretely {what}"));
        }
    }

    private static List<string> Words(string? text)
    {
        var words = new List<string>();
        if (text is null)
        {
            return words;
        }

        var current = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormKC).ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c == '/')
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
