using System.Globalization;
using System.Text.Json;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ImpactMap.Core.Imports;

/// <summary>
/// A Backstage software catalog: catalog-info YAML (one or more documents) or the catalog API's JSON (an array, or
/// <c>{"items": [...]}</c>). Components, Resources and APIs become nodes (<c>component:artist-lookup</c>,
/// <c>resource:ns:artists-db</c> outside the default namespace); dependsOn, dependencyOf, consumesApis and
/// providesApis become dependencies; ImpactMap annotations add kinds, availabilities, effects, tolerances and
/// groups of alternatives. Other kinds and containment relations are counted under skipped.
/// </summary>
public static class BackstageImport
{
    /// <summary>The prefix of ImpactMap's annotations on an entity.</summary>
    public const string Annotation = "impactmap.io/";
    private static readonly Dictionary<string, string> NodeKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["component"] = Node.Service, ["resource"] = "resource", ["api"] = "api",
    };

    // Containment says what a thing is part of, not what it needs: counted, never a dependency.
    private static readonly string[] Containment = ["subcomponentOf", "partOf"];

    /// <summary>Reads each file; <see cref="UnreadableFileException"/> for one that is neither such YAML nor such JSON.</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();

        var entities = files.SelectMany(f => Entities(f.Name, f.Text)).ToList();
        var nodes = new Dictionary<string, ImportedNode>(StringComparer.Ordinal);
        var edges = new Dictionary<(string, string), ImportedDependency>();
        var known = new List<(Dictionary<string, object?> Entity, string Id, string Namespace, string Source)>();
        foreach (var (entity, source) in entities)
        {
            var kind = Text(entity, "kind") ?? "";
            var metadata = Map(entity, "metadata");
            var name = Text(metadata, "name");
            if (!NodeKinds.TryGetValue(kind, out var nodeKind))
            {
                log.Count(kind.Length == 0 ? "entities without a kind" : kind.ToLowerInvariant());
                continue;
            }

            if (name is null)
            {
                log.Skip("entities", "missing-name", source, "an entity needs metadata.name");
                continue;
            }

            var ns = (Text(metadata, "namespace") ?? "default").ToLowerInvariant();
            var id = IdOf(kind, ns, name);
            var spec = Map(entity, "spec");
            var annotations = Map(metadata, "annotations");
            var labels = Map(metadata, "labels");
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in new[] { "type", "lifecycle", "owner", "system", "domain" })
            {
                if (Text(spec, field) is { } value)
                {
                    attributes[field] = value;
                }
            }

            if (List(metadata, "tags") is { Count: > 0 } tags)
            {
                attributes["tags"] = string.Join(",", tags);
            }

            foreach (var (key, value) in labels)
            {
                attributes[$"label.{key}"] = value?.ToString() ?? "";
            }

            if (id != SourceIds.Map(id))
            {
                attributes[SourceIds.Attribute] = id;
            }

            double? availability = null;
            if (Text(annotations, Annotation + "availability") is { } a)
            {
                if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= 1)
                {
                    availability = value;
                }
                else
                {
                    log.Warn("invalid-availability", $"{kind.ToLowerInvariant()}:{name}", $"annotation availability '{a}' is not a share of time in (0, 1]; left out");
                }
            }

            var mapped = SourceIds.Map(id);
            if (nodes.ContainsKey(mapped))
            {
                log.Skip("entities", "duplicate", source, $"'{id}' appears again; the first one is kept");
                continue;
            }

            var groups = Alternatives(annotations, ns);
            nodes[mapped] = new ImportedNode(mapped, Text(metadata, "title") ?? name, Text(annotations, Annotation + "kind") ?? nodeKind, availability,
                groups.Count == 0 ? null : groups.DistinctBy(g => g.Name).ToDictionary(g => g.Name, g => g.Need), attributes);
            known.Add((entity, mapped, ns, source));
            foreach (var relation in Containment.Where(spec.ContainsKey))
            {
                log.Count("containment relations");
            }
        }

        foreach (var (entity, id, ns, source) in known)
        {
            var spec = Map(entity, "spec");
            var annotations = Map(Map(entity, "metadata"), "annotations");
            var effects = Effects(annotations, ns);
            var tolerances = Tolerances(annotations, ns, log, id);
            // A member named twice, or in two groups, belongs to the first group that names it.
            var groupOf = Alternatives(annotations, ns).SelectMany(g => g.Members.Select(m => (m, g.Name))).DistinctBy(p => p.m)
                .ToDictionary(p => p.m, p => p.Name, StringComparer.Ordinal);
            void Add(string from, string to, string relation)
            {
                if (!nodes.ContainsKey(from) || !nodes.ContainsKey(to))
                {
                    log.Skip("dependencies", "dangling-reference", $"{id}: {relation}", $"'{(nodes.ContainsKey(from) ? to : from)}' is not a Component, Resource or API of the catalog");
                    return;
                }

                if (from == to)
                {
                    log.Skip("dependencies", "self-reference", $"{id}: {relation}", $"'{from}' cannot depend on itself");
                    return;
                }

                // A relation stated from both sides is one dependency; the dependent's own annotations describe it.
                var own = from == id;
                var stated = new ImportedDependency(from, to, own ? groupOf.GetValueOrDefault(to) : null, own && effects.TryGetValue(to, out var e) ? e : null,
                    own && tolerances.TryGetValue(to, out var t) ? t : null);
                if (!edges.TryGetValue((from, to), out var existing) || (own && existing.Group is null && existing.Effect is null && existing.Tolerance is null))
                {
                    edges[(from, to)] = stated;
                }
            }

            foreach (var (relation, defaultKind, outward) in new[] { ("dependsOn", (string?)null, true), ("dependencyOf", null, false), ("consumesApis", "api", true), ("providesApis", "api", false) })
            {
                foreach (var target in List(spec, relation) ?? [])
                {
                    var other = Reference(target, ns, defaultKind);
                    if (other is null)
                    {
                        log.Skip("dependencies", "missing-kind", $"{id}: {relation}", $"'{target}' names no kind (write resource:{target}, component:{target} …)");
                        continue;
                    }

                    // dependsOn and consumesApis: this needs the other; dependencyOf: the other needs this; providesApis: the API needs its provider.
                    if (outward)
                    {
                        Add(id, other, relation);
                    }
                    else
                    {
                        Add(other, id, relation);
                    }
                }
            }
        }

        return log.Read([.. nodes.Values], [.. edges.Values]);
    }

    private static string IdOf(string kind, string ns, string name) =>
        ns == "default" ? $"{kind.ToLowerInvariant()}:{name.ToLowerInvariant()}" : $"{kind.ToLowerInvariant()}:{ns}:{name.ToLowerInvariant()}";

    /// <summary>[kind:][namespace/]name, in the referring entity's namespace by default; null when no kind is known.</summary>
    private static string? Reference(string reference, string ns, string? defaultKind)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? reference[..colon] : defaultKind;
        var rest = colon > 0 ? reference[(colon + 1)..] : reference;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return kind is null ? null : SourceIds.Map(IdOf(kind, slash > 0 ? rest[..slash].ToLowerInvariant() : ns, slash > 0 ? rest[(slash + 1)..] : rest));
    }

    /// <summary>impactmap.io/degraded-by and impactmap.io/at-risk-by: the references whose loss only degrades, or only puts at risk.</summary>
    private static Dictionary<string, NodeState> Effects(Dictionary<string, object?> annotations, string ns)
    {
        var effects = new Dictionary<string, NodeState>(StringComparer.Ordinal);
        foreach (var (key, effect) in new[] { ("degraded-by", NodeState.Degraded), ("at-risk-by", NodeState.AtRisk) })
        {
            foreach (var reference in Split(Text(annotations, Annotation + key), ','))
            {
                if (Reference(reference, ns, null) is { } id)
                {
                    effects[id] = effect;
                }
            }
        }

        return effects;
    }

    /// <summary>impactmap.io/tolerance: "resource:queue=PT15M, api:search=PT1H".</summary>
    private static Dictionary<string, TimeSpan> Tolerances(Dictionary<string, object?> annotations, string ns, ImportLog log, string id)
    {
        var tolerances = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var entry in Split(Text(annotations, Annotation + "tolerance"), ','))
        {
            var at = entry.LastIndexOf('=');
            if (at > 0 && Reference(entry[..at].Trim(), ns, null) is { } target && Durations.TryParse(entry[(at + 1)..].Trim(), out var tolerance))
            {
                tolerances[target] = tolerance;
            }
            else
            {
                log.Warn("invalid-annotation", id, $"tolerance '{entry}' is not reference=ISO-8601 duration; left out");
            }
        }

        return tolerances;
    }

    /// <summary>impactmap.io/alternatives: "psp: api:psp-a, api:psp-b; regions(2): resource:eu, resource:us, resource:ap".</summary>
    private static List<(string Name, int Need, List<string> Members)> Alternatives(Dictionary<string, object?> annotations, string ns) =>
        Split(Text(annotations, Annotation + "alternatives"), ';').Select(group =>
        {
            var colon = group.IndexOf(':', StringComparison.Ordinal);
            var head = colon > 0 ? group[..colon].Trim() : "alternatives";
            var open = head.IndexOf('(', StringComparison.Ordinal);
            var need = open > 0 && int.TryParse(head[(open + 1)..].TrimEnd(')'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            var members = Split(colon > 0 ? group[(colon + 1)..] : group, ',').Select(r => Reference(r, ns, null)).OfType<string>().ToList();
            return (Name: open > 0 ? head[..open] : head, Need: need, Members: members);
        }).Where(g => g.Members.Count > 0).ToList();

    private static IEnumerable<string> Split(string? text, char separator) =>
        (text ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IEnumerable<(Dictionary<string, object?> Entity, string Source)> Entities(string name, string text)
    {
        var trimmed = text.TrimStart('\uFEFF').TrimStart();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            var root = Json.Parse(name, trimmed);
            var items = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var list) ? list : root;
            if (items.ValueKind != JsonValueKind.Array)
            {
                throw new UnreadableFileException(name, 1, "expected an array of entities, or one under \"items\"");
            }

            return items.EnumerateArray().Select((e, i) => (FromJson(e) as Dictionary<string, object?> ?? [], $"{name}:[{i}]")).ToList();
        }

        var found = new List<(Dictionary<string, object?>, string)>();
        try
        {
            var parser = new BoundedYamlParser(new StringReader(text));
            var deserializer = new DeserializerBuilder().Build();
            parser.Consume<YamlDotNet.Core.Events.StreamStart>();
            while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out var start))
            {
                var line = (int)start.Start.Line;
                if (Normalise(deserializer.Deserialize<object?>(parser)) is Dictionary<string, object?> entity)
                {
                    found.Add((entity, $"{name}:{line}"));
                }
            }
        }
        catch (YamlException e)
        {
            throw new UnreadableFileException(name, (int)e.Start.Line, e.Message);
        }

        return found;
    }

    private static object? Normalise(object? value) => value switch
    {
        // Keys that read alike (1 and "1", or a null key) keep the first.
        IDictionary<object, object?> map => map.DistinctBy(p => p.Key?.ToString() ?? "").ToDictionary(p => p.Key?.ToString() ?? "", p => Normalise(p.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Normalise).ToList(),
        _ => value?.ToString(),
    };

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().DistinctBy(p => p.Name).ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Null => null,
        _ => e.ToString(),
    };

    private static Dictionary<string, object?> Map(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var value) && value is Dictionary<string, object?> map ? map : [];

    private static string? Text(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var value) && value is string text && text.Length > 0 ? text : null;

    private static List<string>? List(Dictionary<string, object?> parent, string key) =>
        parent.TryGetValue(key, out var value) ? value switch
        {
            List<object?> list => list.OfType<string>().ToList(),
            string single => [single],
            _ => null,
        } : null;
}
