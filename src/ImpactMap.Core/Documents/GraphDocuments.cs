using System.Text.Json;
using System.Text.Json.Serialization;
using ImpactMap.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ImpactMap.Core.Documents;

/// <summary>Reads and writes graph documents, and converts them to and from the model.</summary>
public static class GraphDocuments
{
    /// <summary>The JSON settings of documents: camelCase, no nulls written, unknown fields refused.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        MaxDepth = 32,
        // A key given twice is a mistake, not a choice of the last one.
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static readonly IDeserializer YamlReader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    private static readonly ISerializer YamlWriter = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .DisableAliases()
        .Build();

    /// <summary>Parses JSON; <see cref="InvalidGraphException"/> naming where it broke.</summary>
    public static async Task<GraphDocument> ReadJsonAsync(Stream json, CancellationToken cancellationToken = default)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<GraphDocument>(json, JsonOptions, cancellationToken)
                   ?? throw Unreadable("$", "the document is empty (null)");
        }
        catch (JsonException e)
        {
            throw Unreadable(e.Path ?? "$", $"not a valid graph document: {JsonErrors.Describe(e)}");
        }
    }

    /// <summary>Parses YAML; <see cref="InvalidGraphException"/> naming the line where it broke.</summary>
    public static GraphDocument ReadYaml(TextReader yaml)
    {
        try
        {
            return YamlReader.Deserialize<GraphDocument?>(new BoundedYamlParser(yaml)) ?? throw Unreadable("$", "the document is empty");
        }
        catch (YamlException e)
        {
            var detail = e.InnerException is { } inner and not YamlException ? inner.Message : e.Message;
            throw Unreadable($"line {e.Start.Line}, column {e.Start.Column}", $"not a valid graph document: {JsonErrors.DescribeYaml(FirstSentence(detail))}");
        }
    }

    /// <summary>The document as JSON.</summary>
    public static string ToJson(GraphDocument document) => JsonSerializer.Serialize(document, JsonOptions);

    /// <summary>The document as YAML.</summary>
    public static string ToYaml(GraphDocument document) => YamlWriter.Serialize(document);

    /// <summary>A file of either format, chosen by its extension (.json, .yaml, .yml).</summary>
    public static async Task<GraphDocument> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            await using var stream = File.OpenRead(path);
            return await ReadJsonAsync(stream, cancellationToken);
        }

        using var reader = File.OpenText(path);
        return ReadYaml(reader);
    }

    /// <summary>The model's graph for a document: every problem reported at once, nothing partial.</summary>
    public static DependencyGraph ToGraph(GraphDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<GraphProblem>();
        if (document.Nodes is null)
        {
            // Without this, a document of {} would empty a graph.
            problems.Add(new GraphProblem("nodes", "required: a graph document lists its nodes; an empty graph is \"nodes\": []"));
        }

        var nodes = (document.Nodes ?? []).Select((n, i) => ToNode(n, $"nodes[{i}]", problems)).ToList();
        // A dependency's ends are the same ids as its nodes': one string each, not three (a large graph holds millions).
        var ids = new Dictionary<string, string>(nodes.Count, StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            ids.TryAdd(node.Id, node.Id);
        }

        var dependencies = (document.Dependencies ?? [])
            .Select((d, i) => ToDependency(d, $"dependencies[{i}]", problems, ids))
            .ToList();
        if (problems.Count > 0)
        {
            throw new InvalidGraphException(problems);
        }

        return DependencyGraph.Create(nodes, dependencies);
    }

    /// <summary>A node from its document form; <see cref="InvalidGraphException"/> for bad fields.</summary>
    public static Node ToNode(NodeDocument document)
    {
        var problems = new List<GraphProblem>();
        var node = ToNode(document, "node", problems);
        return problems.Count == 0 ? node : throw new InvalidGraphException(problems);
    }

    /// <summary>A dependency from its document form; <see cref="InvalidGraphException"/> for bad fields.</summary>
    public static Dependency ToDependency(DependencyDocument document)
    {
        var problems = new List<GraphProblem>();
        var dependency = ToDependency(document, "dependency", problems);
        return problems.Count == 0 ? dependency : throw new InvalidGraphException(problems);
    }

    /// <summary>The document form of a graph.</summary>
    public static GraphDocument FromGraph(DependencyGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new GraphDocument
        {
            Nodes = graph.Nodes.Select(FromNode).ToList(),
            Dependencies = graph.Dependencies.Select(FromDependency).ToList(),
        };
    }

    /// <summary>The document form of a node.</summary>
    public static NodeDocument FromNode(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new NodeDocument
        {
            Id = node.Id,
            Name = node.Name,
            Kind = node.Kind,
            Attributes = node.Attributes.Count == 0 ? null : new Dictionary<string, string>(node.Attributes),
            Groups = node.Groups.Count == 0 ? null : node.Groups.ToDictionary(g => g.Key, g => new GroupDocument { Need = g.Value }),
            Availability = node.Availability,
        };
    }

    /// <summary>The document form of a dependency; defaults are left out.</summary>
    public static DependencyDocument FromDependency(Dependency dependency)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        return new DependencyDocument
        {
            From = dependency.From,
            To = dependency.To,
            Group = dependency.Group,
            Effect = dependency.Effect == NodeState.Down ? null : dependency.Effect.ToWire(),
            Tolerance = dependency.Tolerance == TimeSpan.Zero ? null : Durations.Format(dependency.Tolerance),
        };
    }

    internal static Node ToNode(NodeDocument? n, string path, List<GraphProblem> problems)
    {
        if (n is null)
        {
            problems.Add(new GraphProblem(path, "a node cannot be null"));
            return Node.Create("", "");
        }

        if (n.Kind is null)
        {
            problems.Add(new GraphProblem($"{path}.kind", "kind is required"));
        }

        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, group) in n.Groups ?? [])
        {
            groups[name] = group?.Need ?? 1;
        }

        return new Node(n.Id ?? "", n.Name ?? n.Id ?? "", n.Kind ?? "", n.Attributes ?? [], groups) { Availability = n.Availability };
    }

    internal static Dependency ToDependency(DependencyDocument? d, string path, List<GraphProblem> problems, Dictionary<string, string>? ids = null)
    {
        if (d is null)
        {
            problems.Add(new GraphProblem(path, "a dependency cannot be null"));
            return Dependency.Create("", "");
        }

        var effect = NodeState.Down;
        if (d.Effect is not null && (!NodeStates.TryParse(d.Effect, out effect) || effect == NodeState.Up))
        {
            problems.Add(new GraphProblem($"{path}.effect", $"'{GraphValidator.Shorten(d.Effect)}' is not an effect: down, degraded or at-risk"));
            effect = NodeState.Down;
        }

        var tolerance = TimeSpan.Zero;
        if (d.Tolerance is not null && !Durations.TryParse(d.Tolerance, out tolerance))
        {
            problems.Add(new GraphProblem($"{path}.tolerance", $"'{GraphValidator.Shorten(d.Tolerance)}' is not an ISO-8601 duration such as PT15M"));
        }

        return new Dependency(ids?.GetValueOrDefault(d.From!) ?? d.From!, ids?.GetValueOrDefault(d.To!) ?? d.To!, d.Group, effect, tolerance);
    }

    private static InvalidGraphException Unreadable(string path, string message) =>
        new([new GraphProblem(path, message)]);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
