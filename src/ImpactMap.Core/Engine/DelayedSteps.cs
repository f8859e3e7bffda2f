using ImpactMap.Core.Model;

namespace ImpactMap.Core.Engine;

/// <summary>A step that waits for a tolerance to run out; its time is that of the bucket holding it.</summary>
internal struct DelayedStep
{
    public int Target;      // node, or edge slot for Member
    public int Cause;       // the entry of the raise whose scan scheduled this
    public NodeState Level;
    public NodeState OldLevel;  // Member only: the capped level before
    public StepKind Kind;
}

/// <summary>
/// Steps waiting for a later time: one list per distinct time (times are sums of tolerances, so there are
/// few), and a heap of those times.
/// </summary>
internal sealed class DelayedSteps
{
    private readonly Dictionary<long, StepList> _byTime = [];
    private readonly PriorityQueue<long, long> _times = new();
    private readonly Stack<StepList> _spare = new();
    private StepList _due = new();

    /// <summary>The time of the steps last handed out; 0 before any.</summary>
    public long Now { get; private set; }

    public void Add(in DelayedStep step, long time)
    {
        if (!_byTime.TryGetValue(time, out var list))
        {
            list = _spare.Count > 0 ? _spare.Pop() : new StepList();
            _byTime.Add(time, list);
            _times.Enqueue(time, time);
        }

        list.Add(step);
    }

    /// <summary>Moves the clock to the next time with steps and hands them out; false when none are left.</summary>
    public bool TryAdvance(out ReadOnlySpan<DelayedStep> due)
    {
        if (!_times.TryDequeue(out var time, out _))
        {
            due = default;
            return false;
        }

        _due.Clear();
        _spare.Push(_due);
        _due = _byTime[time];
        _byTime.Remove(time);
        Now = time;
        due = _due.Items.AsSpan(0, _due.Count);
        return true;
    }

    public void Clear()
    {
        foreach (var list in _byTime.Values)
        {
            list.Clear();
            _spare.Push(list);
        }

        _byTime.Clear();
        _times.Clear();
        _due.Clear();
        Now = 0;
    }

    private sealed class StepList
    {
        public DelayedStep[] Items = new DelayedStep[64];
        public int Count;

        public void Add(in DelayedStep item)
        {
            if (Count == Items.Length)
            {
                Array.Resize(ref Items, Items.Length * 2);
            }

            Items[Count++] = item;
        }

        public void Clear() => Count = 0;
    }
}
