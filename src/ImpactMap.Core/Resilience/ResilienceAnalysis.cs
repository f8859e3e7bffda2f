using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Resilience;

/// <summary>What can take one node to a level: the reverse of the blast radius.</summary>
/// <param name="Node">The node asked about.</param>
/// <param name="Level">The state asked about: the node reaches it or worse.</param>
/// <param name="MaxOrder">The largest cut sets listed, 1 to 4.</param>
/// <param name="Limit">At most this many cut sets are listed.</param>
public sealed record ResilienceQuery(string Node, NodeState Level = NodeState.Down, int MaxOrder = 2, int Limit = 1000)
{
    /// <summary>The most decision-diagram nodes the exact method may build before Monte Carlo takes over.</summary>
    public int DiagramBudget { get; init; } = 4_000_000;

    /// <summary>How long the exact method may build its diagram before Monte Carlo takes over.</summary>
    public TimeSpan DiagramTime { get; init; } = DefaultDiagramTime;

    /// <summary>
    /// Long enough for what the exact method decides quickly (a few hundred groups within tens of milliseconds),
    /// short enough that a cone beyond it still answers within a couple of seconds.
    /// </summary>
    public static readonly TimeSpan DefaultDiagramTime = TimeSpan.FromSeconds(0.5);

    /// <summary>Samples of the Monte Carlo estimate, when the exact method is over its budget.</summary>
    public int Samples { get; init; } = 100_000;

    /// <summary>How long sampling may go on once a tenth of the samples are in.</summary>
    public TimeSpan SamplingTime { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The most set operations the cut sets may take when the diagram is over its budget.</summary>
    public long FamilyWork { get; init; } = 200_000_000;
}

/// <summary>A minimal set of nodes whose joint failure takes the node to the level.</summary>
/// <param name="Nodes">Its members, by ordinal id.</param>
/// <param name="Probability">The product of the members' unavailabilities (0 where one has no availability).</param>
public sealed record CutSet(IReadOnlyList<string> Nodes, double Probability);

/// <summary>How much one node's availability matters, as fault-tree tools define it.</summary>
public sealed record NodeImportance(string Node, double Birnbaum, double Criticality, double Diagnosis, double Raw, double? Rrw);

/// <summary>A group of alternatives that one failure of something else defeats: a fallback on paper only.</summary>
/// <param name="Node">The node the group belongs to.</param>
/// <param name="Members">The alternatives (providers), by ordinal id.</param>
/// <param name="DefeatedBy">Each node (not a member) whose failure alone leaves fewer than need members working.</param>
public sealed record FalseFallback(string Node, string Group, int Need, IReadOnlyList<string> Members, IReadOnlyList<string> DefeatedBy);

/// <summary>One node of a ranking by unavailability: how likely it is to reach the level, and why.</summary>
/// <param name="SinglePoints">Order-1 cut sets other than the node itself.</param>
/// <param name="FalseFallbacks">Groups of alternatives upstream that one failure of a non-member defeats.</param>
public sealed record WeakNode(string Node, double Unavailability, int SinglePoints, int FalseFallbacks);

/// <summary>How the unavailability was found.</summary>
public enum ProbabilityMethod
{
    /// <summary>Exactly, over a binary decision diagram.</summary>
    Exact,

    /// <summary>Estimated by sampling failures and propagating them with the engine.</summary>
    MonteCarlo,
}

/// <summary>The answer to a <see cref="ResilienceQuery"/>.</summary>
/// <param name="CutSetsTruncated">Whether more minimal cut sets exist up to the order than are listed (or could be listed).</param>
/// <param name="Interval95">For Monte Carlo, the 95% (Wilson) interval of the unavailability.</param>
public sealed record ResilienceResult(
    string Node,
    NodeState Level,
    IReadOnlyList<CutSet> CutSets,
    bool CutSetsTruncated,
    double Unavailability,
    ProbabilityMethod Method,
    (double Low, double High)? Interval95,
    IReadOnlyList<NodeImportance> Importance,
    IReadOnlyList<FalseFallback> FalseFallbacks);

/// <summary>
/// "The node reaches the level" as a Boolean function of which nodes fail (each failed node an origin at down,
/// the engine's least fixpoint), built over the node's upstream cone by Kleene iteration (so cycles are
/// handled), as a decision diagram where one fits, then read for minimal cut sets, probability, importance
/// and false fallbacks.
/// </summary>
internal static class ResilienceAnalysis
{
    private const int Levels = 3;  // at-risk, degraded, down: NodeState values 1..3
    private const int SharedDiagramBudget = 200_000;

