using System.Globalization;
using System.Text;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>What one affected party is told: its state, when, why in plain words, and the latest news.</summary>
public sealed record Notice(string Node, string Name, string Kind, NodeState State, TimeSpan ImpactAt, IReadOnlyList<string> Path, string Message);

/// <summary>Writes a notice in plain English for every party an incident reaches, customers of customers included.</summary>
public static class Notices
{
    /// <summary>One notice per affected party, in the order of the incident's impact (depth, then id).</summary>
    public static IReadOnlyList<Notice> For(Incident incident) => For(incident, incident?.Impact.Affected ?? []);

    /// <summary>A notice for each of <paramref name="parties"/> (of the incident's impact), in their order.</summary>
    public static IReadOnlyList<Notice> For(Incident incident, IEnumerable<AffectedParty> parties)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(parties);
        var origins = incident.Impact.Origins.ToDictionary(o => o.Id, StringComparer.Ordinal);
        return parties.Select(party =>
        {
            var path = incident.Impact.PathOf(party);
            return new Notice(party.Id, party.Name, party.Kind, party.State, party.ImpactAt, path.Select(p => p.Id).ToList(),
                Message(incident, party, path, origins));
        }).ToList();
    }

    /// <summary>
    /// "You are affected because your supplier Acme Pay depends on AWS eu-west-1, which is down." The chain
    /// runs from the party's own provider back to the origin.
    /// </summary>
    public static string Explain(IReadOnlyList<PartyStep> path, NodeState originState)
    {
        ArgumentNullException.ThrowIfNull(path);
        var providers = path.Take(path.Count - 1).Reverse().ToList();
        var text = new StringBuilder("You are affected because your ");
        text.Append(Relation(providers[0].Kind)).Append(' ').Append(providers[0].Name);
        if (providers.Count == 1)
        {
            return text.Append(" is ").Append(Words(originState)).Append('.').ToString();
        }

        text.Append(" depends on ").Append(providers[1].Name);
        foreach (var provider in providers.Skip(2))
        {
            text.Append(", which depends on ").Append(provider.Name);
        }

        return text.Append(", which is ").Append(Words(originState)).Append('.').ToString();
    }

    /// <summary>All notices as plain text, one block per party.</summary>
    public static string ToText(Incident incident, IReadOnlyList<Notice> notices)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(notices);
        var text = new StringBuilder();
        foreach (var notice in notices)
        {
            text.Append("To: ").Append(notice.Name).Append(" (").Append(notice.Node).AppendLine(")");
            text.Append("Subject: ").AppendLine(incident.Title);
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
            text.Append("## ").Append(notice.Name).Append(" (`").Append(notice.Node).AppendLine("`)").AppendLine();
            text.Append("- **State:** ").AppendLine(notice.State.ToWire());
            text.Append("- **Impact from:** ").AppendLine(When(notice.ImpactAt));
            text.Append("- **Chain:** ").AppendLine(string.Join(" → ", notice.Path.Select(p => $"`{p}`"))).AppendLine();
            text.AppendLine(notice.Message).AppendLine();
        }

        return text.ToString();
    }

    private static string Message(Incident incident, AffectedParty party, IReadOnlyList<PartyStep> path, Dictionary<string, AffectedParty> origins)
    {
        var originState = origins.TryGetValue(path[0].Id, out var origin) ? origin.State : NodeState.Down;
        var text = new StringBuilder(Explain(path, originState));
        text.Append(" Impact on you: ").Append(Words(party.State)).Append(", ").Append(When(party.ImpactAt)).Append('.');
        if (incident.ExpectedDuration is { } expected)
        {
            text.Append(" Expected recovery: ").Append(Span(expected)).Append(" after the start.");
        }

        if (incident.LatestUpdate is { } update)
        {
            text.Append(" Latest update (").Append(update.Status.ToWire()).Append(", ")
                .Append(update.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("): ")
                .Append(update.Message.TrimEnd('.')).Append('.');
        }

        if (incident.Review is { } review)
        {
            text.Append(" What happened: ").Append(review.WhatHappened.Trim().TrimEnd('.')).Append('.');
            text.Append(" What we learned: ").Append(review.WhatWeLearned.Trim().TrimEnd('.')).Append('.');
            text.Append(" How we prevent it from happening again: ").Append(string.Join("; ", review.Prevention.Select(p =>
                $"{p.Action.Trim().TrimEnd('.')} (owner: {p.Owner}, due {p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"))).Append('.');
        }

        return text.ToString();
    }

    private static string Relation(string kind) => kind switch
    {
        Node.Supplier or Node.Customer => "supplier",
        Node.Service => "service",
        _ => "provider",
    };

    private static string Words(NodeState state) => state switch
    {
        NodeState.Down => "down",
        NodeState.Degraded => "degraded",
        NodeState.AtRisk => "at risk (running on its last fallback)",
        _ => "up",
    };

    private static string When(TimeSpan impactAt) =>
        impactAt == TimeSpan.Zero ? "from the start of the outage" : $"from {Span(impactAt)} after the outage began";

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
