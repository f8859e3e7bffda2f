using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>One dependency as seen from its provider: who depends, through which group, how much, how late.</summary>
internal struct DependentEdge
{
    public int Dependent;
    public int Group;              // -1 when ungrouped
    public int ToleranceSeconds;
    public NodeState Effect;

    // The group's size minus its need: how many alternatives may fail before it stops meeting its need. Kept
    // in what would be padding, so that propagation reads no array about groups; validation caps a group's
    // size at 65,535 (GraphValidator.MaxGroupSize).
    public ushort GroupSlack;
}

/// <summary>
/// The engine's read-only, int-indexed form of a <see cref="DependencyGraph"/>: compressed adjacency arrays
/// in both directions, so that propagation touches only arrays of value types. Node i is
/// <c>Source.Nodes[i]</c>. Build once per graph version and share between threads.
/// </summary>
public sealed class CompiledGraph
{
    internal readonly int NodeCount;
    internal readonly int GroupCount;

    // Reverse adjacency (provider -> its dependents), sorted by provider; one 16-byte slot per dependency
    // so that what propagation reads about an edge shares a cache line.
    internal readonly int[] DependentStart;
    internal readonly DependentEdge[] Edges;

    // Forward adjacency (dependent -> its providers), for upstream questions and cycles.
    internal readonly int[] ProviderStart;
    internal readonly int[] Provider;

    // For each forward slot, the index of its dependency in Source.Dependencies: what the reverse questions
    // (resilience) need to know about an edge seen from its dependent.
    internal readonly int[] ProviderDependency;

    internal readonly bool[] IsCustomer;

    /// <summary>The graph this was compiled from.</summary>
    public DependencyGraph Source { get; }

    /// <summary>Compiles <paramref name="graph"/>: counting sorts over the ids validation resolved; linear.</summary>
    public CompiledGraph(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Source = graph;
        var dependencies = graph.Dependencies;
        var resolved = graph.Edges;
        NodeCount = graph.Nodes.Count;
        var edgeCount = dependencies.Count;
        GroupCount = resolved.GroupSize.Count;

        DependentStart = new int[NodeCount + 1];
        ProviderStart = new int[NodeCount + 1];
        for (var e = 0; e < edgeCount; e++)
        {
            DependentStart[resolved.To[e] + 1]++;
            ProviderStart[resolved.From[e] + 1]++;
        }

        for (var i = 0; i < NodeCount; i++)
        {
            DependentStart[i + 1] += DependentStart[i];
            ProviderStart[i + 1] += ProviderStart[i];
        }

        Edges = new DependentEdge[edgeCount];
        Provider = new int[edgeCount];
        ProviderDependency = new int[edgeCount];
        var dependentFill = DependentStart[..^1];
        var providerFill = ProviderStart[..^1];
        for (var e = 0; e < edgeCount; e++)
        {
            var d = dependencies[e];
            var seconds = (int)(d.Tolerance.Ticks / TimeSpan.TicksPerSecond);
            var group = resolved.Group[e];
            Edges[dependentFill[resolved.To[e]]++] = new DependentEdge
            {
                Dependent = resolved.From[e],
                Group = group,
                ToleranceSeconds = seconds,
                Effect = d.Effect,
                GroupSlack = group < 0 ? (ushort)0 : (ushort)(resolved.GroupSize[group] - resolved.GroupNeed[group]),
            };
            ProviderDependency[providerFill[resolved.From[e]]] = e;
            Provider[providerFill[resolved.From[e]]++] = resolved.To[e];
        }

        IsCustomer = new bool[NodeCount];
        for (var i = 0; i < NodeCount; i++)
        {
            IsCustomer[i] = graph.Nodes[i].Kind == Node.Customer;
        }
    }

    /// <summary>The number of nodes.</summary>
    public int Count => NodeCount;

    /// <summary>The id of node <paramref name="index"/>.</summary>
    public string IdOf(int index) => Source.Nodes[index].Id;

    /// <summary>How many dependents node <paramref name="index"/> has.</summary>
    public int DependentCount(int index) => DependentStart[index + 1] - DependentStart[index];
}
