using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;

namespace ImpactMap.Core.Imports;

/// <summary>How many of a kind an import added, updated, removed and left as they were.</summary>
public sealed record ImportCounts(int Added, int Updated, int Removed, int Unchanged);

/// <summary>
/// The graph an import makes, with what it changed and what it left out. <see cref="Changes"/> are what a merge
/// changed, in an order that makes <see cref="Graph"/> of the graph it started from, for a store to write only
/// those; a replace has none (the graph is stored whole).
/// </summary>
public sealed record ImportResult(
    DependencyGraph Graph, ImportCounts Nodes, ImportCounts Dependencies, IReadOnlyList<ImportWarning> Warnings, IReadOnlyDictionary<string, int> Skipped,
    IReadOnlyList<GraphChange> Changes)
{
    /// <summary>Every warning by its code; <see cref="Warnings"/> lists only the first ones.</summary>
    public IReadOnlyDictionary<string, int> WarningCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>How many warnings there were in all.</summary>
    public int WarningTotal => WarningCounts.Values.Sum();
}

/// <summary>
/// Applies an import to a graph. Replace: the graph becomes exactly what was imported. Merge: imported nodes and
/// dependencies are added or updated by id, what the source does not state is kept, nothing is deleted; with
/// prune, the dependencies of imported nodes that the source no longer lists are removed. Linear in the sizes of
/// the graph and the import: items are found by their place, dependencies by their ends' places.
/// </summary>
public static class ImportPlan
{
    /// <summary>The graph the import makes of <paramref name="current"/> (null: a new graph); <see cref="InvalidGraphException"/> when that is not a valid graph.</summary>
    public static ImportResult Apply(DependencyGraph? current, ImportedGraph imported, bool merge, bool prune)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var log = new ImportLog(imported);
        var before = current ?? DependencyGraph.Empty;
        // What the import starts from: a merge keeps the graph, in its order, and adds after it.
        var kept = merge ? before : DependencyGraph.Empty;

        var nodes = kept.Nodes.ToList();
        var addedNodes = new Dictionary<string, int>(StringComparer.Ordinal);
        int PlaceOf(string id) => kept.IndexOf(id) is var i and >= 0 ? i : addedNodes.GetValueOrDefault(id, -1);
        var importedPlaces = new HashSet<int>();
        foreach (var n in imported.Nodes)
        {
            var existing = kept.FindNode(n.Id);
            if (existing is null && n.Kind is null)
            {
                log.Skip("nodes", "missing-kind", $"node:{n.Id}", $"node '{n.Id}' has no kind");
                continue;
            }

            // Attributes the source states replace those of the same key; the others stay.
            var attributes = new Dictionary<string, string>(existing?.Attributes ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            foreach (var (key, value) in n.Attributes)
            {
                attributes[key] = value;
            }

            var node = new Node(n.Id, n.Name ?? existing?.Name ?? n.Id, n.Kind ?? existing!.Kind, attributes, n.Groups ?? existing?.Groups ?? new Dictionary<string, int>())
            {
                Availability = n.Availability ?? existing?.Availability,
            };
            var place = PlaceOf(n.Id);
            if (place < 0)
            {
                place = nodes.Count;
                addedNodes.Add(n.Id, place);
                nodes.Add(node);
            }
            else
            {
                nodes[place] = node;
            }

            importedPlaces.Add(place);
        }

        var dependencies = kept.Dependencies.ToList();
        var dependencyPlaces = Places(kept);
        var listed = new HashSet<long>();
        foreach (var d in imported.Dependencies)
        {
            var (from, to) = (PlaceOf(d.From), PlaceOf(d.To));
            if (from < 0 || to < 0)
            {
                foreach (var end in new[] { (d.From, from), (d.To, to) }.Where(e => e.Item2 < 0).Select(e => e.Item1).Distinct())
                {
                    log.Skip("dependencies", "dangling-reference", $"dependency:{d.From}->{d.To}", $"'{GraphValidator.Shorten(end)}' is not a node of the graph or the import");
                }

                continue;
            }

            var key = Key(from, to);
            var existing = dependencyPlaces.TryGetValue(key, out var place) ? dependencies[place] : null;
            // A dependency that exists keeps what the source does not state.
            var dependency = new Dependency(d.From, d.To, d.Group ?? existing?.Group, d.Effect ?? existing?.Effect ?? NodeState.Down,
                d.Tolerance ?? existing?.Tolerance ?? TimeSpan.Zero);
            if (existing is null)
            {
                dependencyPlaces.Add(key, dependencies.Count);
                dependencies.Add(dependency);
            }
            else
            {
                dependencies[place] = dependency;
            }

            listed.Add(key);
        }

        // Only dependencies the graph had can be unlisted: the import's own are listed by being there.
        var pruned = new bool[kept.Dependencies.Count];
        if (merge && prune)
        {
            for (var i = 0; i < pruned.Length; i++)
            {
                pruned[i] = importedPlaces.Contains(kept.Edges.From[i]) && !listed.Contains(Key(kept.Edges.From[i], kept.Edges.To[i]));
            }
        }

        var graph = DependencyGraph.Create(nodes, pruned.Contains(true) ? dependencies.Where((_, i) => i >= pruned.Length || !pruned[i]).ToList() : dependencies);
        var (nodeCounts, dependencyCounts) = merge
            ? (MergeCounts(kept.Nodes, nodes, null), MergeCounts(kept.Dependencies, dependencies, pruned))
            : (ReplaceCounts(before.Nodes, nodes, n => before.FindNode(n.Id)), ReplaceCounts(before.Dependencies, dependencies, DependencyIn(before)));
        return new ImportResult(graph, nodeCounts, dependencyCounts, log.Warnings, log.Skipped,
            merge ? Changes(kept, nodes, dependencies, pruned) : []) { WarningCounts = log.WarningCounts };
    }

