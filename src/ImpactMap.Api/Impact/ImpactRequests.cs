using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Api.Impact;

/// <summary>The parts every request about an outage shares, checked one way: outages and durations.</summary>
public static class ImpactRequests
{
    /// <summary>Outages as requested: at least one, each naming a node, states down (default), degraded or at-risk.</summary>
    public static List<Outage> ParseOutages(IReadOnlyList<OutageRequest>? requested, List<string> problems)
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
            if (outage.State is not null && (!NodeStates.TryParse(outage.State, out state) || state == NodeState.Up))
            {
                problems.Add($"outages[{i}].state: '{GraphValidator.Shorten(outage.State)}' must be down, degraded or at-risk");
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
}
