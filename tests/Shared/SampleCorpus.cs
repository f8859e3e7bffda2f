using System.Text.Json;

namespace ImpactMap.Tests.Shared;

/// <summary>The sample graphs in graphs/ and their expected impacts in graphs/expected/.</summary>
public static class SampleCorpus
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string GraphsFolder => Path.Combine(RepositoryRoot, "graphs");

    /// <summary>Every graph with an expectations file, as NUnit test cases.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        Directory.GetFiles(Path.Combine(GraphsFolder, "expected"), "*.json")
            .Order(StringComparer.Ordinal)
            .SelectMany(file =>
            {
                var graph = Path.GetFileNameWithoutExtension(file);
                var expectations = JsonSerializer.Deserialize<ExpectedImpacts>(File.ReadAllText(file), JsonOptions)!;
                return expectations.Scenarios.Select(s => new TestCaseData(graph, s).SetArgDisplayNames(graph, s.Name));
            });

    public static string GraphFile(string graph) =>
        new[] { ".yaml", ".yml", ".json" }.Select(ext => Path.Combine(GraphsFolder, graph + ext)).First(File.Exists);

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImpactMap.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ImpactMap.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record ExpectedImpacts(IReadOnlyList<ExpectedScenario> Scenarios);

public sealed record ExpectedOutage(string Node, string? State);

public sealed record ExpectedNode(string State, string? ImpactAt, int? Depth);

/// <summary>One question asked of a sample graph: the exact set of affected nodes, and paths where given.</summary>
public sealed record ExpectedScenario(
    string Name,
    IReadOnlyList<ExpectedOutage> Outages,
    string? Duration,
    int? MaxDepth,
    IReadOnlyDictionary<string, ExpectedNode> Affected,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Paths)
{
    public override string ToString() => Name;
}
