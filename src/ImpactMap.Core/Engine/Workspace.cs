using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Scratch arrays for one propagation at a time, sized to the graph and reused: a query clears only what it
/// touched, so a small blast radius costs time in its own size, not the graph's.
/// </summary>
internal sealed class Workspace
{
    public readonly NodeState[] Level;
    public readonly int[] Cause;          // provider whose change set the final level; -1 for an origin's own
    public readonly long[] TimeSeconds;   // when the final level was reached
    public readonly int[] Stamp;          // == CurrentStamp: in the allowed set (mask) of this query
    public readonly int[] ChainDepth;     // valid where ChainStamp == CurrentStamp
    public readonly int[] ChainStamp;
    public readonly int[] GroupAtLeast;   // per group: members capped at >= at-risk, >= degraded, >= down
    public readonly NodeState[] GroupLevel;
    public readonly List<int> TouchedNodes = [];
    public readonly List<int> TouchedGroups = [];
    public readonly EventQueue Now = new();
    public readonly PriorityQueue<Event, (long, int)> Later = new();
    public int CurrentStamp;

    public Workspace(CompiledGraph graph)
    {
        Level = new NodeState[graph.NodeCount];
        Cause = new int[graph.NodeCount];
        TimeSeconds = new long[graph.NodeCount];
        Stamp = new int[graph.NodeCount];
        ChainDepth = new int[graph.NodeCount];
        ChainStamp = new int[graph.NodeCount];
        GroupAtLeast = new int[graph.GroupCount * 3];
        GroupLevel = new NodeState[graph.GroupCount];
    }

    /// <summary>Starts a query: a fresh stamp, so old marks no longer count.</summary>
    public void Begin()
    {
        if (++CurrentStamp == int.MaxValue)
        {
            Array.Clear(Stamp);
            Array.Clear(ChainStamp);
            CurrentStamp = 1;
        }
    }

    /// <summary>Puts back to "all up" exactly what the last query changed.</summary>
    public void Reset()
    {
        foreach (var node in TouchedNodes)
        {
            Level[node] = NodeState.Up;
        }

        foreach (var group in TouchedGroups)
        {
            GroupAtLeast[group * 3] = GroupAtLeast[group * 3 + 1] = GroupAtLeast[group * 3 + 2] = 0;
            GroupLevel[group] = NodeState.Up;
        }

        TouchedNodes.Clear();
        TouchedGroups.Clear();
        Now.Clear();
        Later.Clear();
    }
}

/// <summary>
/// "Node reaches level at time", or, for a grouped dependency with a tolerance, "member reaches level at time".
/// </summary>
internal struct Event
{
    public int Target;      // node, or dependency slot when IsMember
    public int Cause;
    public int Depth;
    public long TimeSeconds;
    public NodeState Level;
    public NodeState OldLevel;  // members only: the capped level before
    public bool IsMember;
}

/// <summary>A growable FIFO of events at the current time; cheaper than a heap for the zero-tolerance bulk.</summary>
internal sealed class EventQueue
{
    private Event[] _items = new Event[256];
    private int _head;
    private int _tail;

    public bool IsEmpty => _head == _tail;

    public void Enqueue(in Event item)
    {
        if (_tail == _items.Length)
        {
            if (_head > _items.Length / 2)
            {
                Array.Copy(_items, _head, _items, 0, _tail - _head);
            }
            else
            {
                Array.Resize(ref _items, _items.Length * 2);
                Array.Copy(_items, _head, _items, 0, _tail - _head);
            }

            _tail -= _head;
            _head = 0;
        }

        _items[_tail++] = item;
    }

    public Event Dequeue() => _items[_head++];

    public void Clear() => _head = _tail = 0;
}
