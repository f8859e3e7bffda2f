using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>One provider a node depends on, directly or through others.</summary>
/// <param name="Id">The provider's id.</param>
/// <param name="Depth">Fewest hops from the node up to this provider.</param>
/// <param name="StateIfAloneFails">What the node suffers when only this provider goes down.</param>
public sealed record UpstreamProvider(string Id, int Depth, NodeState StateIfAloneFails)
{
    /// <summary>True when this provider alone failing takes the node down.</summary>
    public bool SinglePointOfFailure => StateIfAloneFails == NodeState.Down;
}

/// <summary>Everything upstream of a node, ordered by depth then id.</summary>
public sealed record ExposureResult(string Node, IReadOnlyList<UpstreamProvider> Providers);

internal static class ExposureAnalysis
{
    /// <summary>
    /// Walks up from the node, then fails each upstream provider alone. Each run is masked to the upstream
    /// set, since nothing outside it can change the node's state: cost is upstream size times upstream edges.
    /// </summary>
    public static ExposureResult Run(PropagationEngine engine, int node, CancellationToken cancellationToken)
    {
        var g = engine.Compiled;
        var ws = engine.Rent();
        try
        {
            var upstream = new List<(int Node, int Depth)>();
            ws.Stamp[node] = ws.CurrentStamp;
            var frontier = new List<int> { node };
            var next = new List<int>();
            for (var depth = 1; frontier.Count > 0; depth++)
            {
                foreach (var current in frontier)
                {
                    for (var i = g.ProviderStart[current]; i < g.ProviderStart[current + 1]; i++)
                    {
                        var provider = g.Provider[i];
                        if (ws.Stamp[provider] != ws.CurrentStamp)
                        {
                            ws.Stamp[provider] = ws.CurrentStamp;
                            upstream.Add((provider, depth));
                            next.Add(provider);
                        }
                    }
                }

                (frontier, next) = (next, frontier);
                next.Clear();
            }

            var providers = new List<UpstreamProvider>(upstream.Count);
            foreach (var (provider, depth) in upstream)
            {
                Propagation.Run(g, ws, [(provider, NodeState.Down)], masked: true, long.MaxValue, cancellationToken);
                providers.Add(new UpstreamProvider(g.IdOf(provider), depth, ws.LevelOf(node)));
                ws.Reset();
            }

            providers.Sort((a, b) => a.Depth != b.Depth ? a.Depth.CompareTo(b.Depth) : string.CompareOrdinal(a.Id, b.Id));
            return new ExposureResult(g.IdOf(node), providers);
        }
        finally
        {
            engine.Return(ws);
        }
    }
}
