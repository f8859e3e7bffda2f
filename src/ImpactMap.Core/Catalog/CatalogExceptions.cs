using ImpactMap.Core.Model;

namespace ImpactMap.Core.Catalog;

/// <summary>Thrown when a graph does not exist (or is not visible to the caller).</summary>
public sealed class GraphNotFoundException(string graph) : Exception($"There is no graph '{graph}'.")
{
    /// <summary>The graph asked for.</summary>
    public string Graph { get; } = graph;
}

/// <summary>Thrown when a graph has no node of that id.</summary>
public sealed class NodeNotFoundException(string graph, string node, IReadOnlyList<string>? nearest = null)
    : Exception($"Graph '{graph}' has no node '{Model.GraphValidator.Shorten(node)}'{(nearest is { Count: > 0 } ? Model.NearestIds.Phrase(nearest) : ".")}")
{
    /// <summary>The node asked for.</summary>
    public string Node { get; } = node;
}

/// <summary>Thrown when a name cannot name a graph.</summary>
public sealed class InvalidGraphNameException(string name)
    : Exception($"'{GraphValidator.Shorten(name)}' is not a valid graph name: {Identifier.Rule}.");

/// <summary>Thrown when other writers kept changing a graph faster than a change could land; worth retrying shortly.</summary>
public sealed class GraphBusyException(string graph)
    : Exception($"Graph '{graph}' is being changed by others faster than this change could land; retry shortly.");
