namespace ImpactMap.Core.Resilience;

/// <summary>
/// The minimal solutions of a function with at most two variables each, kept as sorted arrays: the single
/// variables, and the pairs (neither member a single). The orders asked by default, held so that OR and AND
/// are merges and products of sorted arrays, and whether a pair is minimal is one look at its members.
/// </summary>
internal sealed class PairFamily
{
    public static readonly PairFamily Never = new([], [], holdsWithNone: false);
    public static readonly PairFamily Always = new([], [], holdsWithNone: true);

    public PairFamily(int[] singles, long[] pairs, bool holdsWithNone = false)
    {
        Singles = singles;
        Pairs = pairs;
        HoldsWithNone = holdsWithNone;
    }

    /// <summary>Sorted.</summary>
    public int[] Singles { get; }

    /// <summary>Sorted; each pair (a, b), a &lt; b, as a &lt;&lt; 32 | b.</summary>
    public long[] Pairs { get; }

    public bool HoldsWithNone { get; }

    public bool IsNever => !HoldsWithNone && Singles.Length == 0 && Pairs.Length == 0;

    public static long Pair(int a, int b) => a < b ? (long)a << 32 | (uint)b : (long)b << 32 | (uint)a;

    public static (int, int) Members(long pair) => ((int)(pair >> 32), (int)(pair & 0xffffffff));
}

/// <summary>
/// Families of cut sets of order 1 or 2 (see <see cref="PairFamily"/>): exact for every cut set up to that
/// order however large the function; work, the size of any one family and what all of them hold are bounded,
/// and past the bound the analysis knows only what a single failure does.
/// </summary>
internal sealed class PairFamilies(int variables, int order, long workBudget, CancellationToken cancellationToken) : IFailureAlgebra<PairFamily>
{
    /// <summary>The most sets one family may hold: 16 MB of pairs.</summary>
    public const int MaxFamily = 1 << 21;

    // Marks the singles of one family while another's pairs are checked against them; cleared after each use.
    private readonly bool[] _marked = new bool[variables];
    private readonly WorkBound _work = new(workBudget, cancellationToken);

    public PairFamily Never => PairFamily.Never;

    public PairFamily Always => PairFamily.Always;

    public PairFamily Variable(int v) => new([v], []);

    public bool Same(PairFamily a, PairFamily b) =>
        ReferenceEquals(a, b) || (a.HoldsWithNone == b.HoldsWithNone && a.Singles.AsSpan().SequenceEqual(b.Singles) && a.Pairs.AsSpan().SequenceEqual(b.Pairs));

    public IEnumerable<int> Singles(PairFamily f) => f.HoldsWithNone ? [] : f.Singles;

    public PairFamily Or(PairFamily a, PairFamily b)
    {
        if (a.HoldsWithNone || b.HoldsWithNone)
        {
            return Always;
        }

        if (a.IsNever || ReferenceEquals(a, b))
        {
            return b;
        }

        if (b.IsNever)
        {
            return a;
        }

        _work.Spend(a.Singles.Length + b.Singles.Length + a.Pairs.Length + b.Pairs.Length);
        var singles = Union(a.Singles, b.Singles);
        if (order < 2 || (a.Pairs.Length == 0 && b.Pairs.Length == 0))
        {
            return Held(new PairFamily(singles, []));
        }

        // Each side's pairs avoid its own singles; only the other side's can make one of them not minimal.
        Mark(b.Singles, true);
        var fromA = a.Pairs.Where(p => !Touches(p)).ToArray();
        Mark(b.Singles, false);
        Mark(a.Singles, true);
        var fromB = b.Pairs.Where(p => !Touches(p)).ToArray();
        Mark(a.Singles, false);
        return Held(new PairFamily(singles, Bounded(Union(fromA, fromB))));
    }

