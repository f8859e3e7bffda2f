using System.Text;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Maintenance;

/// <summary>
/// The letters of planned work, in English and Dutch: before it (<c>planned</c>: what will be out, when in the
/// reader's own time, how it reaches the reader, what it can do, whom to ask), as it starts (<c>started</c>) and once
/// it is over (<c>completed</c>). Parties the window's length spares get none.
/// </summary>
public static class MaintenanceNotices
{
    /// <summary>The phases, in the order they come.</summary>
    public static readonly IReadOnlyList<string> Phases = ["planned", "started", "completed"];

    /// <summary>The phase a window is in at <paramref name="status"/>: planned before it, started during, completed after; null once cancelled.</summary>
    public static string? PhaseOf(MaintenanceStatus status) => status switch
    {
        MaintenanceStatus.Scheduled => "planned",
        MaintenanceStatus.InProgress => "started",
        MaintenanceStatus.Completed => "completed",
        _ => null,
    };

    /// <summary>A letter for each of <paramref name="parties"/> (of the window's impact), in its language or all in <paramref name="language"/>.</summary>
    public static IReadOnlyList<Notice> For(
        MaintenanceWindow window, IncidentImpact impact, IEnumerable<AffectedParty> parties, string phase, LetterSettings? settings = null, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(impact);
        ArgumentNullException.ThrowIfNull(parties);
        settings ??= LetterSettings.Default;
        return parties.Select(party =>
        {
            var path = impact.PathOf(party);
            var dutch = (language ?? party.Letter?.Language) == "nl";
            return new Notice(
                party.Id, party.Name, party.Kind, party.State, party.ImpactAt, path.Select(p => p.Id).ToList(),
                dutch ? Dutch(window, party, path, phase, settings) : English(window, party, path, phase, settings),
                party.Letter?.Contact is { } contact ? $"{party.Name} <{contact}>" : $"{party.Name} ({party.Id})",
                settings.From,
                Subject(window, phase, dutch),
                phase,
                window.Start + party.ImpactAt,
                dutch ? "nl" : "en");
        }).ToList();
    }

    private static string Subject(MaintenanceWindow window, string phase, bool dutch) => (phase, dutch) switch
    {
        ("started", false) => $"Planned maintenance started: {window.Title}",
        ("completed", false) => $"Planned maintenance completed: {window.Title}",
        (_, false) => $"Planned maintenance that affects you: {window.Title}",
        ("started", true) => $"Gepland onderhoud begonnen: {window.Title}",
        ("completed", true) => $"Gepland onderhoud afgerond: {window.Title}",
        _ => $"Gepland onderhoud met gevolgen voor u: {window.Title}",
    };

    /// <summary>The reader's way to the work: its own supplier, and the origin when that is another (an external reader is told no more).</summary>
    private static string Through(IReadOnlyList<PartyStep> path, AffectedParty party, string ownWord)
    {
        var origin = path[0];
        var own = path[^2];
        if (own.Id == origin.Id)
        {
            return $"{ownWord} {origin.Name}";
        }

        var between = party.IsExternal ? [] : path.Skip(1).Take(path.Count - 3).Reverse().Select(p => p.Name).ToList();
        return between.Count == 0 ? $"{ownWord} {own.Name}, which depends on {origin.Name}"
            : $"{ownWord} {own.Name}, which depends on {origin.Name} through {string.Join(", ", between)}";
    }

