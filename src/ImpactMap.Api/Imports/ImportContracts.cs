using ImpactMap.Core.Documents;

namespace ImpactMap.Api.Imports;

/// <summary>How many nodes or dependencies an import added, updated, removed (replace or prune) and left as they were.</summary>
public sealed record ImportCountsResponse(int Added, int Updated, int Removed, int Unchanged);

/// <summary>Something an import left out: code (dangling-reference, duplicate, self-reference, …), source (file:line or entity), message.</summary>
public sealed record ImportWarningResponse(string Code, string Source, string Message);

/// <summary>
/// What an import did (or, with dryRun, would do: then document is the resulting graph and nothing is stored).
/// warnings lists the first 1,000; warningCounts counts every warning by its code.
/// </summary>
public sealed record ImportResponse(
    string Graph,
    long Version,
    string Format,
    ImportCountsResponse Nodes,
    ImportCountsResponse Dependencies,
    IReadOnlyDictionary<string, int> Skipped,
    IReadOnlyList<ImportWarningResponse> Warnings,
    GraphDocument? Document = null)
{
    /// <summary>Every warning by its code, including those past the listed ones.</summary>
    public IReadOnlyDictionary<string, int> WarningCounts { get; init; } = new Dictionary<string, int>();
}
