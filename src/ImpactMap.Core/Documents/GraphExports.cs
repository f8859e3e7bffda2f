using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Documents;

/// <summary>
/// A graph, and a blast radius, in the forms people paste elsewhere: CSV for spreadsheets, DOT for Graphviz,
/// GraphML for yEd and Gephi, Mermaid for incident documents. CSV cells that a spreadsheet would take for a
/// formula are guarded (<see cref="SpreadsheetCells"/>); Mermaid and DOT labels are escaped.
/// </summary>
public static class GraphExports
{
    /// <summary>Above this many nodes a Mermaid picture of a blast radius counts per depth and kind instead.</summary>
    public const int MermaidDetailLimit = 200;

    private static readonly IReadOnlyDictionary<NodeState, string> Colours = new Dictionary<NodeState, string>
    {
        [NodeState.Down] = "#f4b4ae", [NodeState.Degraded] = "#ffd99a", [NodeState.AtRisk] = "#fdf2a0", [NodeState.Up] = "#ffffff",
    };

    /// <summary>nodes.csv and dependencies.csv (ImpactMap's own CSV format, which the importer reads back) in one zip.</summary>
    public static byte[] CsvZip(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "nodes.csv", NodesCsv(graph));
            Write(zip, "dependencies.csv", DependenciesCsv(graph));
        }

        return buffer.ToArray();

        static void Write(ZipArchive zip, string name, string text)
        {
            using var entry = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
            entry.Write(text);
        }
    }

    /// <summary>id,name,kind,availability,groups (name=need;name=need), then one attr.&lt;key&gt; column per attribute key.</summary>
    public static string NodesCsv(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var keys = graph.Nodes.SelectMany(n => n.Attributes.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        Row(text, ["id", "name", "kind", "availability", "groups", .. keys.Select(k => $"attr.{k}")]);
        foreach (var n in graph.Nodes)
        {
            Row(text, [n.Id, n.Name, n.Kind, n.Availability?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                string.Join(';', n.Groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Value}")),
                .. keys.Select(k => n.Attributes.TryGetValue(k, out var v) ? v : "")]);
        }

        return text.ToString();
    }

    /// <summary>from,to,group,effect,tolerance.</summary>
    public static string DependenciesCsv(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var text = new StringBuilder();
        Row(text, ["from", "to", "group", "effect", "tolerance"]);
        foreach (var d in graph.Dependencies)
        {
            Row(text, [d.From, d.To, d.Group ?? "", d.Effect.ToWire(), d.Tolerance == TimeSpan.Zero ? "" : Durations.Format(d.Tolerance)]);
        }

        return text.ToString();
    }

    /// <summary>The graph for Graphviz: each dependency an edge from the dependent to what it needs.</summary>
    public static string Dot(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var text = new StringBuilder("digraph impactmap {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n");
        foreach (var n in graph.Nodes)
        {
            text.Append("  ").Append(Quote(n.Id)).Append(" [label=").Append(Quote($"{n.Name}\n({n.Kind})"))
                .Append(n.Kind == Node.Customer ? ", penwidth=3" : "").Append("];\n");
        }

        foreach (var d in graph.Dependencies)
        {
            var label = string.Join(", ", new[] { d.Group, d.Effect == NodeState.Down ? null : d.Effect.ToWire(), d.Tolerance == TimeSpan.Zero ? null : Durations.Format(d.Tolerance) }.OfType<string>());
            text.Append("  ").Append(Quote(d.From)).Append(" -> ").Append(Quote(d.To))
                .Append(label.Length > 0 ? $" [label={Quote(label)}]" : "").Append(";\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>The graph as GraphML, every node field and attribute a key of its own.</summary>
    public static string GraphMl(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        XNamespace ns = "http://graphml.graphdrawing.org/xmlns";
        var attributes = graph.Nodes.SelectMany(n => n.Attributes.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        XElement Key(string id, string of, string name, string type) =>
            new(ns + "key", new XAttribute("id", id), new XAttribute("for", of), new XAttribute("attr.name", name), new XAttribute("attr.type", type));
        XElement Data(string key, string? value) => new(ns + "data", new XAttribute("key", key), value);
        var keys = new List<XElement>
        {
            Key("name", "node", "name", "string"), Key("kind", "node", "kind", "string"), Key("availability", "node", "availability", "double"),
            Key("groups", "node", "groups", "string"),
            Key("group", "edge", "group", "string"), Key("effect", "edge", "effect", "string"), Key("tolerance", "edge", "tolerance", "string"),
        };
        keys.AddRange(attributes.Select((a, i) => Key($"a{i}", "node", $"attr.{a}", "string")));
        var nodes = graph.Nodes.Select(n => new XElement(ns + "node", new XAttribute("id", n.Id),
            Data("name", n.Name), Data("kind", n.Kind),
            n.Availability is { } a ? Data("availability", a.ToString("R", CultureInfo.InvariantCulture)) : null,
            n.Groups.Count > 0 ? Data("groups", string.Join(';', n.Groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Value}"))) : null,
            attributes.Select((key, i) => n.Attributes.TryGetValue(key, out var v) ? Data($"a{i}", v) : null)));
        var edges = graph.Dependencies.Select((d, i) => new XElement(ns + "edge", new XAttribute("id", $"e{i}"), new XAttribute("source", d.From), new XAttribute("target", d.To),
            d.Group is null ? null : Data("group", d.Group), Data("effect", d.Effect.ToWire()),
            d.Tolerance == TimeSpan.Zero ? null : Data("tolerance", Durations.Format(d.Tolerance))));
        var document = new XDocument(new XElement(ns + "graphml", keys,
            new XElement(ns + "graph", new XAttribute("id", "impactmap"), new XAttribute("edgedefault", "directed"), nodes, edges)));
        return document.Declaration + document.ToString();
    }

    /// <summary>Every affected node: id,name,kind,state,depth,impactAt,path (ids joined by " > ").</summary>
    public static string ImpactCsv(DependencyGraph graph, ImpactResult result)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        Row(text, ["id", "name", "kind", "state", "depth", "impactAt", "path"]);
        foreach (var a in result.Affected)
        {
            var node = graph.FindNode(a.Id)!;
            Row(text, [a.Id, node.Name, node.Kind, a.State.ToWire(), a.Depth.ToString(CultureInfo.InvariantCulture), Durations.Format(a.ImpactAt),
                a.Path is null ? "" : string.Join(" > ", a.Path)]);
        }

        return text.ToString();
    }

    /// <summary>The affected subgraph along the explaining chains (each node's via), coloured by state.</summary>
    public static string ImpactDot(DependencyGraph graph, ImpactResult result)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder("digraph impact {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\"];\n");
        foreach (var n in result.Origins.Concat(result.Affected))
        {
            var node = graph.FindNode(n.Id)!;
            text.Append("  ").Append(Quote(n.Id)).Append(" [label=").Append(Quote($"{node.Name}\n{n.State.ToWire()}{(n.Depth == 0 ? ", origin" : "")}"))
                .Append(", fillcolor=").Append(Quote(Colours[n.State])).Append(node.Kind == Node.Customer ? ", penwidth=3" : "").Append("];\n");
        }

        foreach (var n in result.Affected.Where(a => a.Via is not null))
        {
            text.Append("  ").Append(Quote(n.Via!)).Append(" -> ").Append(Quote(n.Id)).Append(";\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>A Mermaid flowchart to paste into an incident document; above 200 nodes, counts per depth and kind.</summary>
    public static string ImpactMermaid(DependencyGraph graph, ImpactResult result)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder("flowchart LR\n");
        text.Append("  classDef down fill:#f4b4ae\n  classDef degraded fill:#ffd99a\n  classDef atrisk fill:#fdf2a0\n");
        var all = result.Origins.Concat(result.Affected).ToList();
        if (all.Count <= MermaidDetailLimit)
        {
            var ids = all.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => $"n{p.i}");
            foreach (var n in all)
            {
                text.Append("  ").Append(ids[n.Id]).Append("[\"").Append(MermaidText($"{graph.FindNode(n.Id)!.Name}: {n.State.ToWire()}"))
                    .Append("\"]:::").Append(Class(n.State)).Append('\n');
            }

            foreach (var n in result.Affected.Where(a => a.Via is not null && ids.ContainsKey(a.Via)))
            {
                text.Append("  ").Append(ids[n.Via!]).Append(" --> ").Append(ids[n.Id]).Append('\n');
            }

            return text.ToString();
        }

        // Counted: one box per depth and kind, linked depth to depth.
        var groups = all.GroupBy(n => (n.Depth, graph.FindNode(n.Id)!.Kind)).OrderBy(g => g.Key.Depth).ThenBy(g => g.Key.Kind, StringComparer.Ordinal).ToList();
        var names = groups.Select((g, i) => (g.Key, $"g{i}")).ToDictionary(p => p.Key, p => p.Item2);
        foreach (var g in groups)
        {
            var worst = g.Max(n => n.State);
            var counts = string.Join(", ", g.GroupBy(n => n.State).OrderByDescending(s => s.Key).Select(s => $"{s.Count():N0} {s.Key.ToWire()}"));
            text.Append("  ").Append(names[g.Key]).Append("[\"").Append(MermaidText($"depth {g.Key.Depth}, {g.Key.Kind}: {g.Count():N0} ({counts})"))
                .Append("\"]:::").Append(Class(worst)).Append('\n');
        }

        var byId = all.ToDictionary(n => n.Id);
        foreach (var link in result.Affected.Where(a => a.Via is not null && byId.ContainsKey(a.Via))
                     .Select(a => (From: byId[a.Via!], To: a))
                     .Select(p => (names[(p.From.Depth, graph.FindNode(p.From.Id)!.Kind)], names[(p.To.Depth, graph.FindNode(p.To.Id)!.Kind)]))
                     .Distinct())
        {
            text.Append("  ").Append(link.Item1).Append(" --> ").Append(link.Item2).Append('\n');
        }

        return text.ToString();
    }

    private static string Class(NodeState state) => state switch { NodeState.Down => "down", NodeState.Degraded => "degraded", _ => "atrisk" };

    // Mermaid labels in double quotes take entity codes (# starts one); markup and Markdown strings are written as
    // codes too, since Mermaid renders labels as HTML where a page lets it.
    private static string MermaidText(string text) => text.Replace("#", "#35;", StringComparison.Ordinal).Replace("\"", "#quot;", StringComparison.Ordinal)
        .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal).Replace("&", "#amp;", StringComparison.Ordinal)
        .Replace("`", "#96;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static void Row(StringBuilder text, IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(SpreadsheetCells.Guard)
            .Select(f => f.IndexOfAny([',', ';', '"', '\n', '\r']) >= 0 ? $"\"{f.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : f));
        text.Append("\r\n");
    }
}
