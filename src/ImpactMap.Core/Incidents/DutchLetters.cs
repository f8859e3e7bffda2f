using System.Globalization;
using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>
/// The letters in Dutch, as a Dutch communications officer writes them: not the English word for word, but
/// the origin first ("door een storing bij …"), then how it reaches the reader ("U merkt dit via …"), in the
/// polite "u", with the same facts, times and chain as the English letter.
/// </summary>
internal static class DutchLetters
{
    public static string Subject(Incident incident, string phase, bool hit) => phase switch
    {
        "reviewed" => $"Evaluatie van de storing: {incident.Title}",
        "restored" => $"Storing verholpen: {incident.Title}",
        _ when !hit => $"Storing die gevolgen voor u kan hebben: {incident.Title}",
        _ => $"Storing met gevolgen voor u: {incident.Title}",
    };

    public static string Letter(
        Incident incident, AffectedParty party, IReadOnlyList<PartyStep> path, NodeState originState, string phase, LetterSettings settings, bool hit)
    {
        var zone = Notices.Zone(party.Letter?.TimeZone);
        var restoredAt = phase == "ongoing" ? (DateTimeOffset?)null : Notices.RestoredAt(incident, party);
        var past = restoredAt is not null;
        var impactFrom = incident.StartedAt + party.ImpactAt;
        var letter = new StringBuilder();
        letter.Append("Beste ").Append(party.Name).AppendLine(",").AppendLine();
        letter.Append(Explain(path, originState, fullChain: !party.IsExternal || settings.FullChains, past));
        letter.Append(past ? " De storing begon op " : " De storing is begonnen op ").Append(Notices.At(incident.StartedAt, zone)).Append('.').AppendLine().AppendLine();
        if (restoredAt is { } restored)
        {
            letter.Append("Gevolgen voor u: ").Append(Impact(party.State)).Append(", van ").Append(Notices.At(impactFrom, zone))
                .Append(" (").Append(Relative(party.ImpactAt)).Append(") tot ").Append(Notices.At(restored, zone)).Append(". De dienstverlening is hersteld.");
        }
        else if (!hit)
        {
            letter.Append("Gevolgen voor u: nog geen. Is de storing op ").Append(Notices.At(impactFrom, zone)).Append(" niet verholpen, dan bent u vanaf dat moment ")
                .Append(Impact(party.State)).Append(" (").Append(Relative(party.ImpactAt)).Append(").");
            if (incident.ExpectedDuration is { } expected)
            {
                letter.Append(" We verwachten dat het uiterlijk ").Append(Notices.At(incident.StartedAt + expected, zone)).Append(" is opgelost, ")
                    .Append(Span(expected)).Append(" na het begin.");
            }

            if ((party.Letter?.Advice ?? incident.Advice) is { } advice)
            {
                letter.Append(" Wat u in de tussentijd kunt doen: ").Append(advice.TrimEnd('.')).Append('.');
            }
        }
        else
        {
            letter.Append("Gevolgen voor u: ").Append(Impact(party.State)).Append(", sinds ").Append(Notices.At(impactFrom, zone))
                .Append(" (").Append(Relative(party.ImpactAt)).Append(").");
            if (incident.ExpectedDuration is { } expected)
            {
                letter.Append(" We verwachten dat het uiterlijk ").Append(Notices.At(incident.StartedAt + expected, zone)).Append(" is opgelost, ")
                    .Append(Span(expected)).Append(" na het begin.");
            }

            if ((party.Letter?.Advice ?? incident.Advice) is { } advice)
            {
                letter.Append(" Wat u intussen kunt doen: ").Append(advice.TrimEnd('.')).Append('.');
            }
        }

        if (incident.LatestUpdate is { } update)
        {
            letter.AppendLine().AppendLine();
            letter.Append("Laatste stand van zaken (").Append(Status(update.Status)).Append(", ").Append(Notices.At(update.At, zone)).Append("): ")
                .Append(update.Message.TrimEnd('.')).Append('.');
        }

        if (incident.Review is { } review)
        {
            letter.AppendLine().AppendLine();
            letter.Append("Wat er is gebeurd: ").Append(review.WhatHappened.Trim().TrimEnd('.')).Append('.');
            letter.Append(" Wat we ervan hebben geleerd: ").Append(review.WhatWeLearned.Trim().TrimEnd('.')).Append('.');
            letter.Append(" Zo voorkomen we dat het opnieuw gebeurt: ").Append(string.Join("; ", review.Prevention.Select(p =>
                $"{p.Action.Trim().TrimEnd('.')} (verantwoordelijk: {p.Owner}, uiterlijk {p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"))).Append('.');
        }

        letter.AppendLine().AppendLine();
        if (settings.From is { } from)
        {
            letter.Append("Hebt u vragen, of merkt u zelf iets wat wij moeten weten? Beantwoord dan dit bericht; het komt terecht bij ").Append(from).AppendLine(".").AppendLine();
        }

        letter.AppendLine("Met vriendelijke groet,").Append(Notices.SenderName(settings.From, "Het incidentteam"));
        return letter.ToString();
    }

