using System.Globalization;
using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>
/// What a post-incident review must say before an incident can close, in English or Dutch. The rules, as the
/// README gives them to reviewers:
/// <list type="bullet">
/// <item>whatHappened names a mechanism: at least 12 words, of which at least 5 say something of their own,
/// beyond function words, categories ("network problem", "config issue", "human error", "storing bij een
/// leverancier") and padding ("affected many customers for several hours"). A category is refused with what
/// to say instead.</item>
/// <item>whatWeLearned says something whatHappened did not: at least 6 words, not the same words again.</item>
/// <item>Each prevention action is concrete: at least 4 words, not a platitude ("improve monitoring", "be more
/// careful", "beter opletten"), not what happened again; with an owner and a due date after the review.</item>
/// </list>
/// </summary>
public static class ReviewPolicy
{
    /// <summary>The fewest words whatHappened may have.</summary>
    public const int MinimumCauseWords = 12;

    private const int MinimumCauseContentWords = 5;
    private const int MinimumLearningWords = 6;
    private const int MinimumActionWords = 4;

    // Words that carry no meaning either way.
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "was", "were", "is", "are", "there", "we", "us", "had", "have", "has", "due", "to", "of", "by", "caused", "because",
        "in", "on", "our", "with", "and", "or", "be", "been", "being", "this", "that", "which", "from", "at", "for", "as", "it", "its",
        "not", "no", "into", "after", "before", "then", "so", "also", "very", "will", "would", "should", "could", "can", "did", "do",
        "een", "het", "de", "er", "waren", "sprake", "van", "door", "vanwege", "wegens", "op", "ons", "onze", "met", "en", "dit", "dat",
        "die", "bij", "te", "wij", "hadden", "heeft", "hebben", "veroorzaakt", "als", "naar", "niet", "geen", "werd", "wordt", "zijn",
        "om", "aan", "ook", "zeer", "zal", "zullen", "moet", "moeten", "kan", "kunnen", "na", "voor", "toen", "dan", "deze", "ze",
    };

    // Words that say nothing about a cause: a text made only of these and fillers is vague whatever its length.
    private static readonly HashSet<string> Vague = new(StringComparer.Ordinal)
    {
        "technical", "tech", "issue", "issues", "problem", "problems", "glitch", "glitches", "unknown", "outage", "outages",
        "error", "errors", "failure", "failures", "fault", "faults", "something", "system", "systems", "computer", "incident",
        "malfunction", "disruption", "difficulties", "difficulty", "hiccup", "bug", "bugs", "software", "hardware", "cause",
        "unexpected", "unforeseen", "temporary", "temporarily", "some", "went", "wrong", "happened", "occurred", "tbd", "n/a",
        "unclear", "undetermined", "under", "investigation", "reasons", "reason", "circumstances", "failed", "failing", "down",
        "technische", "technisch", "storing", "storingen", "probleem", "problemen", "onbekend", "onbekende", "oorzaak", "fout",
        "fouten", "iets", "systeem", "systemen", "computerstoring", "systeemfout", "verstoring", "verstoringen", "mis", "gegaan",
        "onvoorziene", "onvoorzien", "tijdelijke", "tijdelijk", "nvt", "onderzoek", "onduidelijk", "uitval", "uitgevallen",
    };

    // Categories: a cause named only by one of these is refused with what to say instead. First match wins, so
    // the more specific come first.
    private static readonly (string[] Words, string Advice)[] Categories =
    [
        (["human", "menselijke", "menselijk"], "say which step or safeguard failed and why, not who erred"),
        (["configuration", "config", "configuratie", "configuratiefout", "misconfiguration", "instelling", "instellingen"],
            "say which setting changed, what changed it, and why no check caught it"),
        (["dns"], "say which record, zone or resolver failed, and why"),
        (["network", "netwerk", "netwerkprobleem", "connectivity", "connection", "verbinding", "netwerkstoring"],
            "say which link, device or route failed, and why it had no alternative"),
        (["capacity", "capaciteit", "capaciteitsprobleem", "overload", "overbelasting", "load", "belasting"],
            "say which resource ran out, at what load, and why it was not scaled in time"),
        (["power", "stroom", "stroomstoring", "electricity", "elektriciteit"],
            "say which site or supply lost power and why the backup did not carry the load"),
        (["cloud", "vendor", "supplier", "third", "party", "provider", "leverancier", "leveranciers", "leveranciersprobleem", "externe", "partij"],
            "name the supplier, which of its services failed, and how that reached you"),
    ];

    // Words that only describe the impact: how many were hit and for how long says nothing about why.
    private static readonly HashSet<string> Padding = new(StringComparer.Ordinal)
    {
        "affected", "affecting", "impact", "impacted", "impacting", "customers", "customer", "users", "user", "clients", "services",
        "service", "time", "several", "hours", "hour", "minutes", "minute", "period", "resulting", "resulted", "causing", "led",
        "leading", "unavailable", "available", "availability", "slow", "slowness", "all", "many", "various", "today", "yesterday",
        "morning", "evening", "night", "short", "long", "while", "during", "platform", "applications", "application", "operations",
        "klanten", "klant", "gebruikers", "gebruiker", "diensten", "dienst", "tijd", "uren", "uur", "minuten", "periode", "onbeschikbaar",
        "beschikbaar", "traag", "veel", "verschillende", "vandaag", "gisteren", "ochtend", "avond", "nacht", "kort", "lang", "tijdens",
        "getroffen", "geraakt", "hinder", "gevolg", "gevolgen", "waardoor", "applicaties", "applicatie", "platform",
    };

    // Words of platitudes: an action made only of these promises nothing anyone can check.
    private static readonly HashSet<string> Platitude = new(StringComparer.Ordinal)
    {
        "improve", "improved", "improving", "better", "more", "careful", "carefully", "monitoring", "monitor", "testing", "test",
        "tests", "process", "processes", "procedure", "procedures", "review", "reviews", "awareness", "train", "training", "staff",
        "communication", "communicate", "lessons", "learned", "learn", "ensure", "make", "sure", "again", "happen", "prevent",
        "attention", "closely", "focus", "strengthen", "enhance", "look", "into", "investigate", "further", "everyone", "team",
        "beter", "opletten", "verbeteren", "meer", "testen", "zorgvuldiger", "zorgvuldig", "werken", "communicatie", "proces",
        "processen", "bewustzijn", "aandacht", "scherper", "letten", "voorkomen", "zorgen", "nogmaals", "iedereen", "kijken",
        "onderzoeken", "versterken", "lessen", "geleerd", "monitoren", "alerter", "blijven",
    };

    /// <summary>Every problem with the review, or none. Due dates must fall after <paramref name="reviewDate"/>.</summary>
    public static IReadOnlyList<GraphProblem> Check(
        string? whatHappened, string? whatWeLearned, IReadOnlyList<(string? Action, string? Owner, string? Due)>? prevention, DateOnly reviewDate)
    {
        var problems = new List<GraphProblem>();
        var cause = CheckCause(whatHappened, problems);
        CheckLearning(whatWeLearned, cause, problems);
        if (prevention is not { Count: > 0 })
        {
            problems.Add(new GraphProblem("prevention", "at least one action that prevents recurrence is required, with an owner and a due date"));
            return problems;
        }

        for (var i = 0; i < prevention.Count; i++)
        {
            var (action, owner, due) = prevention[i];
            CheckAction(action, $"prevention[{i}].action", cause, problems);
            if (string.IsNullOrWhiteSpace(owner))
            {
                problems.Add(new GraphProblem($"prevention[{i}].owner", "every action needs an owner"));
            }

            if (string.IsNullOrWhiteSpace(due))
            {
                problems.Add(new GraphProblem($"prevention[{i}].due", "every action needs a due date (YYYY-MM-DD)"));
            }
            else if (!DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add(new GraphProblem($"prevention[{i}].due", $"'{GraphValidator.Shorten(due)}' is not a date (YYYY-MM-DD)"));
            }
            else if (date <= reviewDate)
            {
                problems.Add(new GraphProblem($"prevention[{i}].due",
                    $"{due} is not after the review ({reviewDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}): an action is due in the future"));
            }
        }

        return problems;
    }

    /// <summary>The words of whatHappened that say something of their own; empty when it is refused.</summary>
    private static HashSet<string> CheckCause(string? text, List<GraphProblem> problems)
    {
        const string path = "whatHappened";
        if (!Present(text, path, "what happened: name the component, what failed and why", problems))
        {
            return [];
        }

        var words = Words(text!);
        var content = Content(words, Padding);
        var category = Categories.FirstOrDefault(c => c.Words.Any(words.Contains));
        if (content.Count < MinimumCauseContentWords)
        {
            var advice = category.Advice ?? "name the component, what failed and why";
            problems.Add(new GraphProblem(path, $"'{GraphValidator.Shorten(text!.Trim())}' names a category, not what happened: {advice}"));
            return [];
        }

        if (words.Count < MinimumCauseWords)
        {
            problems.Add(new GraphProblem(path,
                $"{words.Count} words are too few to say what happened: at least {MinimumCauseWords}, naming the component, what failed and why"));
            return [];
        }

        return content;
    }

    private static void CheckLearning(string? text, HashSet<string> cause, List<GraphProblem> problems)
    {
        const string path = "whatWeLearned";
        if (!Present(text, path, "what was learned", problems))
        {
            return;
        }

        var words = Words(text!);
        var content = Content(words, []);
        if (words.Count < MinimumLearningWords || content.Count < 3)
        {
            problems.Add(new GraphProblem(path, $"'{GraphValidator.Shorten(text!.Trim())}' is too thin: say what you did not know or did not have before"));
        }
        else if (Repeats(content, cause))
        {
            problems.Add(new GraphProblem(path, "repeats what happened: say what you learned from it, what you did not know or did not have"));
        }
    }

    private static void CheckAction(string? text, string path, HashSet<string> cause, List<GraphProblem> problems)
    {
        if (!Present(text, path, "the action", problems))
        {
            return;
        }

        var words = Words(text!);
        var content = Content(words, Platitude);
        if (words.Count < MinimumActionWords || content.Count < 2)
        {
            problems.Add(new GraphProblem(path,
                $"'{GraphValidator.Shorten(text!.Trim())}' is not an action anyone can check: say what will be built, changed or tested, and where"));
        }
        else if (Repeats(content, cause))
        {
            problems.Add(new GraphProblem(path, "repeats what happened: say what will be done so that it does not happen again"));
        }
    }

    private static bool Present(string? text, string path, string what, List<GraphProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new GraphProblem(path, $"{what} is required"));
            return false;
        }

        if (text.Length > 10_000)
        {
            problems.Add(new GraphProblem(path, "at most 10,000 characters"));
            return false;
        }

        return true;
    }

    /// <summary>Most of one text's own words are another's: the same sentence again, perhaps reworded a little.</summary>
    private static bool Repeats(HashSet<string> words, HashSet<string> other) =>
        other.Count > 0 && words.Count(other.Contains) >= 0.8 * words.Count;

    /// <summary>The distinct words that say something: not fillers, vague words, category words or <paramref name="more"/>.</summary>
    private static HashSet<string> Content(List<string> words, HashSet<string> more) =>
        words.Where(w => !Fillers.Contains(w) && !Vague.Contains(w) && !more.Contains(w) && !Categories.Any(c => c.Words.Contains(w))
                         && (w.Length >= 3 || w.Any(char.IsDigit)))
            .ToHashSet(StringComparer.Ordinal);

    private static List<string> Words(string text)
    {
        var words = new List<string>();
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
