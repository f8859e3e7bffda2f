using System.Collections.Concurrent;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Answers impact questions about one compiled graph: who is hit, how badly, why and when. Thread-safe:
/// each call rents its own scratch space.
/// </summary>
public sealed class PropagationEngine
{
    private readonly ConcurrentBag<Workspace> _workspaces = [];

    /// <summary>An engine over <paramref name="graph"/>.</summary>
    public PropagationEngine(CompiledGraph graph) => Compiled = graph ?? throw new ArgumentNullException(nameof(graph));

    /// <summary>Compiles <paramref name="graph"/> and makes an engine over it.</summary>
    public PropagationEngine(DependencyGraph graph) : this(new CompiledGraph(graph))
    {
    }

    /// <summary>The engine's int-indexed form of <see cref="Graph"/>.</summary>
    public CompiledGraph Compiled { get; }

    /// <summary>The graph this engine answers for.</summary>
    public DependencyGraph Graph => Compiled.Source;

    /// <summary>Who is affected when the query's outages happen.</summary>
    /// <exception cref="UnknownNodeException">An outage names a node the graph lacks.</exception>
    /// <exception cref="ArgumentException">A negative depth or limit, a non-positive duration, or an outage of state up.</exception>
    public ImpactResult Impact(ImpactQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var origins = ResolveOrigins(query.Outages);
        if (query.MaxDepth < 0 || query.Limit < 0)
        {
            throw new ArgumentException("maxDepth and limit cannot be negative", nameof(query));
        }

        if (query.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("duration must be positive", nameof(query));
        }

        var duration = query.Duration is { } d ? (long)Math.Ceiling(d.TotalSeconds) : long.MaxValue;
        var ws = Rent();
        try
        {
            if (query.MaxDepth is { } maxDepth)
            {
                StampWithinHops(ws, origins, maxDepth);
            }

            Propagation.Run(Compiled, ws, origins, masked: query.MaxDepth is not null, duration, cancellationToken);
            return ImpactSelection.Collect(Compiled, ws, query);
        }
        finally
        {
            Return(ws);
        }
    }

    /// <summary>Every provider upstream of <paramref name="nodeId"/>, and which of them alone take it down.</summary>
    /// <exception cref="UnknownNodeException">The graph lacks the node.</exception>
    public ExposureResult Exposure(string nodeId, CancellationToken cancellationToken = default) =>
        ExposureAnalysis.Run(this, IndexOrThrow(nodeId), cancellationToken);

    /// <summary>
    /// What can take a node to a level: minimal cut sets, the exact unavailability (or a Monte Carlo estimate
    /// past the diagram budget), importance of each supplier's availability, and false fallbacks upstream.
    /// </summary>
    /// <exception cref="UnknownNodeException">The graph lacks the node.</exception>
    public ResilienceResult Resilience(ResilienceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.MaxOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.MaxOrder, 4);
        if (query.Level == NodeState.Up)
        {
            throw new ArgumentOutOfRangeException(nameof(query), "the level is at-risk, degraded or down");
        }

        var node = IndexOrThrow(query.Node);
        return OnLargeStack(() => ResilienceAnalysis.Run(this, node, query, cancellationToken));
    }

    /// <summary>
    /// The nodes ranked by how likely each is to reach the level, most likely first, with their single points of
    /// failure and false fallbacks; null kind: every node nothing depends on.
    /// </summary>
    public IReadOnlyList<WeakNode> WeakestNodes(string? kind, NodeState level, int top, int diagramBudget = 4_000_000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var nodes = Enumerable.Range(0, Compiled.Count)
            .Where(n => kind is null ? Compiled.DependentCount(n) == 0 : Graph.Nodes[n].Kind == kind).ToList();
        var ranked = OnLargeStack(() => ResilienceAnalysis.Rank(this, nodes, level, diagramBudget, cancellationToken));
        return ranked.OrderByDescending(w => w.Unavailability).ThenByDescending(w => w.SinglePoints).ThenBy(w => w.Node, StringComparer.Ordinal).Take(top).ToList();
    }

    // Decision diagrams recurse once per variable on a path: a cone of many thousand nodes needs more stack than
    // a pool thread has.
    private static T OnLargeStack<T>(Func<T> work)
    {
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 512 * 1024 * 1024);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>The <paramref name="top"/> nodes whose failure alone takes down the most others.</summary>
    public IReadOnlyList<NodeCriticality> Criticality(int top, CancellationToken cancellationToken = default) =>
        top < 0 ? throw new ArgumentOutOfRangeException(nameof(top)) : CriticalityAnalysis.Run(Compiled, top, cancellationToken);

    /// <summary>The dependency cycles: strongly connected components of two or more nodes.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles() => CycleDetection.Run(Compiled);

    private int IndexOrThrow(string nodeId)
    {
        var index = Graph.IndexOf(nodeId);
        return index >= 0 ? index : throw new UnknownNodeException([nodeId], Graph);
    }

    internal (int Node, NodeState State)[] ResolveOrigins(IReadOnlyList<Outage> outages)
    {
        ArgumentNullException.ThrowIfNull(outages);
        var origins = new (int, NodeState)[outages.Count];
        List<string>? unknown = null;
        for (var i = 0; i < outages.Count; i++)
        {
            var index = Graph.IndexOf(outages[i].Node);
            if (index < 0)
            {
                (unknown ??= []).Add(outages[i].Node);
            }

            if (outages[i].State == NodeState.Up)
            {
                throw new ArgumentException($"outage of '{outages[i].Node}' must be at-risk, degraded or down, not up", nameof(outages));
            }

            origins[i] = (index, outages[i].State);
        }

        return unknown is null ? origins : throw new UnknownNodeException(unknown, Graph);
    }

    internal Workspace Rent()
    {
        var ws = _workspaces.TryTake(out var pooled) ? pooled : new Workspace(Compiled);
        ws.Begin();
        return ws;
    }

    internal void Return(Workspace ws)
    {
        ws.Reset();
        _workspaces.Add(ws);
    }

    /// <summary>Stamps every node within <paramref name="maxDepth"/> hops downstream of an origin.</summary>
    private void StampWithinHops(Workspace ws, (int Node, NodeState State)[] origins, int maxDepth)
    {
        var frontier = new List<int>();
        foreach (var (node, _) in origins)
        {
            if (ws.Stamp[node] != ws.CurrentStamp)
            {
                ws.Stamp[node] = ws.CurrentStamp;
                frontier.Add(node);
            }
        }

        var next = new List<int>();
        for (var hop = 0; hop < maxDepth && frontier.Count > 0; hop++)
        {
            foreach (var node in frontier)
            {
                for (var slot = Compiled.DependentStart[node]; slot < Compiled.DependentStart[node + 1]; slot++)
                {
                    var dependent = Compiled.Edges[slot].Dependent;
                    if (ws.Stamp[dependent] != ws.CurrentStamp)
                    {
                        ws.Stamp[dependent] = ws.CurrentStamp;
                        next.Add(dependent);
                    }
                }
            }

            (frontier, next) = (next, frontier);
            next.Clear();
        }
    }
}
