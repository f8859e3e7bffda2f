using System.Globalization;
using System.Text.Json;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>
/// A tracing system's service dependencies, as Jaeger's API answers them: <c>[{"parent","child","callCount"}]</c>,
/// bare or in a <c>data</c> envelope. The caller depends on the callee; call counts go to the caller's
/// attributes (<c>calls.&lt;callee&gt;</c>), since dependencies carry none.
/// </summary>
public static class JaegerImport
{
    /// <summary>Reads each file; <see cref="UnreadableFileException"/> for one that is not such JSON.</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var nodes = new Dictionary<string, (string Original, Dictionary<string, string> Attributes)>(StringComparer.Ordinal);
        var dependencies = new List<ImportedDependency>();
        var pairs = new HashSet<(string, string)>();
        foreach (var (name, text) in files)
        {
            var root = Json.Parse(name, text);
            var links = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) ? data : root;
            if (links.ValueKind != JsonValueKind.Array)
            {
                throw new UnreadableFileException(name, 1, "expected an array of {parent, child, callCount}, or one under \"data\"");
            }

            var index = 0;
            foreach (var link in links.EnumerateArray())
            {
                var place = $"{name}:[{index++}]";
                var parent = link.ValueKind == JsonValueKind.Object && link.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                var child = link.ValueKind == JsonValueKind.Object && link.TryGetProperty("child", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                if (string.IsNullOrEmpty(parent) || string.IsNullOrEmpty(child))
                {
                    log.Skip("dependencies", "missing-end", place, "a link needs a parent and a child service");
                    continue;
                }

                var (from, to) = (Node(parent, place), Node(child, place));
                if (from == to)
                {
                    log.Skip("dependencies", "self-reference", place, $"'{GraphValidator.Shorten(parent)}' calls itself; a node cannot depend on itself");
                    continue;
                }

                if (!pairs.Add((from, to)))
                {
                    log.Skip("dependencies", "duplicate", place, $"the link from '{parent}' to '{child}' appears again; the first one is kept");
                    continue;
                }

                if (link.TryGetProperty("callCount", out var calls) && calls.ValueKind == JsonValueKind.Number && calls.TryGetInt64(out var count) && $"calls.{to}".Length <= 100)
                {
                    nodes[from].Attributes[$"calls.{to}"] = count.ToString(CultureInfo.InvariantCulture);
                }

                dependencies.Add(new ImportedDependency(from, to, null, null, null));
            }
        }

        return log.Read(
            nodes.Select(n => new ImportedNode(n.Key, n.Value.Original, Model.Node.Service, null, null, n.Value.Attributes)).ToList(),
            dependencies);

        string Node(string service, string place)
        {
            var id = SourceIds.Map(service);
            if (nodes.TryGetValue(id, out var known))
            {
                if (known.Original != service)
                {
                    log.Warn("id-collision", place,
                        $"'{GraphValidator.Shorten(service)}' and '{GraphValidator.Shorten(known.Original)}' both map to the node id '{id}'");
                }

                return id;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (id != service)
            {
                attributes[SourceIds.Attribute] = service;
            }

            nodes[id] = (service, attributes);
            return id;
        }
    }
}