    public static ResilienceResult Run(PropagationEngine engine, int node, ResilienceQuery query, CancellationToken cancellationToken)
    {
        var g = engine.Compiled;
        var cone = Cone.Of(g, [node]);
        try
        {
            return Exact(g, cone, query, cancellationToken);
        }
        catch (BddBudgetExceededException)
        {
            return Sampled(g, cone, query, cancellationToken);
        }
    }

    /// <summary>Where a variable's function for a level sits among the functions Reaches builds.</summary>
    private static int At(int variable, NodeState level) => variable * Levels + (int)level - 1;

    /// <summary>
    /// The first cut sets as the answer lists them (the node itself, variable 0, first, then by size, probability
    /// descending and the sorted member ids, ordinal), and how many there are: only the first are kept and named.
    /// </summary>
    private static (List<CutSet> Listed, int Count) Ordered(CompiledGraph g, Cone cone, IEnumerable<int[]> sets, int limit)
    {
        // Members by their ids' ordinal rank: comparing ranks in order compares the sorted id lists.
        var byId = Enumerable.Range(0, cone.Count).Order(Comparer<int>.Create((x, y) => string.CompareOrdinal(g.IdOf(cone.Preorder[x]), g.IdOf(cone.Preorder[y])))).ToArray();
        var rank = new int[cone.Count];
        for (var i = 0; i < byId.Length; i++)
        {
            rank[byId[i]] = i;
        }

        var first = Comparer<(int[] Ranks, double P)>.Create((a, b) =>
        {
            var (aRoot, bRoot) = (a.Ranks is [var x] && x == rank[0], b.Ranks is [var y] && y == rank[0]);
            if (aRoot != bRoot)
            {
                return aRoot ? -1 : 1;
            }

            if (a.Ranks.Length != b.Ranks.Length)
            {
                return a.Ranks.Length.CompareTo(b.Ranks.Length);
            }

            if (a.P != b.P)
            {
                return b.P.CompareTo(a.P);
            }

            return a.Ranks.AsSpan().SequenceCompareTo(b.Ranks);
        });
        // The last of the kept on top, so that a set that comes before it replaces it.
        var kept = new PriorityQueue<(int[] Ranks, double P), (int[] Ranks, double P)>(Comparer<(int[] Ranks, double P)>.Create((a, b) => first.Compare(b, a)));
        var count = 0;
        foreach (var set in sets)
        {
            var entry = (set.Select(v => rank[v]).Order().ToArray(), set.Aggregate(1.0, (product, v) => product * cone.P[v]));
            count++;
            if (kept.Count < limit)
            {
                kept.Enqueue(entry, entry);
            }
            else if (limit > 0 && first.Compare(entry, kept.Peek()) < 0)
            {
                kept.DequeueEnqueue(entry, entry);
            }
        }

        var listed = kept.UnorderedItems.Select(item => item.Element).Order(first)
            .Select(e => new CutSet(e.Ranks.Select(r => g.IdOf(cone.Preorder[byId[r]])).ToList(), e.P)).ToList();
        return (listed, count);
    }

