using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Status;

/// <summary>What a graph publishes as its status page: a name, the nodes shown as components (or every node of a kind), and whether anyone may read it.</summary>
public sealed record StatusPageSettings(string Name, IReadOnlyList<string>? Components, string? Kind, bool Public)
{
    /// <summary>When the settings were last written; the page's own updated_at while nothing on it has changed since.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A published component, the worst state the unresolved incidents leave it in, and when the latest of them changed (null when none reaches it).</summary>
public sealed record ComponentState(string Id, string Name, int Position, NodeState State, DateTimeOffset? ChangedAt);

/// <summary>
/// A graph's status as a status page shows it. Only unresolved incidents count (investigating, identified,
/// monitoring): a resolved one no longer does, reviewed and closed or not.
/// </summary>
public static class StatusPage
{
    /// <summary>The published components, in the order chosen (or by node id for a kind), with their states at <paramref name="now"/>.</summary>
    public static IReadOnlyList<ComponentState> Components(DependencyGraph graph, StatusPageSettings settings, IEnumerable<Incident> incidents, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(settings);
        var nodes = (settings.Components is { } ids
                ? ids.Select(graph.FindNode).OfType<Node>()
                : graph.Nodes.Where(n => n.Kind == settings.Kind).OrderBy(n => n.Id, StringComparer.Ordinal))
            .ToList();
        // One pass over each incident's parties, however many components the page shows.
        var worst = new Dictionary<string, (NodeState State, DateTimeOffset ChangedAt)>(StringComparer.Ordinal);
        foreach (var incident in incidents.Where(IsUnresolved))
        {
            var changedAt = LastChange(incident);
            foreach (var (id, state) in StatesOf(incident, now))
            {
                worst[id] = worst.TryGetValue(id, out var known)
                    ? (NodeStates.Worst(known.State, state), changedAt > known.ChangedAt ? changedAt : known.ChangedAt)
                    : (state, changedAt);
            }
        }

        return nodes.Select((n, i) => worst.TryGetValue(n.Id, out var hit)
            ? new ComponentState(n.Id, n.Name, i + 1, hit.State, hit.ChangedAt)
            : new ComponentState(n.Id, n.Name, i + 1, NodeState.Up, null)).ToList();
    }

    /// <summary>When an incident last changed: opened, updated, reviewed or closed.</summary>
    public static DateTimeOffset LastChange(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new[] { incident.OpenedAt, incident.LatestUpdate?.At ?? default, incident.Review?.AcceptedAt ?? default, incident.ClosedAt ?? default }.Max();
    }

    /// <summary>Whether an incident still counts: investigating, identified or monitoring.</summary>
    public static bool IsUnresolved(Incident incident) =>
        incident?.Status is IncidentStatus.Investigating or IncidentStatus.Identified or IncidentStatus.Monitoring;

    /// <summary>
    /// The published components an incident reached by <paramref name="now"/>, as origin or affected party, with the
    /// state it left them in: a party whose time has not come is still operational.
    /// </summary>
    public static IReadOnlyList<(string Id, NodeState State)> Touched(Incident incident, IReadOnlyCollection<string> components, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(components);
        return StatesOf(incident, now).Where(p => components.Contains(p.Id)).ToList();
    }

    private static IEnumerable<(string Id, NodeState State)> StatesOf(Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Impact.Origins.Concat(incident.Impact.Affected.Where(p => incident.IsHit(p, now))).Select(p => (p.Id, p.State));
    }
}
