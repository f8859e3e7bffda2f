using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Api.Impact;

/// <summary>
/// The graph a question is asked of: a stored version as it is, or a copy of it under assumptions and
/// mitigations for that question only (Assumed), with its own engine.
/// </summary>
public sealed record AskedGraph(string Name, long Version, DependencyGraph Graph, PropagationEngine Engine, bool Assumed)
{
    public static AskedGraph Of(GraphSnapshot snapshot, AssumptionsDocument? assume = null, IReadOnlyCollection<string>? mitigated = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (assume is null && mitigated is not { Count: > 0 })
        {
            return new AskedGraph(snapshot.Name, snapshot.Version, snapshot.Graph, snapshot.Engine, Assumed: false);
        }

        var graph = Assumptions.Apply(snapshot.Graph, assume, mitigated ?? []);
        return new AskedGraph(snapshot.Name, snapshot.Version, graph, new PropagationEngine(graph), Assumed: true);
    }

    public Node NodeOrThrow(string id) => Graph.FindNode(id) ?? throw new NodeNotFoundException(Name, id, NearestIds.Of(id, Graph));
}