    private static ResilienceResult Exact(CompiledGraph g, Cone cone, ResilienceQuery query, CancellationToken cancellationToken)
    {
        var bdd = new Bdd(query.DiagramBudget, query.DiagramTime, cancellationToken);
        var reaches = Reaches(cone, bdd, Needed(query.Level), cancellationToken);
        var f = reaches[At(0, query.Level)];
        var p = cone.P;

        var (sets, capped) = bdd.MinimalSolutions(f, query.MaxOrder, Math.Max(query.Limit + 1, 100_000));
        if (capped)
        {
            // A capped step may have kept a set whose smaller subset it dropped: keep only sets that are minimal.
            sets = sets.Where(set => IsMinimalSolution(bdd, f, set)).ToList();
        }

        var (cutSets, count) = Ordered(g, cone, sets, query.Limit);

        var unavailability = bdd.Probability(f, p);
        var importance = new List<NodeImportance>();
        if (unavailability > 0)
        {
            var birnbaum = bdd.Birnbaum(f, p);
            foreach (var v in birnbaum.Keys.Order().Where(v => g.Source.Nodes[cone.Preorder[v]].Availability is not null))
            {
                var b = Math.Max(0, birnbaum[v]);
                var fails = Math.Min(1, unavailability + (1 - p[v]) * b);
                var works = unavailability - p[v] * b;
                if (works <= unavailability * 1e-9)
                {
                    // The difference has cancelled to noise: ask the diagram with v working, a sum of non-negative terms.
                    var saved = p[v];
                    p[v] = 0;
                    works = bdd.Probability(f, p);
                    p[v] = saved;
                }

                importance.Add(new NodeImportance(g.IdOf(cone.Preorder[v]), b, b * p[v] / unavailability, p[v] * fails / unavailability,
                    fails / unavailability, works > 0 ? unavailability / works : null));
            }

            importance.Sort((a, b) => a.Birnbaum != b.Birnbaum ? b.Birnbaum.CompareTo(a.Birnbaum) : string.CompareOrdinal(a.Node, b.Node));
        }

        return new ResilienceResult(g.IdOf(cone.Preorder[0]), query.Level, cutSets, capped || count > query.Limit,
            unavailability, ProbabilityMethod.Exact, null, importance, FalseFallbacks(g, cone, cancellationToken));
    }

    /// <summary>The levels a question about one needs: that one, and degraded for at-risk (a group short of members reaches it).</summary>
    private static bool[] Needed(NodeState level)
    {
        var needed = new bool[Levels];
        needed[(int)level - 1] = true;
        needed[(int)NodeState.Degraded - 1] |= level == NodeState.AtRisk;
        return needed;
    }

    /// <summary>
    /// For each cone variable, the functions "reaches at-risk", "degraded" and "down" (at <see cref="At"/>) at
    /// their least fixpoint, for the levels needed; the others stay Never: no level reads a higher one.
    /// </summary>
    private static T[] Reaches<T>(Cone cone, IFailureAlgebra<T> algebra, bool[] needed, CancellationToken cancellationToken) =>
        Reaches(cone, algebra, needed, cancellationToken, new T[cone.Count * Levels]);

    /// <summary>The same, into an array of <see cref="Cone.Count"/> times three, generic in the algebra for the struct one.</summary>
    private static T[] Reaches<TAlgebra, T>(Cone cone, TAlgebra algebra, bool[] needed, CancellationToken cancellationToken, T[] reaches)
        where TAlgebra : IFailureAlgebra<T>
    {
        Array.Fill(reaches, algebra.Never);
        var next = new T[Levels];
        var inputs = new List<T>(cone.MaxMembers);
        var table = new T[cone.MaxMembers + 1];
        // Providers come before dependents in post-order, so an acyclic cone settles in one pass; only a cycle
        // needs more, and a pass that changes nothing to see it has settled.
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var v in cone.Postorder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var own = algebra.Variable(v);
                for (var level = 0; level < Levels; level++)
                {
                    next[level] = needed[level] ? own : algebra.Never;
                }

                for (var i = cone.UngroupedStart[v]; i < cone.UngroupedStart[v + 1]; i++)
                {
                    var to = cone.UngroupedProvider[i];
                    for (var level = 0; level < (int)cone.UngroupedEffect[i]; level++)
                    {
                        if (needed[level])
                        {
                            next[level] = algebra.Or(next[level], reaches[to * Levels + level]);
                        }
                    }
                }

                for (var group = cone.GroupStart[v]; group < cone.GroupStart[v + 1]; group++)
                {
                    var members = cone.MemberStart[group + 1] - cone.MemberStart[group];
                    var need = cone.GroupNeed[group];
                    if (needed[(int)NodeState.Down - 1])
                    {
                        next[2] = algebra.Or(next[2], GroupAtLeast(cone, algebra, reaches, group, NodeState.Down, members - need + 1, inputs, table));
                    }

                    if (needed[(int)NodeState.Degraded - 1])
                    {
                        var degraded = GroupAtLeast(cone, algebra, reaches, group, NodeState.Degraded, members - need + 1, inputs, table);
                        next[1] = algebra.Or(next[1], degraded);
                        if (needed[(int)NodeState.AtRisk - 1])
                        {
                            // At-risk: fewer than need work, or some member is hit and no spare is left up.
                            var hit = GroupAtLeast(cone, algebra, reaches, group, NodeState.AtRisk, Math.Max(1, members - need), inputs, table);
                            next[0] = algebra.Or(next[0], algebra.Or(degraded, hit));
                        }
                    }
                }

                for (var level = 0; level < Levels; level++)
                {
                    if (needed[level] && !algebra.Same(reaches[v * Levels + level], next[level]))
                    {
                        reaches[v * Levels + level] = next[level];
                        changed = !cone.Acyclic;
                    }
                }
            }
        }

