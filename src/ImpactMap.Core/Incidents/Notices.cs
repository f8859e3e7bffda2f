using System.Globalization;
using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>What one affected party is told: a letter that stands on its own, with its parts for machines.</summary>
/// <param name="Message">The letter: greeting, what is happening to the party and why, when, what it can do, the latest news, sign-off.</param>
/// <param name="To">The party's name and, from its <c>contact</c> attribute, where to send it.</param>
/// <param name="From">Who sends it and where to reply, when configured.</param>
/// <param name="Phase">ongoing, restored or reviewed: which letter this is.</param>
/// <param name="ImpactFrom">When the impact reached the party: the incident's start plus <paramref name="ImpactAt"/>.</param>
/// <param name="Language">The language it is written in: en or nl.</param>
/// <param name="Hit">Whether the party's time had come when the letter was written; an ongoing letter to a party not yet hit warns it.</param>
public sealed record Notice(
    string Node, string Name, string Kind, NodeState State, TimeSpan ImpactAt, IReadOnlyList<string> Path, string Message,
    string To, string? From, string Subject, string Phase, DateTimeOffset ImpactFrom, string Language = "en", bool Hit = true);

/// <summary>How letters are signed and how much of a chain they tell.</summary>
/// <param name="From">The sender, e.g. "Bank incident desk &lt;incidents@bank.example&gt;"; replies go there.</param>
/// <param name="FullChains">Tell external parties every component of the chain too, not only their own supplier and the origin.</param>
public sealed record LetterSettings(string? From = null, bool FullChains = false)
{
    /// <summary>No sender configured; chains shortened for external parties.</summary>
    public static LetterSettings Default { get; } = new();
}

/// <summary>
/// Writes a letter for every party an incident reaches, customers of customers included, in the tense of the
/// incident: while open "you are affected", once resolved "you were affected … service has been restored",
/// once reviewed also what happened, what was learned and what will prevent it.
/// </summary>
public static class Notices
{
    /// <summary>The languages letters are written in: English and Dutch.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "nl"];

    /// <summary>
    /// The most components a letter names on the way from the reader's own supplier to the origin; the rest of a
    /// longer chain is counted, not named (a reader does not follow a hundred hops, and a letter stays a letter).
    /// The notice's path still lists every step.
    /// </summary>
    public const int NamedSteps = 10;

    /// <summary>One notice per affected party, in the order of the incident's impact (depth, then id); as at <paramref name="now"/> when given.</summary>
    public static IReadOnlyList<Notice> For(Incident incident, LetterSettings? settings = null, DateTimeOffset? now = null) =>
        For(incident, incident?.Impact.Affected ?? [], settings, now: now);

    /// <summary>
    /// A notice for each of <paramref name="parties"/> (of the incident's impact), in their order, each in its
    /// party's language (its <c>language</c> attribute, English by default), or all in <paramref name="language"/> when given.
    /// While the incident's clock runs, a party whose time has not come by <paramref name="now"/> is warned, not told it is hit.
    /// </summary>
    public static IReadOnlyList<Notice> For(
        Incident incident, IEnumerable<AffectedParty> parties, LetterSettings? settings = null, string? language = null, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(parties);
        settings ??= LetterSettings.Default;
        var origins = incident.Impact.Origins.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var phase = PhaseOf(incident);
        return parties.Select(party =>
        {
            var path = incident.Impact.PathOf(party);
            var originState = origins.TryGetValue(path[0].Id, out var origin) ? origin.State : NodeState.Down;
            var dutch = (language ?? party.Letter?.Language) == "nl";
            var hit = now is not { } at || incident.IsHit(party, at);
            return new Notice(
                party.Id, party.Name, party.Kind, party.State, party.ImpactAt, path.Select(p => p.Id).ToList(),
                dutch ? DutchLetters.Letter(incident, party, path, originState, phase, settings, hit) : Letter(incident, party, path, originState, phase, settings, hit),
                party.Letter?.Contact is { } contact ? $"{party.Name} <{contact}>" : $"{party.Name} ({party.Id})",
                settings.From,
                dutch ? DutchLetters.Subject(incident, phase, hit) : Subject(incident, phase, hit),
                phase,
                incident.StartedAt + party.ImpactAt,
                dutch ? "nl" : "en",
                hit);
        }).ToList();
    }