    private static string English(MaintenanceWindow window, AffectedParty party, IReadOnlyList<PartyStep> path, string phase, LetterSettings settings)
    {
        var zone = Notices.Zone(party.Letter?.TimeZone);
        var from = window.Start + party.ImpactAt;
        var letter = new StringBuilder().Append("Dear ").Append(party.Name).AppendLine(",").AppendLine();
        var reach = Through(path, party, $"your {Notices.Relation(path[^2].Kind)}");
        switch (phase)
        {
            case "completed":
                letter.Append("The planned maintenance \"").Append(window.Title).Append("\" was completed at ").Append(Notices.At(window.End, zone))
                    .Append(". It reached you through ").Append(reach).Append(". Service is back to normal.");
                break;
            case "started":
                letter.Append("The planned maintenance \"").Append(window.Title).Append("\" began at ").Append(Notices.At(window.Start, zone))
                    .Append(" and is planned to end at ").Append(Notices.At(window.End, zone)).Append(". It reaches you through ").Append(reach).Append('.')
                    .AppendLine().AppendLine()
                    .Append("Impact on you: ").Append(Notices.Words(party.State)).Append(", from ").Append(Notices.At(from, zone)).Append(" until the work ends.");
                break;
            default:
                letter.Append("We plan maintenance: \"").Append(window.Title).Append("\", from ").Append(Notices.At(window.Start, zone)).Append(" to ")
                    .Append(Notices.At(window.End, zone)).Append(" (").Append(Notices.Span(window.Length)).Append("). It will reach you through ")
                    .Append(reach).Append('.').AppendLine().AppendLine()
                    .Append("Impact on you: ").Append(Notices.Words(party.State)).Append(", from ").Append(Notices.At(from, zone)).Append(" to ")
                    .Append(Notices.At(window.End, zone)).Append('.');
                break;
        }

        if (phase != "completed" && (party.Letter?.Advice ?? window.Advice) is { } advice)
        {
            letter.Append(" What you can do: ").Append(advice.TrimEnd('.')).Append('.');
        }

        letter.AppendLine().AppendLine();
        if (settings.From is { } sender)
        {
            letter.Append("Questions, or a reason the time does not suit you? Reply to ").Append(sender).AppendLine(".").AppendLine();
        }

        return letter.Append("Kind regards,\n").Append(Notices.SenderName(settings.From)).ToString();
    }

    private static string Dutch(MaintenanceWindow window, AffectedParty party, IReadOnlyList<PartyStep> path, string phase, LetterSettings settings)
    {
        var zone = Notices.Zone(party.Letter?.TimeZone);
        var from = window.Start + party.ImpactAt;
        var origin = path[0].Name;
        var own = path[^2];
        var via = own.Id == path[0].Id ? "" : $" U merkt dit via uw {DutchLetters.Relation(own.Kind)} {own.Name}, die daarvan afhankelijk is.";
        var letter = new StringBuilder().Append("Beste ").Append(party.Name).AppendLine(",").AppendLine();
        switch (phase)
        {
            case "completed":
                letter.Append("Het geplande onderhoud \"").Append(window.Title).Append("\" aan ").Append(origin).Append(" is afgerond op ")
                    .Append(Notices.At(window.End, zone)).Append('.').Append(via).Append(" De dienstverlening is weer normaal.");
                break;
            case "started":
                letter.Append("Het geplande onderhoud \"").Append(window.Title).Append("\" aan ").Append(origin).Append(" is begonnen op ")
                    .Append(Notices.At(window.Start, zone)).Append(" en duurt naar plan tot ").Append(Notices.At(window.End, zone)).Append('.').Append(via)
                    .AppendLine().AppendLine()
                    .Append("Gevolgen voor u: ").Append(DutchLetters.Impact(party.State)).Append(", vanaf ").Append(Notices.At(from, zone)).Append(" tot het einde van het onderhoud.");
                break;
            default:
                letter.Append("Wij plannen onderhoud aan ").Append(origin).Append(": \"").Append(window.Title).Append("\", van ").Append(Notices.At(window.Start, zone))
                    .Append(" tot ").Append(Notices.At(window.End, zone)).Append(" (").Append(DutchLetters.Span(window.Length)).Append(").").Append(via)
                    .AppendLine().AppendLine()
                    .Append("Gevolgen voor u: ").Append(DutchLetters.Impact(party.State)).Append(", van ").Append(Notices.At(from, zone)).Append(" tot ")
                    .Append(Notices.At(window.End, zone)).Append('.');
                break;
        }

        if (phase != "completed" && (party.Letter?.Advice ?? window.Advice) is { } advice)
        {
            letter.Append(" Wat u kunt doen: ").Append(advice.TrimEnd('.')).Append('.');
        }

        letter.AppendLine().AppendLine();
        if (settings.From is { } sender)
        {
            letter.Append("Hebt u vragen, of komt het tijdstip u slecht uit? Beantwoord dan dit bericht; het komt terecht bij ").Append(sender).AppendLine(".").AppendLine();
        }

        return letter.Append("Met vriendelijke groet,\n").Append(Notices.SenderName(settings.From, "Het incidentteam")).ToString();
    }
}
