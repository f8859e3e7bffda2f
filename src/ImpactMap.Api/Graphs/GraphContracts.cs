namespace ImpactMap.Api.Graphs;

/// <summary>A kind of node in a graph and how many nodes are of it.</summary>
public sealed record KindCount(string Kind, int Nodes);