    /// <summary>
    /// Why the party is affected, as a person would say it: "your supplier Acme Pay depends on AWS eu-west-1,
    /// which is down". Groups of alternatives lost together are named together; an external party is told its
    /// own supplier and the origin, not the components between, unless <paramref name="fullChain"/>.
    /// </summary>
    public static string Explain(IReadOnlyList<PartyStep> path, NodeState originState, bool fullChain = true, bool past = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var providers = path.Take(path.Count - 1).Reverse().ToList();
        var (depends, dependsPlural, isWord) = past ? ("depended", "depended", "was") : ("depends", "depend", "is");
        var text = new StringBuilder(past ? "You were affected because your " : "You are affected because your ");
        var own = path[^1].Lost;
        var plural = own is { Names.Count: >= 2 };
        text.Append(plural ? Relation(providers[0].Kind) + "s " + Together(own!, "your") : Relation(providers[0].Kind) + " " + providers[0].Name);
        if (providers.Count == 1)
        {
            return text.Append(plural ? (past ? " were " : " are ") : $" {isWord} ").Append(Words(originState)).Append('.').ToString();
        }

        if (!fullChain && providers.Count > 2)
        {
            text.Append(' ').Append(plural ? dependsPlural : depends).Append(plural ? ", through their own suppliers, on " : ", through its own suppliers, on ")
                .Append(providers[^1].Name).Append(", which ").Append(isWord).Append(' ').Append(Words(originState)).Append('.');
            // The components between stay unnamed, but not that a fallback went down with what it backs up.
            foreach (var lost in providers.Take(providers.Count - 1).Select(p => p.Lost).OfType<LostAlternatives>().Where(l => l.Names.Count >= 2).Take(2))
            {
                var share = Share(lost);
                text.Append(' ').Append(char.ToUpperInvariant(share[0])).Append(share[1..]).Append(" of the alternatives for ").Append(lost.Group)
                    .Append(", ").Append(Names(lost.Names)).Append(past ? ", were hit together." : ", are hit together.");
            }

            return text.ToString();
        }

        for (var i = 1; i < providers.Count; i++)
        {
            if (i == NamedSteps && providers.Count - 1 - NamedSteps >= 2)
            {
                text.Append($", which {(plural ? dependsPlural : depends)}, through {(providers.Count - 1 - NamedSteps).ToString("N0", CultureInfo.InvariantCulture)} more components, on ")
                    .Append(providers[^1].Name);
                plural = false;
                break;
            }

            var lost = providers[i - 1].Lost;
            var together = lost is { Names.Count: >= 2 };
            text.Append(i == 1 ? $" {(plural ? dependsPlural : depends)} on " : $", which {(plural ? dependsPlural : depends)} on ");
            text.Append(together ? Together(lost!, "its") : providers[i].Name);
            plural = together;
        }

        return text.Append(", which ").Append(plural ? (past ? "were" : "are") : isWord).Append(' ').Append(Words(originState)).Append('.').ToString();
    }

    /// <summary>All notices as plain text, one letter per party.</summary>
    public static string ToText(Incident incident, IReadOnlyList<Notice> notices)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(notices);
        var text = new StringBuilder();
        foreach (var notice in notices)
        {
            text.Append("To: ").AppendLine(notice.To);
            if (notice.From is { } from)
            {
                text.Append("From: ").AppendLine(from);
            }

            text.Append("Subject: ").AppendLine(notice.Subject).AppendLine();
            text.AppendLine(notice.Message).AppendLine();
        }

