namespace ImpactMap.Core.Resilience;

/// <summary>The BDD grew past its node budget or its time: the function is too large to decide exactly within bounds.</summary>
public sealed class BddBudgetExceededException(string reason) : Exception(reason);

/// <summary>
/// A node's upstream cone is too entangled to tell its false fallbacks within bounds: the families of single
/// failures that defeat its groups would hold more than <paramref name="maxHeldWords"/> words.
/// </summary>
public sealed class ResilienceTooLargeException(string node, int coneNodes, long maxHeldWords)
    : Exception($"the false fallbacks upstream of '{node}' ({coneNodes} nodes in its cone) cannot be told within the analysis's memory bound ({maxHeldWords} words)")
{
    /// <summary>The node asked about.</summary>
    public string Node { get; } = node;

    /// <summary>How many nodes its upstream cone holds.</summary>
    public int ConeNodes { get; } = coneNodes;
}

/// <summary>
/// A reduced ordered binary decision diagram over variables 0..n-1 (0 nearest the root), for the monotone
/// functions of which nodes fail. Nodes are ints: 0 is false, 1 is true. Bounded by a node budget.
/// </summary>
internal sealed class Bdd : IFailureAlgebra<int>
{
    public const int False = 0, True = 1;
    private const int TerminalVariable = int.MaxValue;

    private const int MaxCacheBits = 20;

    private readonly int _budget;
    private readonly long _deadline;
    private readonly TimeSpan _time;
    private readonly CancellationToken _cancellationToken;

    // Nodes as three parallel arrays; 0 and 1 are the terminals.
    private int[] _variable = new int[1024];
    private int[] _low = new int[1024];
    private int[] _high = new int[1024];
    private int _count = 2;
    private long _applied;

    // The unique table: open addressing over node indices (0 = empty slot), kept at most half full.
    private int[] _unique = new int[2048];

    // The computed table for AND and OR: direct-mapped and lossy, as in BDD packages (a miss only costs a
    // recomputation); it grows with the diagram, so a small diagram does not pay for a large table.
    private int _cacheBits = 10;
    private long[] _cacheKey = NewCacheKeys(10);
    private int[] _cacheValue = new int[1 << 10];

    /// <summary>The most sets <see cref="MinimalSolutions"/> keeps for all nodes together (a reference each, and the sets it adds).</summary>
    public const long MaxMinimalSolutionsHeld = 8_000_000;

    /// <param name="time">How long building may go on: a diagram that grows slowly is as much too large as one that grows big.</param>
    public Bdd(int budget, TimeSpan time, CancellationToken cancellationToken)
    {
        _budget = budget;
        _time = time;
        _deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _cancellationToken = cancellationToken;
        _variable[0] = _variable[1] = TerminalVariable;
        _low[1] = _high[1] = 1;
    }

    private static long[] NewCacheKeys(int bits)
    {
        var keys = new long[1 << bits];
        Array.Fill(keys, -1);
        return keys;
    }

    public int Count => _count;

    /// <inheritdoc />
    public int Never => False;

    /// <inheritdoc />
    public int Always => True;

    /// <inheritdoc />
    public bool Same(int a, int b) => a == b;

    public int VariableOf(int node) => _variable[node];

    public int Low(int node) => _low[node];

    public int High(int node) => _high[node];

    public int Variable(int variable) => Make(variable, False, True);

    private static int Hash(int variable, int low, int high) =>
        (int)((uint)(variable * 12582917 ^ low * 4256249 ^ high * 741457) & 0x7fffffff);

