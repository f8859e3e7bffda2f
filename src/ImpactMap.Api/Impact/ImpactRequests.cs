using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Api.Impact;

/// <summary>The parts every request about an outage shares, checked one way: outages and durations.</summary>
public static class ImpactRequests
{
    /// <summary>
    /// Outages as requested: at least one, each naming a node, states down (default), degraded or at-risk; with
    /// mitigations, also up: a node kept up whatever its providers do (a manual workaround).
    /// </summary>
    public static List<Outage> ParseOutages(IReadOnlyList<OutageRequest>? requested, List<string> problems, bool mitigations = false, bool endings = false)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (requested is not { Count: > 0 })
        {
            problems.Add("outages: at least one outage is required");
            return [];
        }

        var outages = new List<Outage>();
        for (var i = 0; i < requested.Count; i++)
        {
            var outage = requested[i];
            if (outage?.Node is null)
            {
                problems.Add($"outages[{i}].node: required");
                continue;
            }

            var state = NodeState.Down;
            if (outage.State is not null && (!NodeStates.TryParse(outage.State, out state) || (state == NodeState.Up && !mitigations)))
            {
                problems.Add($"outages[{i}].state: '{GraphValidator.Shorten(outage.State)}' must be down, degraded{(mitigations ? ", at-risk or up (kept up by a workaround)" : " or at-risk")}");
            }

            if (outage.EndedAt is not null && !endings)
            {
                problems.Add($"outages[{i}].endedAt: only an incident's outages end; an impact question takes an outage's duration instead");
            }

            outages.Add(new Outage(outage.Node, state));
        }

        return outages;
    }

    /// <summary>A positive ISO-8601 duration such as PT2H, or null when none is given; a problem named by <paramref name="field"/> otherwise.</summary>
    public static TimeSpan? ParseDuration(string? text, string field, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        problems.Add($"{field}: '{GraphValidator.Shorten(text)}' is not a positive ISO-8601 duration such as PT2H");
        return null;
    }

    /// <summary>States to list only: down, degraded or at-risk; null when none are given.</summary>
    public static IReadOnlySet<NodeState>? ParseStates(IReadOnlyList<string>? requested, string field, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (requested is null)
        {
            return null;
        }

        var states = new HashSet<NodeState>();
        for (var i = 0; i < requested.Count; i++)
        {
            if (NodeStates.TryParse(requested[i], out var state) && state != NodeState.Up)
            {
                states.Add(state);
            }
            else
            {
                problems.Add($"{field}[{i}]: '{GraphValidator.Shorten(requested[i])}' must be down, degraded or at-risk");
            }
        }

        return states;
    }

    /// <summary>Kinds to list only; null when none are given.</summary>
    public static IReadOnlySet<string>? ParseKinds(IReadOnlyList<string>? requested, string field, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (requested is null)
        {
            return null;
        }

        for (var i = 0; i < requested.Count; i++)
        {
            if (string.IsNullOrEmpty(requested[i]))
            {
                problems.Add($"{field}[{i}]: a kind is required");
            }
        }

        return requested.Where(k => !string.IsNullOrEmpty(k)).ToHashSet(StringComparer.Ordinal);
    }
}
