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

    /// <summary>Samples of the Monte Carlo estimate, when the exact method is over its budget.</summary>
    public int Samples { get; init; } = 100_000;

    /// <summary>How long sampling may go on once a tenth of the samples are in.</summary>
    public TimeSpan SamplingTime { get; init; } = TimeSpan.FromSeconds(1);

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
/// the engine's least fixpoint), built as a BDD over the node's upstream cone by Kleene iteration (so cycles
/// are handled), then read for minimal cut sets, probability, importance and false fallbacks.
/// </summary>
internal static class ResilienceAnalysis
{
    private const int Levels = 3;  // at-risk, degraded, down: NodeState values 1..3
    private const int SharedDiagramBudget = 200_000;

    public static ResilienceResult Run(PropagationEngine engine, int node, ResilienceQuery query, CancellationToken cancellationToken)
    {
        var g = engine.Compiled;
        var (cone, variableOf, probabilities) = Variables(g, [node]);
        try
        {
            return Exact(g, node, query, cone, variableOf, probabilities, cancellationToken);
        }
        catch (BddBudgetExceededException)
        {
            return Sampled(engine, node, query, cone, variableOf, probabilities, cancellationToken);
        }
    }

    /// <summary>Cut sets as the answer lists them: the node itself first, then by size, probability descending and ids.</summary>
    private static List<CutSet> Ordered(CompiledGraph g, int node, List<int> preorder, IEnumerable<int[]> sets, double[] p) =>
        sets
            .Select(set => new CutSet(set.Select(v => g.IdOf(preorder[v])).Order(StringComparer.Ordinal).ToList(), set.Aggregate(1.0, (product, v) => product * p[v])))
            .OrderBy(c => c.Nodes is [var only] && only == g.IdOf(node) ? 0 : 1)
            .ThenBy(c => c.Nodes.Count)
            .ThenByDescending(c => c.Probability)
            .ThenBy(c => string.Join('\n', c.Nodes), StringComparer.Ordinal)
            .ToList();

    private static ResilienceResult Exact(
        CompiledGraph g, int node, ResilienceQuery query, (List<int> Preorder, List<int> Postorder) cone,
        Dictionary<int, int> variableOf, double[] p, CancellationToken cancellationToken)
    {
        var bdd = new Bdd(query.DiagramBudget, cancellationToken);
        var reaches = Reaches(g, bdd, cone.Postorder, variableOf, Needed(query.Level, falseFallbacks: true), cancellationToken);
        var f = reaches[node][(int)query.Level - 1];
        var idOf = (int v) => g.IdOf(cone.Preorder[v]);

        var (sets, capped) = bdd.MinimalSolutions(f, query.MaxOrder, Math.Max(query.Limit + 1, 100_000));
        if (capped)
        {
            // A capped step may have kept a set whose smaller subset it dropped: keep only sets that are minimal.
            sets = sets.Where(set => IsMinimalSolution(bdd, f, set)).ToList();
        }

        var cutSets = Ordered(g, node, cone.Preorder, sets, p);

        var unavailability = bdd.Probability(f, p);
        var importance = new List<NodeImportance>();
        if (unavailability > 0)
        {
            var birnbaum = bdd.Birnbaum(f, p);
            foreach (var v in bdd.Support(f).Where(v => g.Source.Nodes[cone.Preorder[v]].Availability is not null))
            {
                var b = Math.Max(0, birnbaum.GetValueOrDefault(v));
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

                importance.Add(new NodeImportance(idOf(v), b, b * p[v] / unavailability, p[v] * fails / unavailability,
                    fails / unavailability, works > 0 ? unavailability / works : null));
            }

            importance.Sort((a, b) => a.Birnbaum != b.Birnbaum ? b.Birnbaum.CompareTo(a.Birnbaum) : string.CompareOrdinal(a.Node, b.Node));
        }

        return new ResilienceResult(g.IdOf(node), query.Level, cutSets.Take(query.Limit).ToList(), capped || cutSets.Count > query.Limit,
            unavailability, ProbabilityMethod.Exact, null, importance, FalseFallbacks(g, bdd, reaches, cone.Postorder, cone.Preorder));
    }

    /// <summary>
    /// The levels a question needs: the one asked (at-risk also reads degraded, which a group short of members
    /// reaches), and degraded whenever false fallbacks are read, since a member works while below it.
    /// </summary>
    private static bool[] Needed(NodeState? level, bool falseFallbacks)
    {
        var needed = new bool[Levels];
        if (level is { } asked)
        {
            needed[(int)asked - 1] = true;
        }

        needed[(int)NodeState.Degraded - 1] |= falseFallbacks || level == NodeState.AtRisk;
        return needed;
    }

