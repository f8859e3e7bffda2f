using ImpactMap.Api.Impact;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;

namespace ImpactMap.Api.Incidents;

/// <summary>
/// Pages over the parties an incident recorded, in their stored order (depth, then id), filtered by state,
/// kind and node: the incident's impact and its notices are read a page at a time, never whole.
/// </summary>
internal sealed record IncidentPage(IReadOnlyList<AffectedParty> Parties, int Matching, ImpactPosition? Next);

internal static class IncidentPages
{
    /// <summary>How many parties an incident's own answer lists, and a page holds unless asked otherwise.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>
    /// Up to <paramref name="limit"/> matching parties after <paramref name="after"/>; with
    /// <paramref name="maxPathIds"/>, only as many as have chains of that many ids in all (at least one).
    /// </summary>
    public static IncidentPage Take(
        IncidentImpact impact, Func<AffectedParty, bool> matches, ImpactPosition? after, int limit, long? maxPathIds = null)
    {
        var parties = new List<AffectedParty>(Math.Min(limit, impact.Affected.Count));
        int matching = 0, remaining = 0;
        long pathIds = impact.Origins.Sum(IncidentImpact.PathLength);
        var full = false;
        foreach (var party in impact.Affected)
        {
            if (!matches(party))
            {
                continue;
            }

            matching++;
            if (after is not null && (party.Depth < after.Depth || (party.Depth == after.Depth && string.CompareOrdinal(party.Id, after.Id) <= 0)))
            {
                continue;
            }

            remaining++;
            // A page holds at least one party, however long its chain: otherwise its cursor would never move on.
            full = full || parties.Count == limit || (maxPathIds is { } max && (pathIds += IncidentImpact.PathLength(party)) > max && parties.Count > 0);
            if (!full)
            {
                parties.Add(party);
            }
        }

        // Parties the incident did not keep (past its limit) are beyond every page.
        var more = parties.Count < remaining || impact.Truncated;
        return new IncidentPage(parties, matching, !more ? null : parties.Count > 0 ? new ImpactPosition(parties[^1].Depth, parties[^1].Id) : after);
    }

    /// <summary>The filter a request's states, kinds and node ask for.</summary>
    public static Func<AffectedParty, bool> Filter(IReadOnlySet<Core.Model.NodeState>? states, IReadOnlySet<string>? kinds, string? node) =>
        party => (states is null || states.Contains(party.State)) && (kinds is null || kinds.Contains(party.Kind)) && (node is null || party.Id == node);

    /// <summary>A cursor's position in an incident's impact, which moves on with every revision of the incident.</summary>
    public static ImpactPosition? After(string? cursor, Incident incident) =>
        cursor is null ? null : ImpactCursor.Decode(cursor, $"the impact of incident '{incident.Id}'", incident.Revision);
}
