using System.Text;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

/// <summary>
/// YAML that once took the process down: 10,000 nested flow sequences overflowed the stack in YamlDotNet's
/// deserializer, and a few hundred bytes of nested aliases stood for gigabytes. Both readers of YAML (graph
/// documents and Backstage imports) refuse them with a message naming the line and the bound.
/// </summary>
public class BoundedYamlTests
{
    private static string Nested(int depth) => "spec: " + new string('[', depth) + new string(']', depth) + "\n";

    /// <summary>Eight levels of ten aliases each: 10^8 copies of one short list.</summary>
    private static string AliasBomb(int levels)
    {
        var text = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= levels; level++)
        {
            text.Append($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        return text.ToString();
    }

    private static string Backstage(string spec) =>
        $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: app}}\n{spec}";

    [Test]
    public void Ten_thousand_nested_sequences_in_a_Backstage_import_are_refused_not_a_stack_overflow()
    {
        var error = Assert.Throws<UnreadableFileException>(() => BackstageImport.Read([("catalog.yaml", Backstage(Nested(10_000)))]))!;

        Assert.That(error.Message, Does.Contain($"deeper than {BoundedYamlParser.MaxDepth} levels"));
    }

    [Test]
    public void Ten_thousand_nested_sequences_are_refused_by_the_parser_naming_the_depth_and_line()
    {
        var parser = new BoundedYamlParser(new StringReader("a: 1\n" + Nested(10_000)));

        var error = Assert.Throws<YamlDotNet.Core.YamlException>(() => { while (parser.MoveNext()) { } })!;

        Assert.That(error.Message, Does.Contain($"deeper than {BoundedYamlParser.MaxDepth} levels"));
        Assert.That(error.Start.Line, Is.EqualTo(2));
    }

    [Test]
    public void A_graph_document_of_the_wrong_shape_is_refused_in_words_without_dotnet_types()
    {
        var shape = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ReadYaml(new StringReader("nodes: [[[]]]")))!;
        var field = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ReadYaml(new StringReader("nodes: [{id: a, kind: service, colour: red}]")))!;

        Assert.That(shape.Problems.Single().Message, Does.Contain("not of the expected kind").And.Not.Contain("ImpactMap.").And.Not.Contain("deserializ"));
        Assert.That(field.Problems.Single().Message, Does.Contain("'colour' is not a known field here").And.Not.Contain("ImpactMap."));
    }

    [Test]
    public void Nesting_up_to_the_bound_is_read()
    {
        // The document itself is one level; the sequences fill the rest.
        var entities = BackstageImport.Read([("catalog.yaml", Backstage(Nested(BoundedYamlParser.MaxDepth - 1)))]);

        Assert.That(entities.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "component:app" }));
        Assert.Throws<UnreadableFileException>(() => BackstageImport.Read([("catalog.yaml", Backstage(Nested(BoundedYamlParser.MaxDepth)))]));
    }

    [Test]
    public void An_alias_bomb_in_a_Backstage_import_is_refused_before_it_expands()
    {
        var bomb = AliasBomb(8);
        Assert.That(Encoding.UTF8.GetByteCount(bomb), Is.LessThan(600));

        var error = Assert.Throws<UnreadableFileException>(() => BackstageImport.Read([("catalog.yaml", Backstage("spec:\n  " + bomb.Replace("\n", "\n  ")))]))!;

        Assert.That(error.Message, Does.Contain("aliases expand the document past"));
    }

    [Test]
    public void Attributes_shared_by_an_alias_on_two_thousand_nodes_are_refused_in_a_graph_document()
    {
        // 204 KB of text that stood for 446 MB in the database: 1,000 keys of 100 characters on every node.
        var text = new StringBuilder("nodes:\n  - id: n0\n    kind: service\n    attributes: &at\n");
        for (var key = 0; key < 1000; key++)
        {
            text.Append($"      k{key}: {new string('v', 100)}\n");
        }

        for (var node = 1; node < 2000; node++)
        {
            text.Append($"  - {{id: n{node}, kind: service, attributes: *at}}\n");
        }

        var error = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ReadYaml(new StringReader(text.ToString())))!;

        Assert.That(error.Problems.Single().Message, Does.Contain("aliases expand the document past"));
    }

    [Test]
    public void A_shared_block_of_defaults_is_still_read()
    {
        const string yaml = """
            defaults: &defaults {owner: team-a, tier: "1"}
            nodes:
              - {id: a, kind: service, attributes: *defaults}
              - {id: b, kind: service, attributes: *defaults}
            """;

        var error = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ReadYaml(new StringReader(yaml)))!;
        // 'defaults' is not a field of a graph document; the aliases themselves were accepted.
        Assert.That(error.Problems.Single().Message, Does.Not.Contain("aliases"));

        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader("""
            nodes:
              - {id: a, kind: service, attributes: &defaults {owner: team-a, tier: "1"}}
              - {id: b, kind: service, attributes: *defaults}
            """)));
        Assert.That(graph.Nodes.Single(n => n.Id == "b").Attributes!["owner"], Is.EqualTo("team-a"));
    }
}
