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

/// <summary>Thrown when an incident is asked to be reviewed or closed before it can be; each thing missing is named.</summary>
public sealed class IncidentNotReadyException(string graph, string id, string step, IReadOnlyList<string> missing)
    : Exception($"Incident '{id}' of graph '{graph}' cannot be {step} yet: {string.Join("; ", missing)}.")
{
    /// <summary>The incident.</summary>
    public string Id { get; } = id;

    /// <summary>What it lacks, in words.</summary>
    public IReadOnlyList<string> Missing { get; } = missing;

    /// <summary>What was asked: reviewed or closed.</summary>
    public string Step { get; } = step;
}

/// <summary>Thrown when a graph with open incidents is to be deleted without saying that they may be abandoned.</summary>
public sealed class GraphHasOpenIncidentsException(string graph, IReadOnlyList<string> incidents)
    : Exception($"Graph '{graph}' has {incidents.Count} open incident(s): {string.Join(", ", incidents.Take(10))}{(incidents.Count > 10 ? ", ..." : "")}.")
{
    /// <summary>The open incidents' ids.</summary>
    public IReadOnlyList<string> Incidents { get; } = incidents;
}
