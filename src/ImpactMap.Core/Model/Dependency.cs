namespace ImpactMap.Core.Model;

/// <summary><paramref name="From"/> needs <paramref name="To"/>: the dependent and its provider.</summary>
/// <param name="From">The dependent node's id.</param>
/// <param name="To">The provider node's id.</param>
/// <param name="Group">Dependencies of one dependent sharing a group are alternatives; null for none.</param>
/// <param name="Effect">The worst that losing this provider does to the dependent: Down, Degraded or AtRisk.</param>
/// <param name="Tolerance">How long the dependent keeps working after the provider fails.</param>
public sealed record Dependency(string From, string To, string? Group, NodeState Effect, TimeSpan Tolerance)
{
    /// <summary>A plain dependency: ungrouped, effect down, no tolerance.</summary>
    public static Dependency Create(string from, string to, string? group = null,
        NodeState effect = NodeState.Down, TimeSpan tolerance = default) =>
        new(from, to, group, effect, tolerance);
}
