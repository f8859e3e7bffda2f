namespace ImpactMap.Core.Incidents;

/// <summary>Thrown when a graph has no incident of that id.</summary>
public sealed class IncidentNotFoundException(string graph, string id) : Exception($"Graph '{graph}' has no incident '{id}'.")
{
    /// <summary>The incident asked for.</summary>
    public string Id { get; } = id;
}

/// <summary>Thrown when a closed incident is asked to change: a new outage is a new incident.</summary>
public sealed class IncidentClosedException(string graph, string id)
    : Exception($"Incident '{id}' of graph '{graph}' is closed; open a new incident for a new outage.")
{
    /// <summary>The incident.</summary>
    public string Id { get; } = id;
}

/// <summary>Thrown when an incident without an accepted review is asked to close.</summary>
public sealed class IncidentReviewRequiredException(string graph, string id)
    : Exception($"Incident '{id}' of graph '{graph}' has no accepted review yet: what happened, what was learned and how it will not happen again.")
{
    /// <summary>The incident.</summary>
    public string Id { get; } = id;
}

/// <summary>Thrown when a graph with open incidents is to be deleted without saying that they may be abandoned.</summary>
public sealed class GraphHasOpenIncidentsException(string graph, IReadOnlyList<string> incidents)
    : Exception($"Graph '{graph}' has {incidents.Count} open incident(s): {string.Join(", ", incidents.Take(10))}{(incidents.Count > 10 ? ", ..." : "")}.")
{
    /// <summary>The open incidents' ids.</summary>
    public IReadOnlyList<string> Incidents { get; } = incidents;
}
