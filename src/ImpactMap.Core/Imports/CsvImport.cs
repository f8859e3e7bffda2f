using System.Globalization;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>Something an import left out, and why: code, where (file and line, or the entity), message.</summary>
public sealed record ImportWarning(string Code, string Source, string Message);

/// <summary>A node as a source states it; null fields were not stated (a merge keeps what the graph has).</summary>
public sealed record ImportedNode(string Id, string? Name, string? Kind, double? Availability, IReadOnlyDictionary<string, int>? Groups, IReadOnlyDictionary<string, string> Attributes);

/// <summary>A dependency as a source states it; null fields were not stated (a merge keeps what the dependency has).</summary>
public sealed record ImportedDependency(string From, string To, string? Group, NodeState? Effect, TimeSpan? Tolerance);

/// <summary>
/// What a source holds, after the items it could not use were set aside with a warning each (the first
/// <see cref="MaxListedWarnings"/> listed, all of them counted by code in <paramref name="WarningCounts"/>).
/// </summary>
public sealed record ImportedGraph(
    IReadOnlyList<ImportedNode> Nodes, IReadOnlyList<ImportedDependency> Dependencies,
    IReadOnlyList<ImportWarning> Warnings, IReadOnlyDictionary<string, int> Skipped, IReadOnlyDictionary<string, int> WarningCounts)
{
    /// <summary>The most warnings an import lists one by one.</summary>
    public const int MaxListedWarnings = ImportLog.MaxListed;
}

/// <summary>
/// ImpactMap's own CSV: nodes.csv (id,name,kind,availability,groups as name=need;name=need, attr.&lt;key&gt;
/// columns) and dependencies.csv (from,to,group,effect,tolerance), as the export writes them. Other columns of
/// nodes.csv (owner, tier) become attributes of their own name; other columns of dependencies.csv are warned of.
/// </summary>
public static class CsvImport
{
    private static readonly string[] NodeColumns = ["id", "name", "kind", "availability", "groups"];
    private static readonly string[] DependencyColumns = ["from", "to", "group", "effect", "tolerance"];

    /// <summary>attr.&lt;key&gt; columns, and columns the format does not name (an attr. column wins over a plain one of the same key).</summary>
    private static Dictionary<string, string> Attributes(CsvRow row)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, value) in row.Fields)
        {
            if (value.Length > 0 && !NodeColumns.Contains(column) && !column.StartsWith("attr.", StringComparison.Ordinal))
            {
                attributes[column] = value;
            }
        }

        foreach (var (column, value) in row.Fields)
        {
            if (value.Length > 0 && column.StartsWith("attr.", StringComparison.Ordinal))
            {
                attributes[column["attr.".Length..]] = value;
            }
        }

        return attributes;
    }

    /// <summary>Reads the files (name, text); each is told apart by its header (id: nodes; from and to: dependencies).</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var nodes = new List<ImportedNode>();
        var dependencies = new List<ImportedDependency>();
        // Rows are read as they are used: a file of one repeated row costs a warning count, not a copy of the file.
        var nodeFiles = new List<IEnumerable<CsvRow>>();
        var dependencyFiles = new List<IEnumerable<CsvRow>>();
        foreach (var (name, text) in files)
        {
            var (header, rows) = Csv.Read(text, name);
            if (header.Contains("from") && header.Contains("to"))
            {
                dependencyFiles.Add(rows);
                foreach (var column in header.Where(c => !DependencyColumns.Contains(c)))
                {
                    log.Warn("unknown-column", $"{name}:1", $"the column '{GraphValidator.Shorten(column)}' is not read: dependencies carry from, to, group, effect and tolerance");
                }
            }
            else if (header.Contains("id"))
            {
                nodeFiles.Add(rows);
            }
            else
            {
                throw new UnreadableFileException(name, 1, "neither nodes (an id column) nor dependencies (from and to columns)");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in nodeFiles.SelectMany(rows => rows))
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

            var attributes = Attributes(row);
            nodes.Add(new ImportedNode(id, row["name"], kind, availability, groups, attributes));
        }

        var pairs = new HashSet<(string, string)>();
        foreach (var row in dependencyFiles.SelectMany(rows => rows))
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

        return log.Read(nodes, dependencies);
    }
}
