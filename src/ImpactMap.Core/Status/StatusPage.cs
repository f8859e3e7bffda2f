using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Status;

/// <summary>What a graph publishes as its status page: a name, the nodes shown as components (or every node of a kind), and whether anyone may read it.</summary>
public sealed record StatusPageSettings(string Name, IReadOnlyList<string>? Components, string? Kind, bool Public);

/// <summary>A published component and the worst state the unresolved incidents leave it in.</summary>
public sealed record ComponentState(string Id, string Name, int Position, NodeState State);

/// <summary>
/// A graph's status as a status page shows it. Only unresolved incidents count (investigating, identified,
/// monitoring): a resolved one no longer does, reviewed and closed or not.
/// </summary>
public static class StatusPage
{
    /// <summary>The published components, in the order chosen (or by node id for a kind), with their states.</summary>
    public static IReadOnlyList<ComponentState> Components(DependencyGraph graph, StatusPageSettings settings, IEnumerable<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(settings);
        var nodes = (settings.Components is { } ids
                ? ids.Select(graph.FindNode).OfType<Node>()
                : graph.Nodes.Where(n => n.Kind == settings.Kind).OrderBy(n => n.Id, StringComparer.Ordinal))
            .ToList();
        var worst = new Dictionary<string, NodeState>(StringComparer.Ordinal);
        foreach (var incident in incidents.Where(IsUnresolved))
        {
            foreach (var (id, state) in StatesOf(incident))
            {
                worst[id] = worst.TryGetValue(id, out var known) ? NodeStates.Worst(known, state) : state;
            }
        }

        return nodes.Select((n, i) => new ComponentState(n.Id, n.Name, i + 1, worst.GetValueOrDefault(n.Id, NodeState.Up))).ToList();
    }

    /// <summary>Whether an incident still counts: investigating, identified or monitoring.</summary>
    public static bool IsUnresolved(Incident incident) =>
        incident?.Status is IncidentStatus.Investigating or IncidentStatus.Identified or IncidentStatus.Monitoring;

    /// <summary>The published components an incident reached, as origin or affected party, with the state it left them in.</summary>
    public static IReadOnlyList<(string Id, NodeState State)> Touched(Incident incident, IReadOnlyCollection<string> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return StatesOf(incident).Where(p => components.Contains(p.Id)).ToList();
    }

    private static IEnumerable<(string Id, NodeState State)> StatesOf(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Impact.Origins.Concat(incident.Impact.Affected).Select(p => (p.Id, p.State));
    }
}
