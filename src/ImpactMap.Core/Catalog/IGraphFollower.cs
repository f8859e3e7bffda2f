namespace ImpactMap.Core.Catalog;

/// <summary>
/// Told after each change this instance made to a graph, with the graph as it now is: so that what depends on
/// the graph (open incidents' impact) follows it. Called after the change is stored and reported, outside the
/// graph's write gate; a follower handles its own failures, since the change itself stands.
/// </summary>
public interface IGraphFollower
{
    /// <summary>The graph changed; <paramref name="snapshot"/> is its new version.</summary>
    Task GraphChangedAsync(GraphSnapshot snapshot, CancellationToken cancellationToken);
}
