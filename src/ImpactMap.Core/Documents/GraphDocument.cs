namespace ImpactMap.Core.Documents;

/// <summary>A whole graph as written in JSON or YAML; see graphs/README.md.</summary>
public sealed class GraphDocument
{
    /// <summary>The nodes.</summary>
    public List<NodeDocument>? Nodes { get; set; }

    /// <summary>The dependencies.</summary>
    public List<DependencyDocument>? Dependencies { get; set; }
}

/// <summary>A node as written in a document.</summary>
public sealed class NodeDocument
{
    /// <summary>Unique id.</summary>
    public string? Id { get; set; }

    /// <summary>Display name; defaults to the id.</summary>
    public string? Name { get; set; }

    /// <summary><c>supplier</c>, <c>service</c>, <c>customer</c> or another lowercase word.</summary>
    public string? Kind { get; set; }

    /// <summary>Free attributes, string to string.</summary>
    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>Needs of this node's groups of alternative dependencies, by group name.</summary>
    public Dictionary<string, GroupDocument>? Groups { get; set; }

    /// <summary>The share of time it works on its own, in (0, 1] (0.9995 for a 99.95% SLA); absent when unknown.</summary>
    public double? Availability { get; set; }
}

/// <summary>How many members of a group a node needs.</summary>
public sealed class GroupDocument
{
    /// <summary>At least this many alternatives must work; default 1.</summary>
    public int? Need { get; set; }
}

/// <summary>A dependency as written in a document: <c>from</c> needs <c>to</c>.</summary>
public sealed class DependencyDocument
{
    /// <summary>The dependent.</summary>
    public string? From { get; set; }

    /// <summary>The provider.</summary>
    public string? To { get; set; }

    /// <summary>Alternatives of one dependent share a group.</summary>
    public string? Group { get; set; }

    /// <summary><c>down</c> (default), <c>degraded</c> or <c>at-risk</c>.</summary>
    public string? Effect { get; set; }

    /// <summary>ISO-8601 duration the dependent keeps working after the provider fails; default none.</summary>
    public string? Tolerance { get; set; }
}
