using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// Exports are opened in spreadsheets and pasted into pages: names that imports bring in from other people's
/// catalogs must not run as formulas there, nor as markup in a Mermaid picture.
/// </summary>
public class ExportSafetyTests
{
    private static readonly string[] Formulas = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "'=quoted"];

    private static DependencyGraph Graph() => DependencyGraph.Create(
        [
            Node.Create("region", Node.Supplier, Formulas[0]),
            Node.Create("app", Node.Service, "<img src=x onerror=alert(1)>") with { Attributes = new Dictionary<string, string> { ["owner"] = Formulas[1], ["note"] = "\tTab" } },
            Node.Create("shop", Node.Customer, Formulas[3]),
            Node.Create("other", Node.Customer, Formulas[4]),
        ],
        [Dep("app", "region"), Dep("shop", "app"), Dep("other", "app")]);

    private static Dependency Dep(string from, string to) => new(from, to, null, NodeState.Down, TimeSpan.Zero);

    private static IEnumerable<string> Cells(string csv) =>
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).SelectMany(line => line.Split(',')).Select(c => c.Trim('"'));

    [Test]
    public void No_cell_of_a_csv_export_starts_as_a_spreadsheet_formula()
    {
        var graph = Graph();
        var impact = new PropagationEngine(graph).Impact(new ImpactQuery([new Outage("region")]));

        foreach (var csv in new[] { GraphExports.NodesCsv(graph), GraphExports.ImpactCsv(graph, impact) })
        {
            Assert.That(Cells(csv).Where(c => c.Length > 0 && "=+-@\t\r".Contains(c[0])), Is.Empty, csv);
        }

        Assert.That(GraphExports.NodesCsv(graph), Does.Contain("'=cmd|' /C calc'!A0").And.Contain("''=quoted").And.Contain("'@SUM(A1:A9)"));
    }

    [TestCase("=1", "'=1")]
    [TestCase("'=1", "''=1")]
    [TestCase("'plain", "'plain")]
    [TestCase("-", "'-")]
    [TestCase("a=b", "a=b")]
    [TestCase("", "")]
    public void A_cell_is_guarded_by_one_apostrophe_and_read_back_exactly(string value, string written)
    {
        Assert.That(SpreadsheetCells.Guard(value), Is.EqualTo(written));
        Assert.That(SpreadsheetCells.Unguard(written), Is.EqualTo(value));
    }

    [Test]
    public void Mermaid_labels_carry_markup_as_entity_codes()
    {
        var graph = Graph();
        var impact = new PropagationEngine(graph).Impact(new ImpactQuery([new Outage("region")]));

        var mermaid = GraphExports.ImpactMermaid(graph, impact);

        Assert.That(mermaid, Does.Not.Contain("<img").And.Contain("#lt;img src=x onerror=alert(1)#gt;"));
    }

    [Test]
    public void Names_with_control_characters_are_refused_at_write_time_naming_the_field()
    {
        var error = Assert.Throws<InvalidGraphException>(() => DependencyGraph.Create(
            [Node.Create("a", Node.Service, "nul\0name"), Node.Create("b", Node.Service) with { Attributes = new Dictionary<string, string> { ["k"] = "esc\u001b[31m" } }], []))!;

        Assert.That(error.Problems.Select(p => p.Path), Is.EquivalentTo(new[] { "nodes[0].name", "nodes[1].attributes.k" }));
        Assert.DoesNotThrow(() => DependencyGraph.Create(
            [Node.Create("c", Node.Service) with { Attributes = new Dictionary<string, string> { ["notes"] = "line one\nline two\ttabbed" } }], []));
    }

    [Test]
    public void A_node_carries_at_most_five_hundred_attributes()
    {
        var many = Enumerable.Range(0, GraphValidator.MaxAttributes + 1).ToDictionary(i => $"k{i}", i => "v");

        var error = Assert.Throws<InvalidGraphException>(() => DependencyGraph.Create([Node.Create("a", Node.Service) with { Attributes = many }], []))!;

        Assert.That(error.Problems.Single().Message, Does.Contain("at most 500 attributes"));
    }
}
