using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// The engine's read-only, int-indexed form of a <see cref="DependencyGraph"/>: compressed adjacency arrays
/// in both directions, so that propagation touches only arrays of value types. Node i is
/// <c>Graph.Nodes[i]</c>. Build once per graph version and share between threads.
/// </summary>
public sealed class CompiledGraph
{
    internal readonly int NodeCount;
    internal readonly int GroupCount;

    // Reverse adjacency (provider -> its dependents), one slot per dependency, sorted by provider.
    internal readonly int[] DependentStart;
    internal readonly int[] Dependent;
    internal readonly int[] EdgeGroup;        // -1 when ungrouped
    internal readonly NodeState[] EdgeEffect;
    internal readonly int[] EdgeToleranceSeconds;

    // Forward adjacency (dependent -> its providers), for upstream questions.
    internal readonly int[] ProviderStart;
    internal readonly int[] Provider;

    internal readonly int[] GroupSize;
    internal readonly int[] GroupNeed;
    internal readonly bool[] IsCustomer;

    /// <summary>The graph this was compiled from.</summary>
    public DependencyGraph Graph { get; }

    /// <summary>True when some dependency has a tolerance, so that times differ from zero.</summary>
    public bool HasTolerances { get; }

    /// <summary>Compiles <paramref name="graph"/>; linear in its size.</summary>
    public CompiledGraph(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        var nodes = graph.Nodes;
        var dependencies = graph.Dependencies;
        NodeCount = nodes.Count;
        var edgeCount = dependencies.Count;

        var from = new int[edgeCount];
        var to = new int[edgeCount];
        var group = new int[edgeCount];
        var groupIds = new Dictionary<(int, string), int>();
        var sizes = new List<int>();
        var needs = new List<int>();
        DependentStart = new int[NodeCount + 1];
        ProviderStart = new int[NodeCount + 1];
        var hasTolerances = false;
        for (var e = 0; e < edgeCount; e++)
        {
            var d = dependencies[e];
            var f = graph.IndexOf(d.From);
            var t = graph.IndexOf(d.To);
            from[e] = f;
            to[e] = t;
            DependentStart[t + 1]++;
            ProviderStart[f + 1]++;
            hasTolerances |= d.Tolerance > TimeSpan.Zero;
            if (d.Group is null)
            {
                group[e] = -1;
                continue;
            }

            if (!groupIds.TryGetValue((f, d.Group), out var g))
            {
                g = sizes.Count;
                groupIds.Add((f, d.Group), g);
                sizes.Add(0);
                needs.Add(nodes[f].NeedOf(d.Group));
            }

            sizes[g]++;
            group[e] = g;
        }

        HasTolerances = hasTolerances;
        GroupCount = sizes.Count;
        GroupSize = [.. sizes];
        GroupNeed = [.. needs];
        for (var i = 0; i < NodeCount; i++)
        {
            DependentStart[i + 1] += DependentStart[i];
            ProviderStart[i + 1] += ProviderStart[i];
        }

        Dependent = new int[edgeCount];
        EdgeGroup = new int[edgeCount];
        EdgeEffect = new NodeState[edgeCount];
        EdgeToleranceSeconds = new int[edgeCount];
        Provider = new int[edgeCount];
        var dependentFill = DependentStart[..^1];
        var providerFill = ProviderStart[..^1];
        for (var e = 0; e < edgeCount; e++)
        {
            var slot = dependentFill[to[e]]++;
            Dependent[slot] = from[e];
            EdgeGroup[slot] = group[e];
            EdgeEffect[slot] = dependencies[e].Effect;
            EdgeToleranceSeconds[slot] = (int)Math.Min(int.MaxValue, dependencies[e].Tolerance.Ticks / TimeSpan.TicksPerSecond);
            Provider[providerFill[from[e]]++] = to[e];
        }

        IsCustomer = new bool[NodeCount];
        for (var i = 0; i < NodeCount; i++)
        {
            IsCustomer[i] = nodes[i].Kind == Node.Customer;
        }
    }

    /// <summary>The number of nodes.</summary>
    public int Count => NodeCount;

    /// <summary>The id of node <paramref name="index"/>.</summary>
    public string IdOf(int index) => Graph.Nodes[index].Id;

    /// <summary>How many dependents node <paramref name="index"/> has.</summary>
    public int DependentCount(int index) => DependentStart[index + 1] - DependentStart[index];
}
