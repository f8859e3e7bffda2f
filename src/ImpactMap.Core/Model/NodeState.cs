namespace ImpactMap.Core.Model;

/// <summary>How badly a node is affected, ordered from best to worst.</summary>
public enum NodeState : byte
{
    /// <summary>Working normally.</summary>
    Up = 0,

    /// <summary>Working, but with no spare left: the next failure hurts.</summary>
    AtRisk = 1,

    /// <summary>Working with reduced function.</summary>
    Degraded = 2,

    /// <summary>Not working.</summary>
    Down = 3,
}

/// <summary>The wire names of <see cref="NodeState"/>: <c>up</c>, <c>at-risk</c>, <c>degraded</c>, <c>down</c>.</summary>
public static class NodeStates
{
    /// <summary>The wire name of a state.</summary>
    public static string ToWire(this NodeState state) => state switch
    {
        NodeState.Up => "up",
        NodeState.AtRisk => "at-risk",
        NodeState.Degraded => "degraded",
        NodeState.Down => "down",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? text, out NodeState state)
    {
        switch (text)
        {
            case "up": state = NodeState.Up; return true;
            case "at-risk": state = NodeState.AtRisk; return true;
            case "degraded": state = NodeState.Degraded; return true;
            case "down": state = NodeState.Down; return true;
            default: state = NodeState.Up; return false;
        }
    }

    /// <summary>The worse of two states.</summary>
    public static NodeState Worst(NodeState a, NodeState b) => a >= b ? a : b;
}
