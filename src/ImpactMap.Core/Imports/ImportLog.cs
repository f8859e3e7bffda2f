namespace ImpactMap.Core.Imports;

/// <summary>
/// What an import leaves out, as it reads: a warning for each item (the first <see cref="MaxListed"/> listed, every
/// one counted by code), and a count of what was skipped. A 20 MB file of one repeated row once listed 1.5 million
/// warnings in a 162 MB answer.
/// </summary>
internal sealed class ImportLog
{
    /// <summary>The most warnings listed one by one; the rest are only counted.</summary>
    public const int MaxListed = 1000;

    public ImportLog()
    {
    }

    /// <summary>A log that goes on from what reading already found.</summary>
    public ImportLog(ImportedGraph read)
    {
        Warnings.AddRange(read.Warnings);
        foreach (var (what, count) in read.Skipped)
        {
            Skipped[what] = count;
        }

        foreach (var (code, count) in read.WarningCounts)
        {
            WarningCounts[code] = count;
        }
    }

    public List<ImportWarning> Warnings { get; } = [];

    /// <summary>Every warning by its code, listed or not.</summary>
    public Dictionary<string, int> WarningCounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Skipped { get; } = new(StringComparer.Ordinal);

    /// <summary>An item left out, with why.</summary>
    public void Skip(string what, string code, string source, string message)
    {
        Count(what);
        Warn(code, source, message);
    }

    /// <summary>An item left out by design (another kind, a containment relation): counted, not warned of.</summary>
    public void Count(string what) => Skipped[what] = Skipped.GetValueOrDefault(what) + 1;

    /// <summary>Something read, but not as the source may have meant it.</summary>
    public void Warn(string code, string source, string message)
    {
        WarningCounts[code] = WarningCounts.GetValueOrDefault(code) + 1;
        if (Warnings.Count < MaxListed)
        {
            Warnings.Add(new ImportWarning(code, source, message));
        }
    }

    /// <summary>What was read, with this log's warnings and counts.</summary>
    public ImportedGraph Read(IReadOnlyList<ImportedNode> nodes, IReadOnlyList<ImportedDependency> dependencies) =>
        new(nodes, dependencies, Warnings, Skipped, WarningCounts);
}
