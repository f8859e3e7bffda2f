using ImpactMap.Core.Model;

namespace ImpactMap.Bench;

/// <summary>
/// Generated supply chains: five tiers (infrastructure, platforms, services, businesses, customers), each node
/// depending on five providers in the tier above, picked with a skew so that some providers are shared by
/// many; about 20% of dependencies in groups of two alternatives (need 1); effects mostly down.
/// </summary>
internal static class TieredGraphs
{
    private static readonly TimeSpan[] Tolerances = [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(4)];

    public static DependencyGraph Generate(int nodeCount, bool withTolerances, int seed = 42)
    {
        var random = new Random(seed);
        double[] shares = [0.001, 0.02, 0.15, 0.30, 0.529];
        var tierStart = new int[shares.Length + 1];
        for (var t = 0; t < shares.Length; t++)
        {
            tierStart[t + 1] = t == shares.Length - 1 ? nodeCount : tierStart[t] + Math.Max(1, (int)(nodeCount * shares[t]));
        }

        var nodes = new List<Node>(nodeCount);
        var dependencies = new List<Dependency>(nodeCount * 5);
        var groupNeeds = new Dictionary<string, int> { ["alt"] = 1 };
        var noGroups = new Dictionary<string, int>();
        var noAttributes = new Dictionary<string, string>();
        for (var t = 0; t < shares.Length; t++)
        {
            for (var i = tierStart[t]; i < tierStart[t + 1]; i++)
            {
                var kind = t == shares.Length - 1 ? Node.Customer : t == 0 ? Node.Supplier : Node.Service;
                var grouped = t > 0 && random.NextDouble() < 0.5;
                nodes.Add(new Node($"n{i}", $"Node {i}", kind, noAttributes, grouped ? groupNeeds : noGroups));
                if (t == 0)
                {
                    continue;
                }

                var chosen = new HashSet<int>();
                var above = tierStart[t] - tierStart[t - 1];
                while (chosen.Count < Math.Min(5, above))
                {
                    // Squaring a uniform number skews picks towards the first providers of the tier above.
                    var u = random.NextDouble();
                    chosen.Add(tierStart[t - 1] + (int)(above * u * u));
                }

                var k = 0;
                foreach (var provider in chosen)
                {
                    // A grouped node puts two of its five dependencies in one group: 20% of all.
                    var group = grouped && k++ < 2 ? "alt" : null;
                    var roll = random.NextDouble();
                    var effect = roll < 0.7 ? NodeState.Down : roll < 0.9 ? NodeState.Degraded : NodeState.AtRisk;
                    var tolerance = withTolerances && random.NextDouble() < 0.3 ? Tolerances[random.Next(Tolerances.Length)] : TimeSpan.Zero;
                    dependencies.Add(new Dependency($"n{i}", $"n{provider}", group, effect, tolerance));
                }
            }
        }

        return DependencyGraph.Create(nodes, dependencies);
    }
}