        return reaches;
    }

    /// <summary>At least k members of the group are at the level or worse, each capped at its dependency's effect.</summary>
    private static T GroupAtLeast<TAlgebra, T>(Cone cone, TAlgebra algebra, T[] reaches, int group, NodeState level, int k, List<T> inputs, T[] table)
        where TAlgebra : IFailureAlgebra<T>
    {
        inputs.Clear();
        for (var m = cone.MemberStart[group]; m < cone.MemberStart[group + 1]; m++)
        {
            inputs.Add(cone.MemberEffect[m] >= level ? reaches[At(cone.MemberProvider[m], level)] : algebra.Never);
        }

        return algebra.AtLeast(k, inputs, table);
    }

    /// <summary>
    /// Every one of the nodes with its unavailability, single points of failure (order-1 cut sets other than
    /// itself) and false fallbacks upstream: one diagram over the union of their cones, shared between them.
    /// </summary>
    public static List<WeakNode> Rank(
        PropagationEngine engine, IReadOnlyList<int> nodes, NodeState level, int budget, CancellationToken cancellationToken, int sharedBudget = SharedDiagramBudget)
    {
        var g = engine.Compiled;
        var cone = Cone.Of(g, nodes);
        try
        {
            // Shared only while it stays small: past that, one diagram per node is faster than a huge shared one.
            var bdd = new Bdd(Math.Min(budget, sharedBudget), ResilienceQuery.DefaultDiagramTime, cancellationToken);
            var reaches = Reaches(cone, bdd, Needed(level), cancellationToken);
            var owners = FalseFallbacks(g, cone, cancellationToken).Select(f => g.Source.IndexOf(f.Node)).ToList();
            var memo = bdd.NewMemo();
            return nodes.Select(n =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var variable = cone.VariableOf[n];
                var f = reaches[At(variable, level)];
                var upstream = Cone.Nodes(g, [n]).ToHashSet();
                return new WeakNode(g.IdOf(n), bdd.Probability(f, cone.P, memo), bdd.Singles(f).Count(v => v != variable),
                    owners.Count(upstream.Contains));
            }).ToList();
        }
        catch (BddBudgetExceededException)
        {
            // Too much for one diagram: each node on its own, one worker per core, each with the stack a diagram needs.
            var ranked = new WeakNode[nodes.Count];
            var next = -1;
            Exception? failure = null;
            var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
            {
                try
                {
                    for (var i = Interlocked.Increment(ref next); i < nodes.Count && failure is null; i = Interlocked.Increment(ref next))
                    {
                        ranked[i] = RankAlone(g, nodes[i], level, budget, cancellationToken);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            }, maxStackSize: 256 * 1024 * 1024)).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return [.. ranked];
        }
    }

    /// <summary>One node's place in a ranking, on its own diagram: no cut sets listed, no importance.</summary>
    private static WeakNode RankAlone(CompiledGraph g, int node, NodeState level, int budget, CancellationToken cancellationToken)
    {
        var cone = Cone.Of(g, [node]);
        try
        {
            var bdd = new Bdd(budget, ResilienceQuery.DefaultDiagramTime, cancellationToken);
            var f = Reaches(cone, bdd, Needed(level), cancellationToken)[At(0, level)];
            return new WeakNode(g.IdOf(node), bdd.Probability(f, cone.P), bdd.Singles(f).Count(v => v != 0), FalseFallbacks(g, cone, cancellationToken).Count);
        }
        catch (BddBudgetExceededException)
        {
            var one = Sampled(g, cone, new ResilienceQuery(g.IdOf(node), level, MaxOrder: 1, Limit: int.MaxValue), cancellationToken);
            return new WeakNode(one.Node, one.Unavailability, one.CutSets.Count(c => c.Nodes[0] != one.Node), one.FalseFallbacks.Count);
        }
    }

    /// <summary>
    /// Each group in the cone that one failure of a non-member defeats. Only single failures matter, so families
    /// of order 1 answer it exactly, apart from the diagram (which then needs only the level asked), and at a
    /// cost polynomial in the cone: their work is not bounded, but what they hold is (a 400 past it).
    /// </summary>
    private static List<FalseFallback> FalseFallbacks(CompiledGraph g, Cone cone, CancellationToken cancellationToken)
    {
        if (cone.GroupStart[^1] == 0)
        {
            // No group of alternatives upstream, so no fallback to be false: a long plain chain costs nothing here.
            return [];
        }

        try
        {
            return FalseFallbacksOf(g, cone, cancellationToken);
        }
        catch (CutSetWorkExceededException)
        {
            throw new ResilienceTooLargeException(g.IdOf(cone.Preorder[0]), cone.Count, WorkBound.MaxHeldWords);
        }
    }

    private static List<FalseFallback> FalseFallbacksOf(CompiledGraph g, Cone cone, CancellationToken cancellationToken)
    {
        var algebra = new PairFamilies(cone.Count, 1, long.MaxValue, cancellationToken);
        var reaches = Reaches(cone, algebra, Needed(NodeState.Degraded), cancellationToken);
        var found = new List<FalseFallback>();
        var inputs = new List<PairFamily>(cone.MaxMembers);
        var table = new PairFamily[cone.MaxMembers + 1];
        foreach (var v in cone.Postorder)
        {
            for (var group = cone.GroupStart[v]; group < cone.GroupStart[v + 1]; group++)
            {
                var (first, end) = (cone.MemberStart[group], cone.MemberStart[group + 1]);
                var need = cone.GroupNeed[group];
                // A member works while its state, capped at its effect, is below degraded.
                var defeated = GroupAtLeast(cone, algebra, reaches, group, NodeState.Degraded, end - first - need + 1, inputs, table);
                var members = cone.MemberProvider[first..end];
                var by = algebra.Singles(defeated).Where(s => !members.Contains(s)).Select(s => g.IdOf(cone.Preorder[s])).Order(StringComparer.Ordinal).ToList();
                if (by.Count > 0)
                {
                    found.Add(new FalseFallback(g.IdOf(cone.Preorder[v]), g.Source.Dependencies[cone.MemberDependency[first]].Group!, need,
                        members.Select(m => g.IdOf(cone.Preorder[m])).Order(StringComparer.Ordinal).ToList(), by));
                }
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node) is var byNode and not 0 ? byNode : string.CompareOrdinal(a.Group, b.Group));
        return found;
    }

    private static bool IsMinimalSolution(Bdd bdd, int f, int[] set) =>
        Holds(bdd, f, set) && set.All(left => !Holds(bdd, f, set.Where(v => v != left).ToArray()));

    private static bool Holds(Bdd bdd, int f, int[] trueVariables)
    {
        var set = trueVariables.ToHashSet();
        while (f > Bdd.True)
        {
            f = set.Contains(bdd.VariableOf(f)) ? bdd.High(f) : bdd.Low(f);
        }

        return f == Bdd.True;
    }

    /// <summary>
    /// Over the diagram's budget: the cut sets and false fallbacks from families of small cut sets (exact up to
    /// the order, however large the cone), the unavailability by sampling which cone nodes fail, 64 samples per
    /// evaluation of the cone; no importance. Past the families' work bound too, only the single points, each
    /// failure alone evaluated the same way, and the cut sets marked truncated when more was asked.
    /// </summary>
    private static ResilienceResult Sampled(CompiledGraph g, Cone cone, ResilienceQuery query, CancellationToken cancellationToken)
    {
        List<CutSet> cutSets;
        bool truncated;
        try
        {
            var needed = Needed(query.Level);
            var sets = query.MaxOrder <= 2
                ? SetsOf(Reaches(cone, new PairFamilies(cone.Count, query.MaxOrder, query.FamilyWork, cancellationToken), needed, cancellationToken)[At(0, query.Level)])
                : Reaches(cone, new CutSetFamilies(query.MaxOrder, query.FamilyWork, cancellationToken), needed, cancellationToken)[At(0, query.Level)];
            (cutSets, var count) = Ordered(g, cone, sets, query.Limit);
            truncated = count > query.Limit;
        }
        catch (CutSetWorkExceededException)
        {
            (cutSets, var count) = Ordered(g, cone, SinglePoints(cone, query.Level, cancellationToken).Select(v => new[] { v }), query.Limit);
            truncated = query.MaxOrder > 1 || count > query.Limit;
        }

        var fallbacks = FalseFallbacks(g, cone, cancellationToken);
        var (hits, samples) = Sample(cone, query, cancellationToken);
        return new ResilienceResult(g.IdOf(cone.Preorder[0]), query.Level, cutSets, truncated,
            (double)hits / samples, ProbabilityMethod.MonteCarlo, Wilson(hits, samples), [], fallbacks);
    }

    private static IEnumerable<int[]> SetsOf(PairFamily f) =>
        f.HoldsWithNone ? [[]] : f.Singles.Select(v => new[] { v }).Concat(f.Pairs.Select(PairFamily.Members).Select(m => new[] { m.Item1, m.Item2 }));

    /// <summary>The variables whose failure alone takes the root (variable 0) to the level: 64 of them tried per evaluation.</summary>
    private static List<int> SinglePoints(Cone cone, NodeState level, CancellationToken cancellationToken)
    {
        var bits = new SampleBits(cone.Count);
        var needed = Needed(level);
        var reaches = new ulong[cone.Count * Levels];
        var singles = new List<int>();
        for (var first = 0; first < cone.Count; first += 64)
        {
            Array.Clear(bits.Failed);
            for (var v = first; v < Math.Min(first + 64, cone.Count); v++)
            {
                bits.Failed[v] = 1UL << (v - first);
            }

            for (var hit = Reaches(cone, bits, needed, cancellationToken, reaches)[At(0, level)]; hit != 0; hit &= hit - 1)
            {
                singles.Add(first + System.Numerics.BitOperations.TrailingZeroCount(hit));
            }
        }

        return singles;
    }

    /// <summary>
    /// How many of the sampled failure sets take the root to the level, of how many drawn: up to the samples
    /// asked, but no longer than the sampling time once a tenth of them are in. Each variable's failures are
    /// drawn as geometric gaps between the samples it fails in, so a sample costs the failures it has.
    /// </summary>
    private static (int Hits, int Samples) Sample(Cone cone, ResilienceQuery query, CancellationToken cancellationToken)
    {
        var random = new Random(20261201);
        var p = cone.P;
        var logWorks = p.Select(q => q > 0 ? Math.Log(1 - q) : 0).ToArray();
        var nextFailure = new long[cone.Count];
        for (var v = 0; v < cone.Count; v++)
        {
            nextFailure[v] = p[v] > 0 ? Gap(v) : long.MaxValue;
        }

        var bits = new SampleBits(cone.Count);
        var needed = Needed(query.Level);
        var reaches = new ulong[cone.Count * Levels];
        var hits = 0;
        var samples = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (samples < query.Samples && (samples < query.Samples / 10 || clock.Elapsed < query.SamplingTime))
        {
            var width = Math.Min(64, query.Samples - samples);
            var end = samples + width;
            for (var v = 0; v < cone.Count; v++)
            {
                var failed = 0UL;
                for (; nextFailure[v] < end; nextFailure[v] += 1 + Gap(v))
                {
                    failed |= 1UL << (int)(nextFailure[v] - samples);
                }

                bits.Failed[v] = failed;
            }

            var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            hits += System.Numerics.BitOperations.PopCount(Reaches(cone, bits, needed, cancellationToken, reaches)[At(0, query.Level)] & mask);
            samples = end;
        }

        return (hits, samples);

        // Samples in which v works before it next fails: geometric, from one uniform draw in (0, 1].
        long Gap(int v) => (long)Math.Min(Math.Floor(Math.Log(1 - random.NextDouble()) / logWorks[v]), long.MaxValue / 4);
    }

    private static (double, double) Wilson(int hits, int samples)
    {
        const double z = 1.959963984540054;
        var phat = (double)hits / samples;
        var denominator = 1 + z * z / samples;
        var centre = (phat + z * z / (2 * samples)) / denominator;
        var half = z * Math.Sqrt(phat * (1 - phat) / samples + z * z / (4.0 * samples * samples)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
