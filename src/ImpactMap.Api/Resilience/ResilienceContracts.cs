namespace ImpactMap.Api.Resilience;

/// <summary>A minimal set of nodes whose joint failure takes the node to the level; probability: the product of their unavailabilities.</summary>
public sealed record CutSetResponse(IReadOnlyList<string> Nodes, double Probability);

/// <summary>
/// Importance of one node's availability, as fault-tree tools define it: birnbaum = P(.|fails) - P(.|works);
/// criticality = birnbaum * p / P; diagnosis = p * P(.|fails) / P; raw = P(.|fails) / P; rrw = P / P(.|works),
/// absent where P(.|works) is 0.
/// </summary>
public sealed record ImportanceResponse(string Node, double Birnbaum, double Criticality, double Diagnosis, double Raw, double? Rrw);

/// <summary>A group of alternatives at a node that one failure of a non-member (each of defeatedBy) leaves below its need.</summary>
public sealed record FalseFallbackResponse(string Node, string Group, int Need, IReadOnlyList<string> Members, IReadOnlyList<string> DefeatedBy);

/// <summary>
/// What can take a node to a level, and how likely that is. method: exact (a binary decision diagram) or
/// monteCarlo (past the diagram budget; then interval95 is the 95% interval, and importance and
/// falseFallbacks are empty). downtimePerYear: unavailability times a year of 365.25 days, in whole minutes.
/// assumed: computed under assumptions (what if), on a copy of the graph.
/// </summary>
public sealed record ResilienceResponse(
    string Node,
    string Level,
    long Version,
    IReadOnlyList<CutSetResponse> CutSets,
    int MaxOrder,
    bool CutSetsTruncated,
    double Unavailability,
    double Availability,
    string Method,
    IReadOnlyList<double>? Interval95,
    string DowntimePerYear,
    IReadOnlyList<ImportanceResponse> Importance,
    IReadOnlyList<FalseFallbackResponse> FalseFallbacks,
    bool? Assumed = null);

/// <summary>The body of POST .../nodes/{id}/resilience: the GET's parameters, and assumptions for this question only.</summary>
public sealed record ResilienceRequest(string? Level, int? MaxOrder, int? Limit, ImpactMap.Core.Documents.AssumptionsDocument? Assume);

/// <summary>One node of the ranking: singlePoints counts its order-1 cut sets other than itself.</summary>
public sealed record WeakNodeResponse(string Node, string Name, string Kind, double Unavailability, double Availability, int SinglePoints, int FalseFallbacks);

/// <summary>Nodes by unavailability, the highest first: "our weakest customers".</summary>
public sealed record WeakNodesResponse(string Graph, long Version, string Level, IReadOnlyList<WeakNodeResponse> Items);