    /// <summary>
    /// Why the reader is hit, the origin first: "U ondervindt hinder door een storing bij AWS eu-west-1: die dienst
    /// is uitgevallen. U merkt dit via uw leverancier Acme webshop, die daarvan afhankelijk is via Online banking."
    /// </summary>
    public static string Explain(IReadOnlyList<PartyStep> path, NodeState originState, bool fullChain, bool past)
    {
        var providers = path.Take(path.Count - 1).Reverse().ToList();
        var origin = providers[^1];
        var text = new StringBuilder(past ? "U hebt hinder ondervonden door een storing bij " : "U ondervindt hinder door een storing bij ");
        var own = path[^1].Lost;
        if (providers.Count == 1)
        {
            text.Append(own is { Names.Count: >= 2 } ? $"uw {Relation(origin.Kind)}s {Names(own.Names)}" : $"uw {Relation(origin.Kind)} {origin.Name}");
            text.Append(own is { Names.Count: >= 2 } ? ": die diensten " : ": die dienst ").Append(Origin(originState, past, own is { Names.Count: >= 2 })).Append('.');
            if (own is { Names.Count: >= 2 })
            {
                text.Append(' ').Append(Together(own, past));
            }

            return text.ToString();
        }

        text.Append(origin.Name).Append(": die dienst ").Append(Origin(originState, past, plural: false)).Append('.');
        var first = own is { Names.Count: >= 2 } ? $"uw {Relation(providers[0].Kind)}s {Names(own.Names)}" : $"uw {Relation(providers[0].Kind)} {providers[0].Name}";
        // Between the reader's own supplier and the origin; where alternatives fell together, all of them.
        // A long chain: the components past the first few are counted, as the English letter does (Notices.NamedSteps).
        var total = providers.Count - 2;
        var named = total <= Notices.NamedSteps ? total : Notices.NamedSteps - 1;
        var between = Enumerable.Range(1, named)
            .Select(i => providers[i - 1].Lost is { Names.Count: >= 2 } lost ? Names(lost.Names) : providers[i].Name).ToList();
        if (named < total)
        {
            between.Add($"{(total - named).ToString("N0", CultureInfo.InvariantCulture).Replace(',', '.')} andere onderdelen");
        }
        var are = own is { Names.Count: >= 2 } ? (past ? "waren" : "zijn") : (past ? "was" : "is");
        text.Append(past ? " U merkte dit via " : " U merkt dit via ").Append(first).Append(", die ");
        if (between.Count == 0)
        {
            text.Append("daarvan afhankelijk ").Append(are).Append('.');
        }
        else if (!fullChain)
        {
            text.Append("via eigen leveranciers daarvan afhankelijk ").Append(are).Append('.');
        }
        else
        {
            text.Append("daarvan afhankelijk ").Append(are).Append(" via ").Append(Names(between)).Append('.');
        }

        if (own is { Names.Count: >= 2 })
        {
            text.Append(' ').Append(Together(own, past));
        }

        // Alternatives lost together further up are named, even where the components between are not.
        foreach (var lost in providers.Take(providers.Count - 1).Select(p => p.Lost).OfType<LostAlternatives>().Where(l => l.Names.Count >= 2).Take(2))
        {
            text.Append(' ').Append(Together(lost, past));
        }

        return text.ToString();
    }

