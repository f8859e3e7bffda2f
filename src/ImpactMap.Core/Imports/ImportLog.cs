namespace ImpactMap.Core.Imports;

/// <summary>What an import leaves out, as it reads: a warning for each item, and a count of what was skipped.</summary>
internal sealed class ImportLog
{
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
    }

    public List<ImportWarning> Warnings { get; } = [];

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
    public void Warn(string code, string source, string message) => Warnings.Add(new ImportWarning(code, source, message));
}
