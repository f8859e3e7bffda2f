namespace ImpactMap.Core.Resilience;

/// <summary>
/// Boolean functions of which nodes fail, each held as its family of minimal solutions of at most a given size
/// (sets of variables in increasing order): OR is the union, AND the pairwise unions, both kept minimal. Exact
/// for every cut set up to that size however large the function, where a decision diagram may not fit; work is
/// bounded, and past the bound the analysis knows only what a single failure does.
/// </summary>
internal sealed class CutSetFamilies(int order, long workBudget, CancellationToken cancellationToken) : IFailureAlgebra<List<int[]>>
{
    public List<int[]> Always { get; } = [[]];

    public List<int[]> Never { get; } = [];

    private readonly WorkBound _work = new(workBudget, cancellationToken);

    public List<int[]> Variable(int v) => [[v]];

    public List<int[]> Or(List<int[]> a, List<int[]> b) =>
        a.Count == 0 ? b : b.Count == 0 ? a : ReferenceEquals(a, Always) || ReferenceEquals(b, Always) ? Always : Minimize(a.Concat(b));

    public List<int[]> And(List<int[]> a, List<int[]> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return Never;
        }

        if (ReferenceEquals(a, Always) || ReferenceEquals(b, Always))
        {
            return ReferenceEquals(a, Always) ? b : a;
        }

        var unions = new List<int[]>();
        foreach (var x in a)
        {
            _work.Spend(b.Count);
            if (unions.Count > PairFamilies.MaxFamily)
            {
                throw new CutSetWorkExceededException();
            }
            foreach (var y in b)
            {
                if (Union(x, y) is { } union)
                {
                    unions.Add(union);
                }
            }
        }

        return Minimize(unions);
    }

    /// <summary>Whether two families hold the same sets (families are kept minimal, so as sets of keys).</summary>
    public bool Same(List<int[]> a, List<int[]> b) =>
        ReferenceEquals(a, b) || (a.Count == b.Count && a.Select(Key).ToHashSet().SetEquals(b.Select(Key)));

    private int[]? Union(int[] x, int[] y)
    {
        var result = new int[Math.Min(order + 1, x.Length + y.Length)];
        int i = 0, j = 0, n = 0;
        while (i < x.Length || j < y.Length)
        {
            int next;
            if (j == y.Length || (i < x.Length && x[i] < y[j]))
            {
                next = x[i++];
            }
            else if (i == x.Length || y[j] < x[i])
            {
                next = y[j++];
            }
            else
            {
                next = x[i++];
                j++;
            }

            if (n == order)
            {
                return null;
            }

            result[n++] = next;
        }

        return n == result.Length ? result : result[..n];
    }

    /// <summary>Without duplicates and without any set that contains another.</summary>
    private List<int[]> Minimize(IEnumerable<int[]> sets)
    {
        var kept = new HashSet<(int, int, int, int)>();
        var result = new List<int[]>();
        foreach (var set in sets.OrderBy(s => s.Length))
        {
            _work.Spend(1);
            if (kept.Contains(Key(set)) || HasKeptSubset(set, kept))
            {
                continue;
            }

            kept.Add(Key(set));
            result.Add(set);
            // A reference and the set itself (counted again where sets are shared: a bound, not an account).
            _work.Hold(2 + set.Length);
        }

        return result;
    }

    private static bool HasKeptSubset(int[] set, HashSet<(int, int, int, int)> kept)
    {
        // Sets hold at most four variables: their proper subsets are few enough to look up one by one.
        var subsets = 1 << set.Length;
        Span<int> subset = stackalloc int[4];
        for (var mask = 0; mask < subsets - 1; mask++)
        {
            var n = 0;
            for (var bit = 0; bit < set.Length; bit++)
            {
                if ((mask & (1 << bit)) != 0)
                {
                    subset[n++] = set[bit];
                }
            }

            if (kept.Contains(Key(subset[..n])))
            {
                return true;
            }
        }

        return false;
    }

    private static (int, int, int, int) Key(int[] set) => Key(set.AsSpan());

    private static (int, int, int, int) Key(ReadOnlySpan<int> set) =>
        (set.Length > 0 ? set[0] : -1, set.Length > 1 ? set[1] : -1, set.Length > 2 ? set[2] : -1, set.Length > 3 ? set[3] : -1);
}

/// <summary>The cut sets needed more work than their bound allows.</summary>
internal sealed class CutSetWorkExceededException : Exception;

/// <summary>
/// Work counted against a bound, and a check for cancellation every so often; and what the families made so far
/// hold, against a bound of its own. Families are kept for every node of a cone, so on a long chain (each node's
/// family holds every single failure upstream of it) what they hold grows with the square of its length while
/// the work stays within its bound until gigabytes are held.
/// </summary>
internal sealed class WorkBound(long budget, CancellationToken cancellationToken)
{
    /// <summary>The most 4-byte words all families of one analysis may hold together: 128 MB.</summary>
    public const long MaxHeldWords = 32_000_000;

    private long _spent;
    private long _sinceCheck;
    private long _held;

    /// <summary>Counts a family just made, of <paramref name="words"/> 4-byte words.</summary>
    public void Hold(long words)
    {
        _held += words;
        if (_held > MaxHeldWords)
        {
            throw new CutSetWorkExceededException();
        }
    }

    public void Spend(long work)
    {
        _spent += work;
        _sinceCheck += work;
        if (_sinceCheck > 1 << 16)
        {
            _sinceCheck = 0;
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (_spent > budget)
        {
            throw new CutSetWorkExceededException();
        }
    }
}