    /// <summary>"Beide alternatieven voor psp, Primary PSP en Fallback PSP, zijn tegelijk getroffen."</summary>
    private static string Together(LostAlternatives lost, bool past)
    {
        var share = lost.Names.Count == lost.GroupSize
            ? lost.GroupSize == 2 ? "Beide alternatieven" : $"Alle {lost.GroupSize} alternatieven"
            : $"{lost.Names.Count} van de {lost.GroupSize} alternatieven";
        return $"{share} voor {lost.Group}, {Names(lost.Names)}, {(past ? "werden" : "zijn")} tegelijk getroffen.";
    }

    private static string Origin(NodeState state, bool past, bool plural) => (state, past, plural) switch
    {
        (NodeState.Down, false, false) => "is uitgevallen",
        (NodeState.Down, true, false) => "was uitgevallen",
        (NodeState.Down, false, true) => "zijn uitgevallen",
        (NodeState.Down, true, true) => "waren uitgevallen",
        (NodeState.Degraded, false, false) => "werkt maar beperkt",
        (NodeState.Degraded, true, false) => "werkte maar beperkt",
        (NodeState.Degraded, false, true) => "werken maar beperkt",
        (NodeState.Degraded, true, true) => "werkten maar beperkt",
        (_, false, false) => "draait op zijn laatste reserve",
        (_, true, false) => "draaide op zijn laatste reserve",
        (_, false, true) => "draaien op hun laatste reserve",
        _ => "draaiden op hun laatste reserve",
    };

    internal static string Impact(NodeState state) => state switch
    {
        NodeState.Down => "volledige uitval",
        NodeState.Degraded => "verminderde dienstverlening",
        NodeState.AtRisk => "verhoogd risico, want u draait op uw laatste reserve",
        _ => "geen",
    };

    private static string Status(IncidentStatus status) => status switch
    {
        IncidentStatus.Investigating => "we onderzoeken de oorzaak",
        IncidentStatus.Identified => "de oorzaak is bekend",
        IncidentStatus.Monitoring => "de oplossing is doorgevoerd en we houden het in de gaten",
        IncidentStatus.Resolved => "opgelost",
        _ => "afgesloten",
    };

    internal static string Relation(string kind) => kind switch
    {
        Node.Supplier or Node.Customer => "leverancier",
        Node.Service => "dienst",
        _ => "aanbieder",
    };

    public static string Relative(TimeSpan impactAt) =>
        impactAt == TimeSpan.Zero ? "vanaf het begin van de storing" : $"{Span(impactAt)} na het begin van de storing";

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + $" en {names[^1]}";

    /// <summary>A duration in Dutch: "4 uur", "1 uur en 30 minuten", "45 seconden".</summary>
    public static string Span(TimeSpan span)
    {
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add(span.Days == 1 ? "1 dag" : $"{span.Days} dagen");
        }

        if (span.Hours > 0)
        {
            parts.Add($"{span.Hours} uur");
        }

        if (span.Minutes > 0)
        {
            parts.Add(span.Minutes == 1 ? "1 minuut" : $"{span.Minutes} minuten");
        }

        if (span.Seconds > 0)
        {
            parts.Add(span.Seconds == 1 ? "1 seconde" : $"{span.Seconds} seconden");
        }

        return parts.Count == 0 ? "0 seconden" : Names(parts);
    }
}
