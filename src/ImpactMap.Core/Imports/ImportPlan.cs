using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>How many of a kind an import added, updated, removed and left as they were.</summary>
public sealed record ImportCounts(int Added, int Updated, int Removed, int Unchanged);

/// <summary>The graph an import makes, with what it changed and what it left out.</summary>
public sealed record ImportResult(DependencyGraph Graph, ImportCounts Nodes, ImportCounts Dependencies, IReadOnlyList<ImportWarning> Warnings, IReadOnlyDictionary<string, int> Skipped);

/// <summary>
/// Applies an import to a graph. Replace: the graph becomes exactly what was imported. Merge: imported nodes and
/// dependencies are added or updated by id, what the source does not state is kept, nothing is deleted; with
/// prune, the dependencies of imported nodes that the source no longer lists are removed.
/// </summary>
public static class ImportPlan
{
    /// <summary>The graph the import makes of <paramref name="current"/> (null: a new graph); <see cref="InvalidGraphException"/> when that is not a valid graph.</summary>
    public static ImportResult Apply(DependencyGraph? current, ImportedGraph imported, bool merge, bool prune)
    {
        ArgumentNullException.ThrowIfNull(imported);
        var log = new ImportLog(imported);

        var before = current ?? DependencyGraph.Empty;
        var nodes = merge ? before.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal) : new Dictionary<string, Node>(StringComparer.Ordinal);
        var order = merge ? before.Nodes.Select(n => n.Id).ToList() : [];
        foreach (var n in imported.Nodes)
        {
            var existing = merge ? before.FindNode(n.Id) : null;
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
            if (!nodes.ContainsKey(n.Id))
            {
                order.Add(n.Id);
            }

            nodes[n.Id] = node;
        }

        var dependencies = merge ? before.Dependencies.ToDictionary(d => (d.From, d.To)) : [];
        var dependencyOrder = merge ? before.Dependencies.Select(d => (d.From, d.To)).ToList() : [];
        var listed = new HashSet<(string, string)>();
        foreach (var d in imported.Dependencies)
        {
            foreach (var end in new[] { d.From, d.To }.Where(end => !nodes.ContainsKey(end)).Distinct())
            {
                log.Skip("dependencies", "dangling-reference", $"dependency:{d.From}->{d.To}", $"'{GraphValidator.Shorten(end)}' is not a node of the graph or the import");
            }

            if (!nodes.ContainsKey(d.From) || !nodes.ContainsKey(d.To))
            {
                continue;
            }

            var existing = dependencies.GetValueOrDefault((d.From, d.To));
            if (existing is null)
            {
                dependencyOrder.Add((d.From, d.To));
            }

            // A dependency that exists keeps what the source does not state.
            dependencies[(d.From, d.To)] = new Dependency(d.From, d.To, d.Group ?? existing?.Group, d.Effect ?? existing?.Effect ?? NodeState.Down,
                d.Tolerance ?? existing?.Tolerance ?? TimeSpan.Zero);
            listed.Add((d.From, d.To));
        }

        if (merge && prune)
        {
            var importedIds = imported.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var key in dependencies.Keys.Where(k => importedIds.Contains(k.From) && !listed.Contains(k)).ToList())
            {
                dependencies.Remove(key);
            }
        }

        var graph = DependencyGraph.Create(
            order.Where(nodes.ContainsKey).Select(id => nodes[id]).ToList(),
            dependencyOrder.Where(dependencies.ContainsKey).Distinct().Select(k => dependencies[k]).ToList());
        return new ImportResult(graph, Count(before.Nodes, graph.Nodes, n => n.Id), Count(before.Dependencies, graph.Dependencies, d => (d.From, d.To)), log.Warnings, log.Skipped);
    }

    private static ImportCounts Count<T, TKey>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, TKey> key) where TKey : notnull
    {
        var old = before.ToDictionary(key);
        var now = after.Select(key).ToHashSet();
        int added = 0, updated = 0, unchanged = 0;
        foreach (var item in after)
        {
            if (!old.TryGetValue(key(item), out var was))
            {
                added++;
            }
            else if (Equals(was, item))
            {
                unchanged++;
            }
            else
            {
                updated++;
            }
        }

        return new ImportCounts(added, updated, old.Keys.Count(k => !now.Contains(k)), unchanged);
    }
}
