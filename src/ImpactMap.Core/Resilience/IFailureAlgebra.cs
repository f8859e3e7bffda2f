namespace ImpactMap.Core.Resilience;

/// <summary>
/// Monotone Boolean functions of which nodes fail, in one representation or another: a decision diagram
/// (exact in everything, bounded in size) or families of small cut sets (exact up to an order, any size).
/// </summary>
internal interface IFailureAlgebra<T>
{
    /// <summary>The function that never holds.</summary>
    T Never { get; }

    /// <summary>"This node fails."</summary>
    T Variable(int v);

    T Or(T a, T b);

    /// <summary>At least k of the inputs hold.</summary>
    T AtLeast(int k, IReadOnlyList<T> inputs);

    bool Same(T a, T b);

    /// <summary>The variables whose failure alone makes the function hold; none when it holds with none failing.</summary>
    IEnumerable<int> Singles(T f);
}