    private int Make(int variable, int low, int high)
    {
        if (low == high)
        {
            return low;
        }

        var mask = _unique.Length - 1;
        var slot = Hash(variable, low, high) & mask;
        for (var found = _unique[slot]; found != 0; found = _unique[slot = (slot + 1) & mask])
        {
            if (_variable[found] == variable && _low[found] == low && _high[found] == high)
            {
                return found;
            }
        }

        if (_count >= _budget)
        {
            throw new BddBudgetExceededException($"the decision diagram needs more than {_budget:N0} nodes");
        }


        if (_count == _variable.Length)
        {
            Array.Resize(ref _variable, _count * 2);
            Array.Resize(ref _low, _count * 2);
            Array.Resize(ref _high, _count * 2);
        }

        if (_count > 1 << _cacheBits && _cacheBits < MaxCacheBits)
        {
            _cacheBits++;
            _cacheKey = NewCacheKeys(_cacheBits);
            _cacheValue = new int[1 << _cacheBits];
        }

        var node = _count++;
        _variable[node] = variable;
        _low[node] = low;
        _high[node] = high;
        _unique[slot] = node;
        if (_count * 2 > _unique.Length)
        {
            Rehash();
        }

        return node;
    }

    private void Rehash()
    {
        _unique = new int[_unique.Length * 2];
        var mask = _unique.Length - 1;
        for (var node = 2; node < _count; node++)
        {
            var slot = Hash(_variable[node], _low[node], _high[node]) & mask;
            while (_unique[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _unique[slot] = node;
        }
    }

    public int And(int a, int b)
    {
        if (a == False || b == False)
        {
            return False;
        }

        if (a == True || a == b)
        {
            return b;
        }

        if (b == True)
        {
            return a;
        }

        return Apply(a, b, 0);
    }

    public int Or(int a, int b)
    {
        if (a == True || b == True)
        {
            return True;
        }

        if (a == False || a == b)
        {
            return b;
        }

        if (b == False)
        {
            return a;
        }

        return Apply(a, b, 1);
    }

    private int Apply(int a, int b, int op)
    {
        // Checked by operations, not by nodes made: a large diagram spends long stretches finding what it has.
        if ((++_applied & 4095) == 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (System.Diagnostics.Stopwatch.GetTimestamp() > _deadline)
            {
                throw new BddBudgetExceededException($"the decision diagram needs more than {_time.TotalSeconds:0.###} s");
            }
        }

        if (a > b)
        {
            (a, b) = (b, a);
        }

        var key = ((long)a << 32 | (uint)b) * 2 + op;
        var slot = (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> (64 - _cacheBits));
        if (_cacheKey[slot] == key)
        {
            return _cacheValue[slot];
        }

        var (v, a0, a1, b0, b1) = Split(a, b);
        var result = op == 0 ? Make(v, And(a0, b0), And(a1, b1)) : Make(v, Or(a0, b0), Or(a1, b1));
        _cacheKey[slot] = key;
        _cacheValue[slot] = result;
        return result;
    }

    private (int Variable, int A0, int A1, int B0, int B1) Split(int a, int b)
    {
        var va = _variable[a];
        var vb = _variable[b];
        var v = Math.Min(va, vb);
        return (v,
            va == v ? _low[a] : a, va == v ? _high[a] : a,
            vb == v ? _low[b] : b, vb == v ? _high[b] : b);
    }

    /// <summary>The probability the function holds, each variable true (failed) with its own probability.</summary>
    public double Probability(int f, IReadOnlyList<double> probabilities) => Probability(f, probabilities, NewMemo());

    /// <summary>
    /// A memo for <see cref="Probability(int, IReadOnlyList{double}, double[])"/> over the nodes made so far, to
    /// share between functions that share nodes: an array, since a diagram's nodes are dense indices.
    /// </summary>
    public double[] NewMemo()
    {
        var memo = new double[_count];
        Array.Fill(memo, double.NaN);
        (memo[False], memo[True]) = (0, 1);
        return memo;
    }

    public double Probability(int f, IReadOnlyList<double> p, double[] memo)
    {
        if (!double.IsNaN(memo[f]))
        {
            return memo[f];
        }

        var q = p[_variable[f]];
        var value = (1 - q) * Probability(_low[f], p, memo) + q * Probability(_high[f], p, memo);
        memo[f] = value;
        return value;
    }

    /// <summary>
    /// The Birnbaum importance of every variable the function depends on (its support): dP/dp_v, as the sum over the nodes labelled v of the probability
    /// of reaching that node times the difference its two branches make. One pass down and one up.
    /// </summary>
    public Dictionary<int, double> Birnbaum(int f, IReadOnlyList<double> p)
    {
        var up = NewMemo();
        Probability(f, p, up);
        var reach = new double[_count];
        reach[f] = 1;
        var result = new Dictionary<int, double>();
        foreach (var node in TopologicalFromRoot(f))
        {
            var mass = reach[node];
            var v = _variable[node];
            var q = p[v];
            result[v] = result.GetValueOrDefault(v) + mass * (up[_high[node]] - up[_low[node]]);
            reach[_low[node]] += mass * (1 - q);
            reach[_high[node]] += mass * q;
        }

        return result;
    }

    /// <summary>The internal nodes under f, each before its children (by variable: children have larger ones).</summary>
    private List<int> TopologicalFromRoot(int f)
    {
        var seen = new bool[_count];
        var stack = new Stack<int>();
        stack.Push(f);
        var nodes = new List<int>();
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node <= True || seen[node])
            {
                continue;
            }

            seen[node] = true;
            nodes.Add(node);
            stack.Push(_low[node]);
            stack.Push(_high[node]);
        }

        // Ordered by variable, every node comes after every node that can reach it.
        var ordered = nodes.ToArray();
        Array.Sort(ordered.Select(n => _variable[n]).ToArray(), ordered);
        return [.. ordered];
    }

