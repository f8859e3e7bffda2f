using System.Text.RegularExpressions;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Documents;

/// <summary>The two ends of a dependency to leave out.</summary>
public sealed class DependencyEndsDocument
{
    /// <summary>The dependent.</summary>
    public string? From { get; set; }

    /// <summary>The provider.</summary>
    public string? To { get; set; }
}

/// <summary>
/// Changes to a graph for one question only ("what if"): new nodes, dependencies added and removed, and
/// availabilities set; nothing is stored.
/// </summary>
public sealed class AssumptionsDocument
{
    /// <summary>Nodes that do not exist yet.</summary>
    public List<NodeDocument>? Nodes { get; set; }

    /// <summary>Dependencies to add.</summary>
    public List<DependencyDocument>? Add { get; set; }

    /// <summary>Dependencies to leave out.</summary>
    public List<DependencyEndsDocument>? Remove { get; set; }

    /// <summary>Availabilities to assume, by node id.</summary>
    public Dictionary<string, double>? Availability { get; set; }
}

/// <summary>Applies assumptions (and mitigations: nodes kept up whatever their providers do) to a copy of a graph.</summary>
public static partial class Assumptions
{
    /// <summary>The most entries each list of assumptions may hold.</summary>
    public const int MaxEntries = 1000;

    /// <summary>
    /// The graph with the assumptions applied, and each mitigated node cut off from its providers (so nothing
    /// can take it down); <see cref="InvalidGraphException"/> naming each problem at its place under
    /// <c>assume</c>, the graph itself unchanged.
    /// </summary>
    public static DependencyGraph Apply(DependencyGraph graph, AssumptionsDocument? assume, IReadOnlyCollection<string> mitigated)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(mitigated);
        assume ??= new AssumptionsDocument();
        var problems = new List<GraphProblem>();
        foreach (var (list, name) in new (System.Collections.ICollection?, string)[]
                 {
                     (assume.Nodes, "nodes"), (assume.Add, "add"), (assume.Remove, "remove"), (assume.Availability, "availability"),
                 })
        {
            if (list?.Count > MaxEntries)
            {
                problems.Add(new GraphProblem($"assume.{name}", $"at most {MaxEntries:N0} entries"));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidGraphException(problems);
        }

        var nodes = graph.Nodes.ToList();
        var known = graph.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        foreach (var (document, i) in (assume.Nodes ?? []).Select((d, i) => (d, i)))
        {
            var node = GraphDocuments.ToNode(document, $"assume.nodes[{i}]", problems);
            if (known.ContainsKey(node.Id))
            {
                problems.Add(new GraphProblem($"assume.nodes[{i}].id", $"'{GraphValidator.Shorten(node.Id)}' exists already: assume its availability or dependencies instead"));
                continue;
            }

            known[node.Id] = nodes.Count;
            nodes.Add(node);
        }

        foreach (var (id, availability) in assume.Availability ?? [])
        {
            if (!known.TryGetValue(id, out var index))
            {
                problems.Add(new GraphProblem($"assume.availability.{GraphValidator.Shorten(id)}", "unknown node"));
                continue;
            }

            if (!(availability > 0 && availability <= 1))
            {
                problems.Add(new GraphProblem($"assume.availability.{GraphValidator.Shorten(id)}", "availability must be a share of time above 0 and at most 1"));
                continue;
            }

            nodes[index] = nodes[index] with { Availability = availability };
        }

        var removed = new HashSet<(string, string)>();
        foreach (var (ends, i) in (assume.Remove ?? []).Select((e, i) => (e, i)))
        {
            if (ends?.From is not { } from || ends.To is not { } to || graph.FindDependency(from, to) is null)
            {
                problems.Add(new GraphProblem($"assume.remove[{i}]", $"no dependency from '{GraphValidator.Shorten(ends?.From)}' to '{GraphValidator.Shorten(ends?.To)}'"));
                continue;
            }

            removed.Add((from, to));
        }

        var unknown = mitigated.Where(id => !known.ContainsKey(id)).ToList();
        if (unknown.Count > 0 && problems.Count == 0)
        {
            throw new Engine.UnknownNodeException(unknown);
        }

        foreach (var id in mitigated.Where(known.ContainsKey))
        {
            var index = known[id];

            // Kept up whatever its providers do: as if it needed none of them.
            nodes[index] = nodes[index] with { Groups = Node.EmptyGroups };
        }

        var mitigatedSet = mitigated.ToHashSet(StringComparer.Ordinal);
        var dependencies = graph.Dependencies.Where(d => !removed.Contains((d.From, d.To)) && !mitigatedSet.Contains(d.From)).ToList();
        var kept = dependencies.Count;
        foreach (var (document, i) in (assume.Add ?? []).Select((d, i) => (d, i)))
        {
            var dependency = GraphDocuments.ToDependency(document, $"assume.add[{i}]", problems);
            foreach (var (end, id) in new[] { ("from", document?.From), ("to", document?.To) })
            {
                if (id is not null && !known.ContainsKey(id))
                {
                    problems.Add(new GraphProblem($"assume.add[{i}].{end}", $"unknown node '{GraphValidator.Shorten(id)}'"));
                }
            }

            if (!mitigatedSet.Contains(dependency.From))
            {
                dependencies.Add(dependency);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidGraphException(problems);
        }

        try
        {
            return DependencyGraph.Create(nodes, dependencies);
        }
        catch (InvalidGraphException e)
        {
            // The validator names places in the whole document; name them in the assumptions instead.
            throw new InvalidGraphException(e.Problems.Select(p => Relocate(p, graph.Nodes.Count, kept)).ToList());
        }
    }

    private static GraphProblem Relocate(GraphProblem problem, int originalNodes, int keptDependencies)
    {
        var match = DocumentPlace().Match(problem.Path);
        if (!match.Success)
        {
            return new GraphProblem("assume", problem.ToString());
        }

        var index = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rest = match.Groups[3].Value;
        return match.Groups[1].Value == "nodes"
            ? index >= originalNodes
                ? new GraphProblem($"assume.nodes[{index - originalNodes}]{rest}", problem.Message)
                : new GraphProblem("assume", problem.Message)
            : index >= keptDependencies
                ? new GraphProblem($"assume.add[{index - keptDependencies}]{rest}", problem.Message)
                : new GraphProblem("assume", problem.Message);
    }

    [GeneratedRegex(@"^(nodes|dependencies)\[(\d+)\](.*)$")]
    private static partial Regex DocumentPlace();
}