    /// <summary>
    /// For each cone node, the functions "reaches at-risk", "degraded" and "down" at their least fixpoint, for
    /// the levels needed (the others stay Never: no level reads a higher one, so they are not missed).
    /// </summary>
    private static Dictionary<int, T[]> Reaches<T>(
        CompiledGraph g, IFailureAlgebra<T> bdd, List<int> postorder, Dictionary<int, int> variableOf, bool[] needed, CancellationToken cancellationToken)
    {
        var reaches = postorder.ToDictionary(n => n, _ => new[] { bdd.Never, bdd.Never, bdd.Never });
        var resolved = g.Source.Edges;
        // Providers come before dependents in post-order, so an acyclic cone settles in one pass; only a cycle
        // needs more, and a pass that changes nothing to see it has settled.
        var acyclic = IsTopological(g, postorder, variableOf);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var n in postorder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var own = bdd.Variable(variableOf[n]);
                var next = new T[Levels];
                for (var level = 0; level < Levels; level++)
                {
                    next[level] = needed[level] ? own : bdd.Never;
                }

                var (ungrouped, groups) = ProvidersOf(g, n);
                foreach (var (to, effect) in ungrouped)
                {
                    for (var level = 1; level <= (int)effect; level++)
                    {
                        if (needed[level - 1])
                        {
                            next[level - 1] = bdd.Or(next[level - 1], reaches[to][level - 1]);
                        }
                    }
                }

                foreach (var (group, members) in groups)
                {
                    var need = resolved.GroupNeed[group];
                    if (needed[(int)NodeState.Down - 1])
                    {
                        next[2] = bdd.Or(next[2], GroupAtLeast(bdd, reaches, members, NodeState.Down, members.Count - need + 1));
                    }

                    if (needed[(int)NodeState.Degraded - 1])
                    {
                        var degraded = GroupAtLeast(bdd, reaches, members, NodeState.Degraded, members.Count - need + 1);
                        next[1] = bdd.Or(next[1], degraded);
                        if (needed[(int)NodeState.AtRisk - 1])
                        {
                            // At-risk: fewer than need work, or some member is hit and no spare is left up.
                            next[0] = bdd.Or(next[0], bdd.Or(degraded, GroupAtLeast(bdd, reaches, members, NodeState.AtRisk, Math.Max(1, members.Count - need))));
                        }
                    }
                }

                var current = reaches[n];
                for (var level = 0; level < Levels; level++)
                {
                    if (needed[level] && !bdd.Same(current[level], next[level]))
                    {
                        current[level] = next[level];
                        changed = !acyclic;
                    }
                }
            }
        }

        return reaches;
    }

    /// <summary>Whether every provider comes before its dependent in the post-order: the cone has no cycle.</summary>
    private static bool IsTopological(CompiledGraph g, List<int> postorder, Dictionary<int, int> variableOf)
    {
        var position = new int[postorder.Count];
        for (var i = 0; i < postorder.Count; i++)
        {
            position[variableOf[postorder[i]]] = i;
        }

        foreach (var n in postorder)
        {
            for (var i = g.ProviderStart[n]; i < g.ProviderStart[n + 1]; i++)
            {
                if (position[variableOf[g.Provider[i]]] >= position[variableOf[n]])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Every one of the nodes with its unavailability, single points of failure (order-1 cut sets other than
    /// itself) and false fallbacks upstream: one diagram over the union of their cones, shared between them.
    /// </summary>
    public static List<WeakNode> Rank(
        PropagationEngine engine, IReadOnlyList<int> nodes, NodeState level, int budget, CancellationToken cancellationToken, int sharedBudget = SharedDiagramBudget)
    {
        var g = engine.Compiled;
        var (cone, variableOf, p) = Variables(g, nodes);
        try
        {
            // Shared only while it stays small: past that, one diagram per node is faster than a huge shared one.
            var bdd = new Bdd(Math.Min(budget, sharedBudget), cancellationToken);
            var reaches = Reaches(g, bdd, cone.Postorder, variableOf, Needed(level, falseFallbacks: true), cancellationToken);
            var owners = FalseFallbacks(g, bdd, reaches, cone.Postorder, cone.Preorder).Select(f => g.Source.IndexOf(f.Node)).ToList();
            var memo = Bdd.NewMemo();
            return nodes.Select(n =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var f = reaches[n][(int)level - 1];
                var upstream = Cone(g, [n]).Preorder.ToHashSet();
                return new WeakNode(g.IdOf(n), bdd.Probability(f, p, memo), bdd.Singles(f).Count(v => cone.Preorder[v] != n),
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
                        ranked[i] = RankAlone(engine, nodes[i], level, budget, cancellationToken);
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
    private static WeakNode RankAlone(PropagationEngine engine, int node, NodeState level, int budget, CancellationToken cancellationToken)
    {
        var g = engine.Compiled;
        var (cone, variableOf, p) = Variables(g, [node]);
        try
        {
            var bdd = new Bdd(budget, cancellationToken);
            var reaches = Reaches(g, bdd, cone.Postorder, variableOf, Needed(level, falseFallbacks: true), cancellationToken);
            var f = reaches[node][(int)level - 1];
            return new WeakNode(g.IdOf(node), bdd.Probability(f, p), bdd.Singles(f).Count(v => v != 0),
                FalseFallbacks(g, bdd, reaches, cone.Postorder, cone.Preorder).Count);
        }
        catch (BddBudgetExceededException)
        {
            var one = Sampled(engine, node, new ResilienceQuery(g.IdOf(node), level, MaxOrder: 1, Limit: int.MaxValue), cone, variableOf, p, cancellationToken);
            return new WeakNode(one.Node, one.Unavailability, one.CutSets.Count(c => c.Nodes[0] != one.Node), one.FalseFallbacks.Count);
        }
    }

    /// <summary>A node's providers as the semantics read them: ungrouped, and by group (with each dependency's index).</summary>
    private static (List<(int To, NodeState Effect)> Ungrouped, Dictionary<int, List<(int To, NodeState Effect, int Dependency)>> Groups) ProvidersOf(CompiledGraph g, int node)
    {
        var ungrouped = new List<(int, NodeState)>();
        var groups = new Dictionary<int, List<(int, NodeState, int)>>();
        for (var i = g.ProviderStart[node]; i < g.ProviderStart[node + 1]; i++)
        {
            var e = g.ProviderDependency[i];
            var effect = g.Source.Dependencies[e].Effect;
            var group = g.Source.Edges.Group[e];
            if (group < 0)
            {
                ungrouped.Add((g.Provider[i], effect));
            }
            else if (groups.TryGetValue(group, out var members))
            {
                members.Add((g.Provider[i], effect, e));
            }
            else
            {
                groups[group] = [(g.Provider[i], effect, e)];
            }
        }

        return (ungrouped, groups);
    }

    /// <summary>At least k members are at the level or worse, each capped at its dependency's effect.</summary>
    private static T GroupAtLeast<T>(IFailureAlgebra<T> bdd, Dictionary<int, T[]> reaches, List<(int To, NodeState Effect, int Dependency)> members, NodeState level, int k) =>
        bdd.AtLeast(k, members.Select(m => m.Effect >= level ? reaches[m.To][(int)level - 1] : bdd.Never).ToList());

    private static List<FalseFallback> FalseFallbacks<T>(
        CompiledGraph g, IFailureAlgebra<T> bdd, Dictionary<int, T[]> reaches, List<int> postorder, List<int> preorder)
    {
        var resolved = g.Source.Edges;
        var found = new List<FalseFallback>();
        foreach (var n in postorder)
        {
            foreach (var (group, members) in ProvidersOf(g, n).Groups)
            {
                var need = resolved.GroupNeed[group];
                // A member works while its state, capped at its effect, is below degraded.
                var notWorking = members.Select(m => m.Effect >= NodeState.Degraded ? reaches[m.To][(int)NodeState.Degraded - 1] : bdd.Never).ToList();
                var defeated = bdd.AtLeast(members.Count - need + 1, notWorking);
                var memberSet = members.Select(m => m.To).ToHashSet();
                var by = bdd.Singles(defeated).Select(v => preorder[v]).Where(v => !memberSet.Contains(v)).Select(g.IdOf).Order(StringComparer.Ordinal).ToList();
                if (by.Count > 0)
                {
                    found.Add(new FalseFallback(g.IdOf(n), g.Source.Dependencies[members[0].Dependency].Group!, need,
                        members.Select(m => g.IdOf(m.To)).Order(StringComparer.Ordinal).ToList(), by));
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
    /// the order, however large the cone), the unavailability by sampling which cone nodes fail and propagating
    /// with the engine; no importance. Past the families' work bound too, only the single points, each failed
    /// alone with the engine, and the cut sets marked truncated when more was asked.
    /// </summary>
    private static ResilienceResult Sampled(
        PropagationEngine engine, int node, ResilienceQuery query, (List<int> Preorder, List<int> Postorder) cone,
        Dictionary<int, int> variableOf, double[] p, CancellationToken cancellationToken)
    {
        var g = engine.Compiled;
        var ws = engine.Rent();
        try
        {
            foreach (var n in cone.Preorder)
            {
                ws.Stamp[n] = ws.CurrentStamp;
            }

            List<CutSet> cutSets;
            bool truncated;
            var fallbacks = new List<FalseFallback>();
            try
            {
                var families = new CutSetFamilies(query.MaxOrder, query.FamilyWork, cancellationToken);
                cutSets = Ordered(g, node, cone.Preorder, Reaches(g, families, cone.Postorder, variableOf, Needed(query.Level, falseFallbacks: false), cancellationToken)[node][(int)query.Level - 1], p);
                truncated = cutSets.Count > query.Limit;
                var singles = new CutSetFamilies(1, query.FamilyWork, cancellationToken);
                fallbacks = FalseFallbacks(g, singles, Reaches(g, singles, cone.Postorder, variableOf, Needed(null, falseFallbacks: true), cancellationToken), cone.Postorder, cone.Preorder);
            }
            catch (CutSetWorkExceededException)
            {
                cutSets = [];
                for (var v = 0; v < cone.Preorder.Count; v++)
                {
                    Propagation.Run(g, ws, [(cone.Preorder[v], NodeState.Down)], masked: true, long.MaxValue, cancellationToken);
                    if (ws.LevelOf(node) >= query.Level)
                    {
                        cutSets.Add(new CutSet([g.IdOf(cone.Preorder[v])], p[v]));
                    }

                    ws.Reset();
                }

                cutSets = Ordered(g, node, cone.Preorder, cutSets.Select(c => new[] { variableOf[g.Source.IndexOf(c.Nodes[0])] }), p);
                truncated = query.MaxOrder > 1 || cutSets.Count > query.Limit;
            }

            var random = new Random(20261201);
            var failing = new List<(int, NodeState)>();
            var hits = 0;
            var samples = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // Up to the samples asked, but no longer than the sampling time once a tenth of them are in.
            for (; samples < query.Samples && (samples < query.Samples / 10 || clock.Elapsed < query.SamplingTime); samples++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                failing.Clear();
                for (var v = 0; v < p.Length; v++)
                {
                    if (p[v] > 0 && random.NextDouble() < p[v])
                    {
                        failing.Add((cone.Preorder[v], NodeState.Down));
                    }
                }

                if (failing.Count == 0)
                {
                    continue;
                }

                Propagation.Run(g, ws, failing.ToArray(), masked: true, long.MaxValue, cancellationToken);
                hits += ws.LevelOf(node) >= query.Level ? 1 : 0;
                ws.Reset();
            }

            return new ResilienceResult(g.IdOf(node), query.Level, cutSets.Take(query.Limit).ToList(), truncated,
                (double)hits / samples, ProbabilityMethod.MonteCarlo, Wilson(hits, samples), [], fallbacks);
        }
        finally
        {
            engine.Return(ws);
        }
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

    /// <summary>The cone of the roots, each of its nodes' variable (its place in pre-order) and unavailability (0 without an availability).</summary>
    private static ((List<int> Preorder, List<int> Postorder) Cone, Dictionary<int, int> VariableOf, double[] P) Variables(CompiledGraph g, IEnumerable<int> roots)
    {
        var cone = Cone(g, roots);
        var variableOf = new Dictionary<int, int>(cone.Preorder.Count);
        for (var v = 0; v < cone.Preorder.Count; v++)
        {
            variableOf[cone.Preorder[v]] = v;
        }

        return (cone, variableOf, cone.Preorder.Select(n => 1 - (g.Source.Nodes[n].Availability ?? 1)).ToArray());
    }

    /// <summary>The nodes and everything upstream of them: pre-order (variable order, roots first) and post-order (providers first).</summary>
    private static (List<int> Preorder, List<int> Postorder) Cone(CompiledGraph g, IEnumerable<int> roots)
    {
        var preorder = new List<int>();
        var postorder = new List<int>();
        var seen = new HashSet<int>();
        var stack = new Stack<(int Node, int Next)>();
        foreach (var root in roots)
        {
            if (!seen.Add(root))
            {
                continue;
            }

            stack.Push((root, g.ProviderStart[root]));
            preorder.Add(root);
            while (stack.Count > 0)
            {
                var (current, next) = stack.Pop();
                if (next < g.ProviderStart[current + 1])
                {
                    stack.Push((current, next + 1));
                    var provider = g.Provider[next];
                    if (seen.Add(provider))
                    {
                        preorder.Add(provider);
                        stack.Push((provider, g.ProviderStart[provider]));
                    }
                }
                else
                {
                    postorder.Add(current);
                }
            }
        }

        return (preorder, postorder);
    }
}