    /// <summary>Whether the function holds when no variable is true.</summary>
    public bool HoldsWithNone(int f)
    {
        while (f > True)
        {
            f = _low[f];
        }

        return f == True;
    }

    /// <summary>The variables whose failure alone makes the function hold (empty when it holds with none).</summary>
    public SortedSet<int> Singles(int f)
    {
        var result = new SortedSet<int>();
        if (HoldsWithNone(f))
        {
            return result;
        }

        // Along the all-false path, each node's high branch taken alone, then all false again.
        for (var node = f; node > True; node = _low[node])
        {
            if (HoldsWithNone(_high[node]))
            {
                result.Add(_variable[node]);
            }
        }

        return result;
    }

    /// <summary>
    /// The minimal solutions of a monotone function with at most maxOrder variables each (Rauzy's recursion:
    /// those of the low branch, and the high branch's with the variable added unless they contain one of the low
    /// branch's). At most cap sets are kept per step; capped tells whether any step had more.
    /// </summary>
    public (List<int[]> Sets, bool Capped) MinimalSolutions(int f, int maxOrder, int cap)
    {
        var memo = new Dictionary<(int, int), List<int[]>>();
        var capped = false;
        // Every node's list is kept, and on a long chain each holds all the failures below it: past this many
        // sets in all, the sets are left to the families, which bound what they hold.
        var held = 0L;
        var sets = Solve(f, maxOrder);
        return (sets, capped);

        List<int[]> Solve(int node, int order)
        {
            if (node == False || order < 0)
            {
                return [];
            }

            if (node == True)
            {
                return [[]];
            }

            if (memo.TryGetValue((node, order), out var known))
            {
                return known;
            }

            var low = Solve(_low[node], order);
            var result = new List<int[]>(low);
            if (order > 0)
            {
                var v = _variable[node];
                foreach (var set in Solve(_high[node], order - 1))
                {
                    if (!low.Any(l => IsSubset(l, set)))
                    {
                        if (result.Count >= cap)
                        {
                            capped = true;
                            break;
                        }

                        result.Add([v, .. set]);
                    }
                }
            }

            held += result.Count;
            if (held > MaxMinimalSolutionsHeld)
            {
                throw new BddBudgetExceededException($"its minimal solutions would hold more than {MaxMinimalSolutionsHeld:N0} sets while found");
            }

            if ((memo.Count & 0xfff) == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
            }

            memo[(node, order)] = result;
            return result;
        }
    }

    // Sets hold variables in increasing order (each added variable is smaller than those below it).
    private static bool IsSubset(int[] small, int[] large)
    {
        if (small.Length > large.Length)
        {
            return false;
        }

        var j = 0;
        foreach (var x in small)
        {
            while (j < large.Length && large[j] < x)
            {
                j++;
            }

            if (j == large.Length || large[j] != x)
            {
                return false;
            }

            j++;
        }

        return true;
    }
}
