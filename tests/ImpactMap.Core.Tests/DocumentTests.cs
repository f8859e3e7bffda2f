using System.Text;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class DocumentTests
{
    private const string Yaml = """
        nodes:
          - id: aws-eu-west-1
            name: AWS eu-west-1
            kind: supplier
            attributes: {owner: cloud-team}
          - id: azure-westeurope
            kind: supplier
          - id: payments
            kind: service
            groups: {compute: {need: 1}}
          - id: webshop
            kind: customer
        dependencies:
          - {from: payments, to: aws-eu-west-1, group: compute, tolerance: PT15M}
          - {from: payments, to: azure-westeurope, group: compute}
          - {from: webshop, to: payments, effect: degraded}
        """;

    [Test]
    public async Task Availability_round_trips_through_yaml_and_json_and_must_be_a_share_of_time()
    {
        var yaml = "nodes:\n  - {id: region, kind: supplier, availability: 0.9995}\n  - {id: app, kind: service}\n";
        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(yaml)));
        var viaJson = GraphDocuments.ToGraph(await GraphDocuments.ReadJsonAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(GraphDocuments.ToJson(GraphDocuments.FromGraph(graph))))));
        var viaYaml = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(GraphDocuments.ToYaml(GraphDocuments.FromGraph(graph)))));

        Assert.That(graph.FindNode("region")!.Availability, Is.EqualTo(0.9995));
        Assert.That(graph.FindNode("app")!.Availability, Is.Null);
        Assert.That(viaJson.Nodes, Is.EqualTo(graph.Nodes));
        Assert.That(viaYaml.Nodes, Is.EqualTo(graph.Nodes));
        foreach (var bad in new[] { "0", "-0.5", "1.0001", "99.95" })
        {
            var refused = Assert.Throws<InvalidGraphException>(() =>
                GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader($"nodes:\n  - {{id: region, kind: supplier, availability: {bad}}}\n"))));
            Assert.That(refused!.Problems.Single().Path, Is.EqualTo("nodes[0].availability"), bad);
        }
    }

    [Test]
    public void A_yaml_document_reads_into_the_model()
    {
        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(Yaml)));

        Assert.That(graph.FindNode("aws-eu-west-1"), Is.EqualTo(new Node("aws-eu-west-1", "AWS eu-west-1", "supplier",
            new Dictionary<string, string> { ["owner"] = "cloud-team" }, new Dictionary<string, int>())));
        Assert.That(graph.FindNode("payments")!.NeedOf("compute"), Is.EqualTo(1));
        Assert.That(graph.FindNode("azure-westeurope")!.Name, Is.EqualTo("azure-westeurope"), "the name defaults to the id");
        Assert.That(graph.FindDependency("payments", "aws-eu-west-1"),
            Is.EqualTo(new Dependency("payments", "aws-eu-west-1", "compute", NodeState.Down, TimeSpan.FromMinutes(15))));
        Assert.That(graph.FindDependency("webshop", "payments")!.Effect, Is.EqualTo(NodeState.Degraded));
    }

    [Test]
    public async Task Json_and_yaml_round_trip_to_the_same_graph()
    {
        var graph = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(Yaml)));

        var json = GraphDocuments.ToJson(GraphDocuments.FromGraph(graph));
        var fromJson = GraphDocuments.ToGraph(await GraphDocuments.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        var yaml = GraphDocuments.ToYaml(GraphDocuments.FromGraph(fromJson));
        var fromYaml = GraphDocuments.ToGraph(GraphDocuments.ReadYaml(new StringReader(yaml)));

        Assert.That(fromYaml.Nodes, Is.EqualTo(graph.Nodes));
        Assert.That(fromYaml.Dependencies, Is.EqualTo(graph.Dependencies));
        Assert.That(json, Does.Contain("\"tolerance\":\"PT15M\""));
    }

    [TestCase("{\"nodes\": [", "not a valid graph document")]
    [TestCase("{\"nodes\": 5}", "$.nodes")]
    [TestCase("{\"nodez\": []}", "nodez")]
    [TestCase("null", "empty")]
    public void Broken_json_is_refused_naming_where(string json, string expected)
    {
        var error = Assert.ThrowsAsync<InvalidGraphException>(() => GraphDocuments.ReadJsonAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))))!;

        Assert.That(error.Problems.Single().ToString(), Does.Contain(expected));
    }

    [TestCase("nodes: [", "line")]
    [TestCase("nodes:\n  - id: a\n    colour: red\n", "line 3")]
    [TestCase("nodes: 5", "line 1")]
    public void Broken_yaml_is_refused_naming_the_line(string yaml, string expected)
    {
        var error = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ReadYaml(new StringReader(yaml)))!;

        Assert.That(error.Problems.Single().ToString(), Does.Contain(expected));
    }
}
