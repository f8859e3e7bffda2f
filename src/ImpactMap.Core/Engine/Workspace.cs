using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Scratch arrays for one propagation at a time, sized to the graph and reused: a query clears only what it
/// touched (or a whole array where it touched much of it), so a small blast radius costs time in its own
/// size, not the graph's.
/// </summary>
internal sealed class Workspace
{
    public const int LevelMask = 3;
    public const int ToldShift = 2;
    public const int OriginFlag = 16;

    // Above one in this many places touched, a reset clears an array whole.
    private const int DenseShare = 16;

    // Per node, one byte: its level in bits 0-1, in bits 2-3 the level its dependents were told about, and
    // whether it is an origin of this query. A byte per node keeps the array propagation checks on every edge
    // as small as a BFS's visited array.
    public readonly byte[] Levels;
    public readonly long[] TimeSeconds;   // where the level is above up: when it was reached; written only after time 0
    public readonly GroupCounts[] Groups;
    public readonly int[] Stamp;          // == CurrentStamp: in the allowed set (mask) of this query

    /// <summary>
    /// Per level (index 1 to 3), every raise to it, in order, with the raise that caused it: the explaining
    /// chains, written in sequence rather than scattered over per-node arrays. A node rises to each level at
    /// most once, so these also list everything to reset, and a node's entry at its final level is unique.
    /// </summary>
    public readonly RaisedList[] Raised = [new(), new(), new(), new()];

    /// <summary>Per origin, its entry at its final level.</summary>
    public readonly Dictionary<int, int> OriginEntries = [];

    /// <summary>Per level, how many of its raises were overtaken by a raise of the same node to a higher one.</summary>
    public readonly int[] Overtaken = new int[4];

    public readonly List<int> TouchedGroups = [];
    public readonly DelayedSteps Delayed = new();
    public int CurrentStamp;

    public Workspace(CompiledGraph graph)
    {
        Levels = new byte[graph.NodeCount];
        TimeSeconds = new long[graph.NodeCount];
        Groups = new GroupCounts[graph.GroupCount];
        Stamp = new int[graph.NodeCount];
    }

    public NodeState LevelOf(int node) => (NodeState)(Levels[node] & LevelMask);

    /// <summary>How many nodes end at <paramref name="level"/>, origins included.</summary>
    public int CountAt(NodeState level) => Raised[(int)level].Count - Overtaken[(int)level];

    /// <summary>An entry of <see cref="Raised"/> as one int: its index (below 2^29 nodes) and its level.</summary>
    public static int Entry(int level, int index) => index << 2 | level;

    public int NodeOf(int entry) => Raised[entry & LevelMask].Items[entry >> 2].Node;

    public int DepthOf(int entry) => Raised[entry & LevelMask].Items[entry >> 2].Depth;

    /// <summary>The entry whose raise caused this one; -1 for an origin's own.</summary>
    public int ParentOf(int entry) => Raised[entry & LevelMask].Items[entry >> 2].Parent;

    /// <summary>Starts a query: a fresh stamp, so old marks no longer count.</summary>
    public void Begin()
    {
        if (++CurrentStamp == int.MaxValue)
        {
            Array.Clear(Stamp);
            CurrentStamp = 1;
        }
    }

    /// <summary>Puts back to "all up" what the last query changed, place by place or, where it changed much, whole arrays.</summary>
    public void Reset()
    {
        // Where a query touched a large share of an array, clearing it whole (sequential) beats clearing
        // each touched place (scattered): on the benchmark a blast radius over a third of the graph.
        var raisedCount = Raised[1].Count + Raised[2].Count + Raised[3].Count;
        var clearTimes = Delayed.Now > 0;
        if (raisedCount > Levels.Length / DenseShare)
        {
            Array.Clear(Levels);
            if (clearTimes)
            {
                Array.Clear(TimeSeconds);
            }
        }
        else
        {
            for (var level = 1; level <= 3; level++)
            {
                var raised = Raised[level];
                for (var i = 0; i < raised.Count; i++)
                {
                    Levels[raised.Items[i].Node] = 0;
                    if (clearTimes)
                    {
                        TimeSeconds[raised.Items[i].Node] = 0;
                    }
                }
            }
        }

        if (TouchedGroups.Count > Groups.Length / DenseShare)
        {
            Array.Clear(Groups);
        }
        else
        {
            foreach (var group in TouchedGroups)
            {
                Groups[group] = default;
            }
        }

        for (var level = 1; level <= 3; level++)
        {
            Raised[level].Clear();
        }

        TouchedGroups.Clear();
        OriginEntries.Clear();
        Array.Clear(Overtaken);
        Delayed.Clear();
    }
}

/// <summary>
/// How many members of a group are, capped at their effects, at least at-risk, degraded and down. 16 bits
/// each (groups hold at most 65,535), half the size of ints: a group's counters are the one cache miss per
/// edge that a BFS does not have, so the more of them stay in cache the better.
/// </summary>
internal struct GroupCounts
{
    public ushort AtRisk;
    public ushort Degraded;
    public ushort Down;
}

/// <summary>One raise: the node, the entry of the raise that caused it (-1 for an origin's own) and the hops from an origin.</summary>
internal struct RaisedEntry
{
    public int Node;
    public int Parent;
    public int Depth;
}

/// <summary>The raises to one level, in order. <see cref="Head"/> is how far the list has been scanned.</summary>
internal sealed class RaisedList
{
    public RaisedEntry[] Items = new RaisedEntry[256];
    public int Count;
    public int Head;

    public void Add(int node, int parent, int depth)
    {
        if (Count == Items.Length)
        {
            Array.Resize(ref Items, Items.Length * 2);
        }

        Items[Count++] = new RaisedEntry { Node = node, Parent = parent, Depth = depth };
    }

    public void Clear() => Count = Head = 0;
}

internal enum StepKind : byte
{
    /// <summary>A node reaches a level.</summary>
    Raise,

    /// <summary>A grouped dependency's capped level rises.</summary>
    Member,
}
