using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>
/// Scratch arrays for one propagation at a time, sized to the graph and reused: a query clears only what it
/// touched, so a small blast radius costs time in its own size, not the graph's.
/// </summary>
internal sealed class Workspace
{
    public readonly NodeScratch[] Nodes;
    public readonly int[] Stamp;          // == CurrentStamp: in the allowed set (mask) of this query
    public readonly int[] OriginStamp;    // == CurrentStamp: an origin of this query
    public readonly int[] ChainDepth;     // valid where ChainStamp == CurrentStamp
    public readonly int[] ChainStamp;
    public readonly int[] GroupAtLeast;   // per group: members capped at >= at-risk, >= degraded, >= down
    public readonly NodeState[] GroupLevel;
    public readonly List<int> TouchedNodes = [];
    public readonly List<int> TouchedGroups = [];
    public readonly StepQueue Events = new();
    public readonly Stack<int> Chain = new();
    public int CurrentStamp;

    public Workspace(CompiledGraph graph)
    {
        Nodes = new NodeScratch[graph.NodeCount];
        Stamp = new int[graph.NodeCount];
        OriginStamp = new int[graph.NodeCount];
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
            Array.Clear(OriginStamp);
            Array.Clear(ChainStamp);
            CurrentStamp = 1;
        }
    }

    /// <summary>Puts back to "all up" exactly what the last query changed.</summary>
    public void Reset()
    {
        foreach (var node in TouchedNodes)
        {
            Nodes[node] = default;
        }

        foreach (var group in TouchedGroups)
        {
            GroupAtLeast[group * 3] = GroupAtLeast[group * 3 + 1] = GroupAtLeast[group * 3 + 2] = 0;
            GroupLevel[group] = NodeState.Up;
        }

        TouchedNodes.Clear();
        TouchedGroups.Clear();
        Events.Clear();
    }
}

/// <summary>
/// What propagation keeps per node, in one 16-byte slot so that raising a node costs one cache miss, not five.
/// </summary>
internal struct NodeScratch
{
    public NodeState Level;
    public NodeState Propagated;  // the level the node's dependents have been told about
    public NodeState QueuedAt;    // the highest level whose scan queue holds the node; Up for none
    public int Cause;             // the provider whose change set the final level; -1 for an origin's own
    public long TimeSeconds;      // when the final level was reached
}

internal enum EventKind : byte
{
    /// <summary>A node reaches a level (after a tolerance).</summary>
    Raise,

    /// <summary>A grouped dependency's capped level rises (after a tolerance).</summary>
    Member,

    /// <summary>Tell a node's dependents about the levels it reached since its last scan.</summary>
    Scan,
}

/// <summary>One step of propagation; its time is that of the bucket holding it.</summary>
internal struct Event
{
    public int Target;      // node, or edge slot for Member
    public int Cause;
    public NodeState Level;
    public NodeState OldLevel;  // Member only: the capped level before
    public EventKind Kind;
}

/// <summary>
/// The order of propagation steps. Time first: delayed events wait in one list per distinct time (times are
/// sums of tolerances, so there are few; a heap orders them). Within a time, every delayed event first, then
/// scans by level, down before degraded before at-risk: a scan never raises anything above its own level,
/// so a node is rarely scanned twice. Within a level, first in, first out, so explaining chains stay short.
/// </summary>
internal sealed class StepQueue
{
    private readonly Dictionary<long, EventList> _later = [];
    private readonly PriorityQueue<long, long> _times = new();
    private readonly Stack<EventList> _spare = new();
    private readonly IntQueue[] _scans = [new(), new(), new(), new()];
    private EventList _due = new();
    private int _nextDue;

    /// <summary>The time of the steps being handed out.</summary>
    public long Now { get; private set; }

    public void Scan(int node, NodeState level) => _scans[(int)level].Enqueue(node);

    /// <summary>An event at a later time.</summary>
    public void Add(in Event item, long time)
    {
        if (!_later.TryGetValue(time, out var list))
        {
            list = _spare.Count > 0 ? _spare.Pop() : new EventList();
            _later.Add(time, list);
            _times.Enqueue(time, time);
        }

        list.Add(item);
    }

    public bool TryTake(out Event item)
    {
        while (true)
        {
            if (_nextDue < _due.Count)
            {
                item = _due.Items[_nextDue++];
                return true;
            }

            for (var level = (int)NodeState.Down; level > 0; level--)
            {
                if (_scans[level].TryDequeue(out var node))
                {
                    item = new Event { Target = node, Kind = EventKind.Scan };
                    return true;
                }
            }

            if (!_times.TryDequeue(out var time, out _))
            {
                item = default;
                return false;
            }

            _due.Clear();
            _spare.Push(_due);
            _due = _later[time];
            _later.Remove(time);
            _nextDue = 0;
            Now = time;
        }
    }

    public void Clear()
    {
        foreach (var list in _later.Values)
        {
            list.Clear();
            _spare.Push(list);
        }

        _later.Clear();
        _times.Clear();
        _due.Clear();
        _nextDue = 0;
        foreach (var queue in _scans)
        {
            queue.Clear();
        }

        Now = 0;
    }

    private sealed class EventList
    {
        public Event[] Items = new Event[64];
        public int Count;

        public void Add(in Event item)
        {
            if (Count == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }

            Items[Count++] = item;
        }

        public void Clear() => Count = 0;
    }

    private sealed class IntQueue
    {
        private int[] _items = new int[256];
        private int _head;
        private int _tail;

        public void Enqueue(int item)
        {
            if (_tail == _items.Length)
            {
                if (_head > 0)
                {
                    Array.Copy(_items, _head, _items, 0, _tail - _head);
                    _tail -= _head;
                    _head = 0;
                }

                if (_tail == _items.Length)
                {
                    Array.Resize(ref _items, _items.Length * 2);
                }
            }

            _items[_tail++] = item;
        }

        public bool TryDequeue(out int item)
        {
            if (_head == _tail)
            {
                _head = _tail = 0;
                item = 0;
                return false;
            }

            item = _items[_head++];
            return true;
        }

        public void Clear() => _head = _tail = 0;
    }
}
