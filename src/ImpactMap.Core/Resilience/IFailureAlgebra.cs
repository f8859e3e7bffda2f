namespace ImpactMap.Core.Resilience;

/// <summary>
/// Monotone Boolean functions of which nodes fail, in one representation or another: a decision diagram
/// (exact in everything, bounded in size), families of small cut sets (exact up to an order, any size), or
/// the values of 64 sampled failure sets at once.
/// </summary>
internal interface IFailureAlgebra<T>
{
    /// <summary>The function that never holds.</summary>
    T Never { get; }

    /// <summary>The function that always holds.</summary>
    T Always { get; }

    /// <summary>"This node fails."</summary>
    T Variable(int v);

    T Or(T a, T b);

    T And(T a, T b);

    bool Same(T a, T b);
}

internal static class FailureAlgebra
{
    /// <summary>
    /// At least k of the inputs hold, by the usual table over them (k-of-n); table is scratch of at least k + 1.
    /// Generic in the algebra so that a struct one (sampled bits) is compiled to plain word operations.
    /// </summary>
    public static T AtLeast<TAlgebra, T>(this TAlgebra algebra, int k, List<T> inputs, T[] table)
        where TAlgebra : IFailureAlgebra<T>
    {
        if (k <= 0)
        {
            return algebra.Always;
        }

        var n = inputs.Count;
        if (k > n)
        {
            return algebra.Never;
        }

        // table[j]: at least j of the inputs seen so far hold. After input i only the counts that the
        // remaining inputs can still lift to k are needed, and none above i + 1 can hold yet.
        table[0] = algebra.Always;
        for (var j = 1; j <= k; j++)
        {
            table[j] = algebra.Never;
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = Math.Min(k, i + 1); j >= Math.Max(1, k - (n - 1 - i)); j--)
            {
                table[j] = algebra.Or(table[j], algebra.And(table[j - 1], inputs[i]));
            }
        }

        return table[k];
    }
}