    public PairFamily And(PairFamily a, PairFamily b)
    {
        if (a.IsNever || b.IsNever)
        {
            return Never;
        }

        if (a.HoldsWithNone || b.HoldsWithNone)
        {
            return a.HoldsWithNone ? b : a;
        }

        if (ReferenceEquals(a, b))
        {
            return a;
        }

        _work.Spend(a.Singles.Length + b.Singles.Length + a.Pairs.Length + b.Pairs.Length);
        var singles = Intersection(a.Singles, b.Singles);
        if (order < 2)
        {
            return Held(new PairFamily(singles, []));
        }

        // A pair of one side holds the other side too when it has one of the other's singles or is one of its
        // pairs; it has none of its own side's singles, so none of the result's. The products of the singles
        // not shared are pairs of two different variables, none of them a single of the result, and none
        // equal to a pair of either side (which has no single of its own side).
        var fromA = HoldingAlso(a.Pairs, b);
        var fromB = HoldingAlso(b.Pairs, a);
        var onlyA = Difference(a.Singles, singles);
        var onlyB = Difference(b.Singles, singles);
        var products = (long)onlyA.Length * onlyB.Length;
        _work.Spend(products);
        if (products + fromA.Length + fromB.Length > MaxFamily)
        {
            throw new CutSetWorkExceededException();
        }

        var pairs = new long[products];
        var n = 0;
        foreach (var x in onlyA)
        {
            foreach (var y in onlyB)
            {
                pairs[n++] = PairFamily.Pair(x, y);
            }
        }

        Array.Sort(pairs);
        return Held(new PairFamily(singles, Bounded(Union(pairs, Union(fromA, fromB)))));
    }

    private long[] HoldingAlso(long[] pairs, PairFamily other)
    {
        Mark(other.Singles, true);
        var held = pairs.Where(p => Touches(p) || Array.BinarySearch(other.Pairs, p) >= 0).ToArray();
        Mark(other.Singles, false);
        return held;
    }

    private bool Touches(long pair)
    {
        var (x, y) = PairFamily.Members(pair);
        return _marked[x] || _marked[y];
    }

    private void Mark(int[] singles, bool marked)
    {
        foreach (var v in singles)
        {
            _marked[v] = marked;
        }
    }

    private PairFamily Held(PairFamily family)
    {
        _work.Hold(family.Singles.Length + 2L * family.Pairs.Length);
        return family;
    }

    private static long[] Bounded(long[] pairs) => pairs.Length > MaxFamily ? throw new CutSetWorkExceededException() : pairs;

    /// <summary>The sorted union of two sorted arrays without duplicates.</summary>
    private static T[] Union<T>(T[] a, T[] b) where T : IComparable<T>
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == 0 ? b : a;
        }

        var result = new T[a.Length + b.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            var c = a[i].CompareTo(b[j]);
            result[n++] = c <= 0 ? a[i] : b[j];
            i += c <= 0 ? 1 : 0;
            j += c >= 0 ? 1 : 0;
        }

        a.AsSpan(i).CopyTo(result.AsSpan(n));
        n += a.Length - i;
        b.AsSpan(j).CopyTo(result.AsSpan(n));
        n += b.Length - j;
        return n == result.Length ? result : result[..n];
    }

    private static int[] Intersection(int[] a, int[] b)
    {
        var result = new List<int>();
        for (int i = 0, j = 0; i < a.Length && j < b.Length;)
        {
            if (a[i] == b[j])
            {
                result.Add(a[i]);
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return [.. result];
    }

    /// <summary>The members of a that are not in b (b a subset of a, both sorted).</summary>
    private static int[] Difference(int[] a, int[] b)
    {
        if (b.Length == 0)
        {
            return a;
        }

        var result = new List<int>(a.Length - b.Length);
        var j = 0;
        foreach (var x in a)
        {
            if (j < b.Length && b[j] == x)
            {
                j++;
            }
            else
            {
                result.Add(x);
            }
        }

        return [.. result];
    }
}
