using System.Text.Json;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>
/// A CycloneDX BOM (JSON, 1.4 to 1.6), such as a SaaSBOM: services (nested ones flattened) and
/// metadata.component become <c>service</c> nodes by bom-ref; dependencies give ref → each of dependsOn; a
/// service's provider from outside the BOM's own organisation becomes a <c>supplier</c> node it depends on.
/// Components count only when asked for. Compositions that call a node's dependencies incomplete or unknown
/// are warnings: its blast radius may be understated.
/// </summary>
public static partial class CycloneDxImport
{
    /// <summary>Reads each BOM; <see cref="UnreadableFileException"/> for one that is not JSON.</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files, bool components)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var nodes = new Dictionary<string, ImportedNode>(StringComparer.Ordinal);
        var dependencies = new Dictionary<(string, string), ImportedDependency>();
        foreach (var (name, text) in files)
        {
            var bom = Json.Parse(name, text);
            if (bom.ValueKind != JsonValueKind.Object || Text(bom, "bomFormat") != "CycloneDX")
            {
                throw new UnreadableFileException(name, 1, "not a CycloneDX BOM (bomFormat CycloneDX)");
            }

            // Every CycloneDX version so far is 1.x, each a superset of the one before; 9.9 is not a BOM this reads.
            if (Text(bom, "specVersion") is not { } version || !SpecVersion().IsMatch(version))
            {
                throw new UnreadableFileException(name, 1, $"specVersion '{GraphValidator.Shorten(Text(bom, "specVersion"))}' is not a CycloneDX version this import reads (1.x)");
            }

            var metadata = Property(bom, "metadata");
            var organisation = Text(Property(metadata, "supplier"), "name") ?? Text(Property(metadata, "manufacturer"), "name")
                               ?? Text(Property(Property(metadata, "component"), "supplier"), "name");
            void Add(JsonElement entity, string kind, string source)
            {
                var reference = Text(entity, "bom-ref") ?? Text(entity, "name");
                if (reference is null)
                {
                    log.Skip("entities", "missing-ref", source, "an entity needs a bom-ref or a name");
                    return;
                }

                var id = SourceIds.Map(reference);
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                if (id != reference)
                {
                    attributes[SourceIds.Attribute] = reference;
                }

                foreach (var field in new[] { "version", "group" })
                {
                    if (Text(entity, field) is { } value)
                    {
                        attributes[field] = value;
                    }
                }

                nodes.TryAdd(id, new ImportedNode(id, Text(entity, "name") ?? reference, kind, null, null, attributes));
                if (Property(entity, "provider") is { ValueKind: JsonValueKind.Object } provider && Text(provider, "name") is { } providerName
                    && !string.Equals(providerName, organisation, StringComparison.OrdinalIgnoreCase))
                {
                    // A third party's service: the provider is a supplier the service depends on.
                    var supplier = SourceIds.Map($"supplier:{Text(provider, "bom-ref") ?? providerName}");
                    nodes.TryAdd(supplier, new ImportedNode(supplier, providerName, Node.Supplier, null, null, new Dictionary<string, string>()));
                    dependencies.TryAdd((id, supplier), new ImportedDependency(id, supplier, null, null, null));
                }
            }

            if (Property(metadata, "component") is { ValueKind: JsonValueKind.Object } subject)
            {
                Add(subject, Node.Service, $"{name}:metadata.component");
            }

            var services = new Stack<(JsonElement Service, string Path)>(Items(bom, "services").Select((s, i) => (s, $"services[{i}]")).Reverse());
            while (services.Count > 0)
            {
                var (service, path) = services.Pop();
                Add(service, Node.Service, $"{name}:{path}");
                foreach (var (nested, i) in Items(service, "services").Select((s, i) => (s, i)).Reverse())
                {
                    services.Push((nested, $"{path}.services[{i}]"));
                }
            }

            foreach (var (component, i) in Items(bom, "components").Select((c, i) => (c, i)))
            {
                if (components)
                {
                    Add(component, Text(component, "type") is { } type && Identifier.IsValidKind(type) ? type : "component", $"{name}:components[{i}]");
                }
                else
                {
                    log.Count("components");
                }
            }

            foreach (var (dependency, i) in Items(bom, "dependencies").Select((d, i) => (d, i)))
            {
                if (Text(dependency, "ref") is not { } from)
                {
                    continue;
                }

                foreach (var to in Items(dependency, "dependsOn").Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!))
                {
                    var (fromId, toId) = (SourceIds.Map(from), SourceIds.Map(to));
                    if (fromId == toId)
                    {
                        log.Skip("dependencies", "self-reference", $"{name}:dependencies[{i}]", $"'{GraphValidator.Shorten(from)}' cannot depend on itself");
                        continue;
                    }

                    dependencies.TryAdd((fromId, toId), new ImportedDependency(fromId, toId, null, null, null));
                }
            }

            foreach (var (composition, i) in Items(bom, "compositions").Select((c, i) => (c, i)))
            {
                if (Text(composition, "aggregate") is { } aggregate && (aggregate.StartsWith("incomplete", StringComparison.Ordinal) || aggregate == "unknown"))
                {
                    foreach (var reference in Items(composition, "dependencies").Select(d => d.ValueKind == JsonValueKind.String ? d.GetString() : d.ToString()))
                    {
                        log.Warn("incomplete-dependencies", $"{name}:compositions[{i}]",
                            $"the BOM says the dependencies of '{reference}' are {Text(composition, "aggregate")}: its blast radius may be understated");
                    }
                }
            }
        }

        return log.Read([.. nodes.Values], [.. dependencies.Values]);
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : [];

    [System.Text.RegularExpressions.GeneratedRegex(@"^1\.[0-9]{1,2}$")]
    private static partial System.Text.RegularExpressions.Regex SpecVersion();
}
