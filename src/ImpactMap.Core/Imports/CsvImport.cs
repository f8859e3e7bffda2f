using System.Globalization;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>Something an import left out, and why: code, where (file and line, or the entity), message.</summary>
public sealed record ImportWarning(string Code, string Source, string Message);

/// <summary>A node as a source states it; null fields were not stated (a merge keeps what the graph has).</summary>
public sealed record ImportedNode(string Id, string? Name, string? Kind, double? Availability, IReadOnlyDictionary<string, int>? Groups, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A dependency as a source states it; null fields were not stated (a merge keeps what the dependency has).</summary>
public sealed record ImportedDependency(string From, string To, string? Group, NodeState? Effect, TimeSpan? Tolerance);

/// <summary>What a source holds, after the items it could not use were set aside with a warning each.</summary>
public sealed record ImportedGraph(
    IReadOnlyList<ImportedNode> Nodes, IReadOnlyList<ImportedDependency> Dependencies,
    IReadOnlyList<ImportWarning> Warnings, IReadOnlyDictionary<string, int> Skipped);

/// <summary>
/// ImpactMap's own CSV: nodes.csv (id,name,kind,availability,groups as name=need;name=need, attr.&lt;key&gt;
/// columns) and dependencies.csv (from,to,group,effect,tolerance), as the export writes them.
/// </summary>
public static class CsvImport
{
    /// <summary>Reads the files (name, text); each is told apart by its header (id: nodes; from and to: dependencies).</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var nodes = new List<ImportedNode>();
        var dependencies = new List<ImportedDependency>();
        var nodeRows = new List<CsvRow>();
        var dependencyRows = new List<CsvRow>();
        foreach (var (name, text) in files)
        {
            var (header, rows) = Csv.Read(text, name);
            if (header.Contains("from") && header.Contains("to"))
            {
                dependencyRows.AddRange(rows);
            }
            else if (header.Contains("id"))
            {
                nodeRows.AddRange(rows);
            }
            else
            {
                throw new UnreadableFileException(name, 1, "neither nodes (an id column) nor dependencies (from and to columns)");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in nodeRows)
        {
            var id = row["id"];
            if (id is null || !Identifier.IsValid(id))
            {
                log.Skip("nodes", "invalid-id", row.Place, $"'{GraphValidator.Shorten(id)}' is not a node id: {Identifier.Rule}");
                continue;
            }

            if (!ids.Add(id))
            {
                log.Skip("nodes", "duplicate", row.Place, $"node '{id}' appears again; the first one is kept");
                continue;
            }

            var kind = row["kind"];
            if (kind is not null && !Identifier.IsValidKind(kind))
            {
                log.Skip("nodes", "unknown-kind", row.Place, $"'{GraphValidator.Shorten(kind)}' is not a kind (a lowercase word)");
                ids.Remove(id);
                continue;
            }

            double? availability = null;
            if (row["availability"] is { } text)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value <= 1))
                {
                    log.Skip("nodes", "invalid-availability", row.Place, $"availability '{GraphValidator.Shorten(text)}' is not a share of time in (0, 1]");
                    ids.Remove(id);
                    continue;
                }

                availability = value;
            }

            Dictionary<string, int>? groups = null;
            if (row["groups"] is { } written)
            {
                groups = [];
                foreach (var part in written.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var pair = part.Split('=');
                    if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var need))
                    {
                        log.Warn("invalid-group", row.Place, $"'{GraphValidator.Shorten(part)}' is not name=need; left out");
                        continue;
                    }

                    groups[pair[0]] = need;
                }
            }

            var attributes = row.Fields.Where(f => f.Key.StartsWith("attr.", StringComparison.Ordinal) && f.Value.Length > 0)
                .ToDictionary(f => f.Key["attr.".Length..], f => f.Value, StringComparer.Ordinal);
            nodes.Add(new ImportedNode(id, row["name"], kind, availability, groups, attributes));
        }

        var pairs = new HashSet<(string, string)>();
        foreach (var row in dependencyRows)
        {
            var (from, to) = (row["from"], row["to"]);
            if (from is null || to is null)
            {
                log.Skip("dependencies", "missing-end", row.Place, "a dependency needs both from and to");
                continue;
            }

            if (from == to)
            {
                log.Skip("dependencies", "self-reference", row.Place, $"'{GraphValidator.Shorten(from)}' cannot depend on itself");
                continue;
            }

            if (!pairs.Add((from, to)))
            {
                log.Skip("dependencies", "duplicate", row.Place, $"the dependency from '{from}' to '{to}' appears again; the first one is kept");
                continue;
            }

            NodeState? effect = null;
            if (row["effect"] is { } effectText)
            {
                if (!NodeStates.TryParse(effectText, out var parsed) || parsed == NodeState.Up)
                {
                    log.Skip("dependencies", "unknown-effect", row.Place, $"effect '{GraphValidator.Shorten(effectText)}' must be down, degraded or at-risk");
                    continue;
                }

                effect = parsed;
            }

            TimeSpan? tolerance = null;
            if (row["tolerance"] is { } toleranceText)
            {
                if (!Durations.TryParse(toleranceText, out var parsed))
                {
                    log.Skip("dependencies", "invalid-tolerance", row.Place, $"tolerance '{GraphValidator.Shorten(toleranceText)}' is not an ISO-8601 duration");
                    continue;
                }

                tolerance = parsed;
            }

            dependencies.Add(new ImportedDependency(from, to, row["group"], effect, tolerance));
        }

        return new ImportedGraph(nodes, dependencies, log.Warnings, log.Skipped);
    }
}
