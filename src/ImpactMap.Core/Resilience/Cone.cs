using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Resilience;

/// <summary>
/// Some nodes and everything upstream of them, read once into what the analysis evaluates again and again:
/// each node a variable (its place in pre-order, roots first), its providers ungrouped and by group, all in
/// flat arrays by variable, and an evaluation order with providers first.
/// </summary>
internal sealed class Cone
{
    private Cone(List<int> preorder, List<int> postorder)
    {
        Preorder = preorder;
        VariableOf = new Dictionary<int, int>(preorder.Count);
        for (var v = 0; v < preorder.Count; v++)
        {
            VariableOf[preorder[v]] = v;
        }

        Postorder = postorder.Select(n => VariableOf[n]).ToArray();
    }

    /// <summary>The node of each variable.</summary>
    public List<int> Preorder { get; }

    public Dictionary<int, int> VariableOf { get; }

    /// <summary>The variables, providers before their dependents (where there is no cycle).</summary>
    public int[] Postorder { get; }

    public int Count => Preorder.Count;

    /// <summary>Whether every provider comes before its dependent in <see cref="Postorder"/>: one pass settles.</summary>
    public bool Acyclic { get; private set; }

    /// <summary>Each variable's unavailability: 0 for a node without an availability, which never fails on its own.</summary>
    public double[] P { get; private set; } = [];

    // Ungrouped providers of variable v: UngroupedStart[v] .. UngroupedStart[v + 1].
    public int[] UngroupedStart { get; private set; } = [];
    public int[] UngroupedProvider { get; private set; } = [];
    public NodeState[] UngroupedEffect { get; private set; } = [];

    // Groups of variable v: GroupStart[v] .. GroupStart[v + 1]; members of group i: MemberStart[i] .. MemberStart[i + 1].
    public int[] GroupStart { get; private set; } = [];
    public int[] GroupNeed { get; private set; } = [];
    public int[] MemberStart { get; private set; } = [];
    public int[] MemberProvider { get; private set; } = [];
    public NodeState[] MemberEffect { get; private set; } = [];
    public int[] MemberDependency { get; private set; } = [];

    /// <summary>The most members any group has.</summary>
    public int MaxMembers { get; private set; }

    public static Cone Of(CompiledGraph g, IEnumerable<int> roots)
    {
        var (preorder, postorder) = Orders(g, roots);
        var cone = new Cone(preorder, postorder);
        cone.ReadProviders(g);
        return cone;
    }

    private void ReadProviders(CompiledGraph g)
    {
        var edges = g.Source.Edges;
        var ungroupedStart = new int[Count + 1];
        var groupStart = new int[Count + 1];
        var ungroupedProvider = new List<int>();
        var ungroupedEffect = new List<NodeState>();
        var groupNeed = new List<int>();
        var memberStart = new List<int> { 0 };
        var memberProvider = new List<int>();
        var memberEffect = new List<NodeState>();
        var memberDependency = new List<int>();
        var byGroup = new Dictionary<int, List<int>>();
        for (var v = 0; v < Count; v++)
        {
            var node = Preorder[v];
            ungroupedStart[v] = ungroupedProvider.Count;
            groupStart[v] = groupNeed.Count;
            byGroup.Clear();
            var groupOrder = new List<int>();
            for (var i = g.ProviderStart[node]; i < g.ProviderStart[node + 1]; i++)
            {
                var e = g.ProviderDependency[i];
                var group = edges.Group[e];
                if (group < 0)
                {
                    ungroupedProvider.Add(VariableOf[g.Provider[i]]);
                    ungroupedEffect.Add(g.Source.Dependencies[e].Effect);
                }
                else if (byGroup.TryGetValue(group, out var members))
                {
                    members.Add(i);
                }
                else
                {
                    byGroup[group] = [i];
                    groupOrder.Add(group);
                }
            }

            foreach (var group in groupOrder)
            {
                groupNeed.Add(edges.GroupNeed[group]);
                foreach (var i in byGroup[group])
                {
                    var e = g.ProviderDependency[i];
                    memberProvider.Add(VariableOf[g.Provider[i]]);
                    memberEffect.Add(g.Source.Dependencies[e].Effect);
                    memberDependency.Add(e);
                }

                memberStart.Add(memberProvider.Count);
            }
        }

        ungroupedStart[Count] = ungroupedProvider.Count;
        groupStart[Count] = groupNeed.Count;
        (UngroupedStart, UngroupedProvider, UngroupedEffect) = (ungroupedStart, [.. ungroupedProvider], [.. ungroupedEffect]);
        (GroupStart, GroupNeed, MemberStart, MemberProvider, MemberEffect, MemberDependency) =
            (groupStart, [.. groupNeed], [.. memberStart], [.. memberProvider], [.. memberEffect], [.. memberDependency]);
        MaxMembers = Enumerable.Range(0, GroupNeed.Length).Select(i => MemberStart[i + 1] - MemberStart[i]).DefaultIfEmpty(0).Max();
        P = Preorder.Select(n => 1 - (g.Source.Nodes[n].Availability ?? 1)).ToArray();
        Acyclic = IsTopological();
    }

    private bool IsTopological()
    {
        var position = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            position[Postorder[i]] = i;
        }

        for (var v = 0; v < Count; v++)
        {
            for (var i = UngroupedStart[v]; i < UngroupedStart[v + 1]; i++)
            {
                if (position[UngroupedProvider[i]] >= position[v])
                {
                    return false;
                }
            }

            for (var i = MemberStart[GroupStart[v]]; i < MemberStart[GroupStart[v + 1]]; i++)
            {
                if (position[MemberProvider[i]] >= position[v])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The nodes and everything upstream of them, without reading their providers.</summary>
    public static List<int> Nodes(CompiledGraph g, IEnumerable<int> roots) => Orders(g, roots).Preorder;

    /// <summary>The nodes and everything upstream of them: pre-order (roots first) and post-order (providers first).</summary>
    private static (List<int> Preorder, List<int> Postorder) Orders(CompiledGraph g, IEnumerable<int> roots)
    {
        var preorder = new List<int>();
        var postorder = new List<int>();
        var seen = new HashSet<int>();
        var stack = new Stack<(int Node, int Next)>();
        foreach (var root in roots)
        {
            if (!seen.Add(root))
            {
                continue;
            }

            stack.Push((root, g.ProviderStart[root]));
            preorder.Add(root);
            while (stack.Count > 0)
            {
                var (current, next) = stack.Pop();
                if (next < g.ProviderStart[current + 1])
                {
                    stack.Push((current, next + 1));
                    var provider = g.Provider[next];
                    if (seen.Add(provider))
                    {
                        preorder.Add(provider);
                        stack.Push((provider, g.ProviderStart[provider]));
                    }
                }
                else
                {
                    postorder.Add(current);
                }
            }
        }

        return (preorder, postorder);
    }
}