        return text.ToString();
    }

    /// <summary>All notices as Markdown, one section per party.</summary>
    public static string ToMarkdown(Incident incident, IReadOnlyList<Notice> notices)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(notices);
        var text = new StringBuilder();
        text.Append("# ").AppendLine(incident.Title).AppendLine();
        foreach (var notice in notices)
        {
            var dutch = notice.Language == "nl";
            text.Append("## ").Append(notice.Name).Append(" (`").Append(notice.Node).AppendLine("`)").AppendLine();
            text.Append(dutch ? "- **Aan:** " : "- **To:** ").AppendLine(notice.To);
            text.Append(dutch ? "- **Onderwerp:** " : "- **Subject:** ").AppendLine(notice.Subject);
            text.Append(dutch ? "- **Toestand:** " : "- **State:** ").AppendLine(notice.State.ToWire());
            text.Append(dutch ? "- **Getroffen vanaf:** " : "- **Affected from:** ").Append(Utc(notice.ImpactFrom)).Append(", ")
                .AppendLine(dutch ? DutchLetters.Relative(notice.ImpactAt) : Relative(notice.ImpactAt));
            text.Append(dutch ? "- **Keten:** " : "- **Chain:** ").AppendLine(string.Join(" → ", notice.Path.Select(p => $"`{p}`"))).AppendLine();
            text.AppendLine(notice.Message).AppendLine();
        }

        return text.ToString();
    }

    /// <summary>ongoing while the incident is open and not resolved; restored once resolved; reviewed once it has a review.</summary>
    public static string PhaseOf(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Review is not null ? "reviewed"
            : incident.Status is IncidentStatus.Resolved or IncidentStatus.Closed ? "restored"
            : "ongoing";
    }

    private static string Subject(Incident incident, string phase, bool hit) => phase switch
    {
        "reviewed" => $"Incident review: {incident.Title}",
        "restored" => $"Service restored: {incident.Title}",
        _ when !hit => $"Service disruption that may affect you: {incident.Title}",
        _ => $"Service disruption affecting you: {incident.Title}",
    };

    private static string Letter(
        Incident incident, AffectedParty party, IReadOnlyList<PartyStep> path, NodeState originState, string phase, LetterSettings settings, bool hit)
    {
        var zone = Zone(party.Letter?.TimeZone);
        var restoredAt = phase == "ongoing" ? (DateTimeOffset?)null : RestoredAt(incident, party);
        var impactFrom = incident.StartedAt + party.ImpactAt;
        var letter = new StringBuilder();
        letter.Append("Dear ").Append(party.Name).AppendLine(",").AppendLine();
        letter.Append(Explain(path, originState, fullChain: !party.IsExternal || settings.FullChains, past: restoredAt is not null));
        letter.Append(" The outage began at ").Append(At(incident.StartedAt, zone)).Append('.').AppendLine().AppendLine();
        if (restoredAt is { } restored)
        {
            letter.Append("Impact on you: ").Append(Words(party.State)).Append(", from ").Append(At(impactFrom, zone))
                .Append(", ").Append(Relative(party.ImpactAt)).Append(", to ").Append(At(restored, zone)).Append(". Service has been restored.");
        }
        else if (!hit)
        {
            letter.Append("Impact on you: none yet. If service is not restored by ").Append(At(impactFrom, zone)).Append(", you will be ")
                .Append(Words(party.State)).Append(" from then on (").Append(Relative(party.ImpactAt)).Append(").");
            if (incident.ExpectedDuration is { } expected)
            {
                letter.Append(" Expected recovery: by ").Append(At(incident.StartedAt + expected, zone)).Append(", ").Append(Span(expected)).Append(" after the start.");
            }

            if ((party.Letter?.Advice ?? incident.Advice) is { } advice)
            {
                letter.Append(" What you can do meanwhile: ").Append(advice.TrimEnd('.')).Append('.');
            }
        }
        else
        {
            letter.Append("Impact on you: ").Append(Words(party.State)).Append(", since ").Append(At(impactFrom, zone))
                .Append(", ").Append(Relative(party.ImpactAt)).Append('.');
            if (incident.ExpectedDuration is { } expected)
            {
                letter.Append(" Expected recovery: by ").Append(At(incident.StartedAt + expected, zone)).Append(", ").Append(Span(expected)).Append(" after the start.");
            }

            if ((party.Letter?.Advice ?? incident.Advice) is { } advice)
            {
                letter.Append(" What you can do: ").Append(advice.TrimEnd('.')).Append('.');
            }
        }

        if (incident.LatestUpdate is { } update)
        {
            letter.AppendLine().AppendLine();
            letter.Append("Latest update, ").Append(update.Status.ToWire()).Append(" at ").Append(At(update.At, zone)).Append(": ")
                .Append(update.Message.TrimEnd('.')).Append('.');
        }

        if (incident.Review is { } review)
        {
            letter.AppendLine().AppendLine();
            letter.Append("What happened: ").Append(review.WhatHappened.Trim().TrimEnd('.')).Append('.');
            letter.Append(" What we learned: ").Append(review.WhatWeLearned.Trim().TrimEnd('.')).Append('.');
            letter.Append(" How we prevent it from happening again: ").Append(string.Join("; ", review.Prevention.Select(p =>
                $"{p.Action.Trim().TrimEnd('.')} (owner: {p.Owner}, due {p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"))).Append('.');
        }

        letter.AppendLine().AppendLine();
        if (settings.From is { } from)
        {
            letter.Append("Questions or news of your own? Reply to ").Append(from).AppendLine(".").AppendLine();
        }

        letter.AppendLine("Kind regards,").Append(SenderName(settings.From));
        return letter.ToString();
    }

    /// <summary>
    /// When service came back for <paramref name="party"/>: when the outages that hit it ended, else the latest update that
    /// resolved the incident, else its closing.
    /// </summary>
    internal static DateTimeOffset? RestoredAt(Incident incident, AffectedParty party) =>
        party.EndAt is { } end ? incident.StartedAt + end
        : incident.Updates.LastOrDefault(u => u.Status == IncidentStatus.Resolved)?.At ?? incident.ClosedAt;

    internal static string SenderName(string? from, string unsigned = "The incident team") =>
        from is null ? unsigned : from.Contains('<', StringComparison.Ordinal) ? from[..from.IndexOf('<', StringComparison.Ordinal)].Trim() : from;

    private static string Together(LostAlternatives lost, string whose) =>
        $"{Names(lost.Names)} ({Share(lost)} of {whose} alternatives for {lost.Group}, hit together)";

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 2 ? $"{names[0]} and {names[1]}" : string.Join(", ", names.Take(names.Count - 1)) + $" and {names[^1]}";

    private static string Share(LostAlternatives lost) =>
        lost.Names.Count == lost.GroupSize
            ? lost.GroupSize == 2 ? "both" : $"all {lost.GroupSize}"
            : $"{lost.Names.Count} of the {lost.GroupSize}";

    internal static TimeZoneInfo? Zone(string? id)
    {
        if (id is null)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // A time zone this machine does not know: the letter gives UTC alone.
            return null;
        }
    }

    /// <summary>"2026-11-30 05:10 UTC", and "(06:10 in Europe/Amsterdam)" when the party has a time zone.</summary>
    internal static string At(DateTimeOffset time, TimeZoneInfo? zone)
    {
        var utc = Utc(time);
        if (zone is null)
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(time, zone);
        var format = local.Date == time.UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        return $"{utc} ({local.ToString(format, CultureInfo.InvariantCulture)} in {zone.Id})";
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Relative(TimeSpan impactAt) =>
        impactAt == TimeSpan.Zero ? "at the start of the outage" : $"{Span(impactAt)} after the outage began";

    internal static string Relation(string kind) => kind switch
    {
        Node.Supplier or Node.Customer => "supplier",
        Node.Service => "service",
        _ => "provider",
    };

    internal static string Words(NodeState state) => state switch
    {
        NodeState.Down => "down",
        NodeState.Degraded => "degraded",
        NodeState.AtRisk => "at risk (running on its last fallback)",
        _ => "up",
    };

    /// <summary>How durations are written in a language: <see cref="Span"/> in English, "1 uur en 30 minuten" in Dutch.</summary>
    public static Func<TimeSpan, string> SpanIn(string language) => language == "nl" ? DutchLetters.Span : Span;

    /// <summary>A duration in words: "4 hours", "1 hour 30 minutes", "45 seconds".</summary>
    public static string Span(TimeSpan span)
    {
        var parts = new List<string>();
        void Add(int value, string unit)
        {
            if (value > 0)
            {
                parts.Add($"{value} {unit}{(value == 1 ? "" : "s")}");
            }
        }

        Add(span.Days, "day");
        Add(span.Hours, "hour");
        Add(span.Minutes, "minute");
        Add(span.Seconds, "second");
        return parts.Count == 0 ? "0 seconds" : string.Join(" ", parts);
    }
}