    /// <summary>Removals first (a pruned dependency cannot come back in the same import), then nodes, then the dependencies between them.</summary>
    private static List<GraphChange> Changes(DependencyGraph kept, List<Node> nodes, List<Dependency> dependencies, bool[] pruned)
    {
        var changes = new List<GraphChange>();
        for (var i = 0; i < pruned.Length; i++)
        {
            if (pruned[i])
            {
                changes.Add(new GraphChange.RemoveDependency(kept.Dependencies[i].From, kept.Dependencies[i].To));
            }
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            if (i >= kept.Nodes.Count || !Equals(kept.Nodes[i], nodes[i]))
            {
                changes.Add(new GraphChange.PutNode(nodes[i]));
            }
        }

        for (var i = 0; i < dependencies.Count; i++)
        {
            if (i >= pruned.Length || (!pruned[i] && !Equals(kept.Dependencies[i], dependencies[i])))
            {
                changes.Add(new GraphChange.PutDependency(dependencies[i]));
            }
        }

        return changes;
    }

    /// <summary>A merge changes items in place and adds after them, so the counts compare place by place.</summary>
    private static ImportCounts MergeCounts<T>(IReadOnlyList<T> before, List<T> after, bool[]? removed)
    {
        int updated = 0, unchanged = 0, gone = 0;
        for (var i = 0; i < before.Count; i++)
        {
            if (removed?[i] == true)
            {
                gone++;
            }
            else if (Equals(before[i], after[i]))
            {
                unchanged++;
            }
            else
            {
                updated++;
            }
        }

        return new ImportCounts(after.Count - before.Count, updated, gone, unchanged);
    }

    /// <summary>A replace compares each item with the one of its id the graph had, if any; the graph's others are removed.</summary>
    private static ImportCounts ReplaceCounts<T>(IReadOnlyList<T> before, List<T> after, Func<T, T?> was) where T : class
    {
        int added = 0, updated = 0, unchanged = 0;
        foreach (var item in after)
        {
            switch (was(item))
            {
                case null:
                    added++;
                    break;
                case var old when Equals(old, item):
                    unchanged++;
                    break;
                default:
                    updated++;
                    break;
            }
        }

        return new ImportCounts(added, updated, before.Count - updated - unchanged, unchanged);
    }

    private static Func<Dependency, Dependency?> DependencyIn(DependencyGraph graph)
    {
        var places = Places(graph);
        return d => graph.IndexOf(d.From) is var from and >= 0 && graph.IndexOf(d.To) is var to and >= 0 && places.TryGetValue(Key(from, to), out var place)
            ? graph.Dependencies[place]
            : null;
    }

    /// <summary>Each dependency's place, by the places of its ends (which validation already resolved).</summary>
    private static Dictionary<long, int> Places(DependencyGraph graph)
    {
        var places = new Dictionary<long, int>(graph.Dependencies.Count);
        for (var i = 0; i < graph.Dependencies.Count; i++)
        {
            places.Add(Key(graph.Edges.From[i], graph.Edges.To[i]), i);
        }

        return places;
    }

    private static long Key(int from, int to) => ((long)from << 32) | (uint)to;
}
