using ImpactMap.Core.Documents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class ValidationTests
{
    [Test]
    public void Every_problem_of_a_document_is_listed_with_where_it_is()
    {
        var document = new GraphDocument
        {
            Nodes =
            [
                new NodeDocument { Id = "a", Kind = "service" },
                new NodeDocument { Id = "a", Kind = "service" },
                new NodeDocument { Id = "bad id!", Kind = "service" },
                new NodeDocument { Id = "b", Kind = "Service", Groups = new() { ["g"] = new GroupDocument { Need = 3 } } },
                new NodeDocument { Id = "c" },
            ],
            Dependencies =
            [
                new DependencyDocument { From = "b", To = "ghost" },
                new DependencyDocument { From = "b", To = "a", Group = "g", Effect = "broken" },
                new DependencyDocument { From = "b", To = "a" },
                new DependencyDocument { From = "a", To = "a" },
                new DependencyDocument { From = "a", To = "b", Tolerance = "15 minutes" },
            ],
        };

        var error = Assert.Throws<InvalidGraphException>(() => GraphDocuments.ToGraph(document))!;
        var messages = error.Problems.Select(p => p.ToString()).ToList();

        Assert.That(messages, Has.Some.StartsWith("dependencies[1].effect: 'broken' is not an effect"));
        Assert.That(messages, Has.Some.StartsWith("dependencies[4].tolerance: '15 minutes' is not an ISO-8601 duration"));
        Assert.That(messages, Has.Some.EqualTo("nodes[4].kind: kind is required"));
    }

    [Test]
    public void Model_rules_are_each_reported()
    {
        var nodes = new List<Node>
        {
            Node.Create("a", "service"),
            Node.Create("a", "service"),
            Node.Create("bad id!", "service"),
            Node.Create("b", "Service") with { Groups = new Dictionary<string, int> { ["g"] = 3 } },
        };
        var dependencies = new List<Dependency>
        {
            Dependency.Create("b", "ghost"),
            Dependency.Create("b", "a", "g"),
            Dependency.Create("b", "a"),
            Dependency.Create("a", "a"),
        };

        var error = Assert.Throws<InvalidGraphException>(() => DependencyGraph.Create(nodes, dependencies))!;
        var messages = error.Problems.Select(p => p.ToString()).ToList();

        Assert.That(messages, Is.SupersetOf(new[]
        {
            "nodes[1].id: duplicate node id 'a'",
            "nodes[2].id: 'bad id!' is not a valid id: " + Identifier.Rule,
            "nodes[3].kind: 'Service' is not a valid kind: supplier, service, customer or another lowercase word",
            "dependencies[0].to: unknown node 'ghost'",
            "dependencies[2]: duplicate dependency from 'b' to 'a'",
            "dependencies[3]: 'a' cannot depend on itself",
            "nodes[3].groups.g.need: 'b' needs 3 of group 'g', which has 1 dependencies",
        }));
    }

    [TestCase("a", true)]
    [TestCase("aws-eu-west-1", true)]
    [TestCase("svc:payments@v2+eu~x_y.z", true)]
    [TestCase("-leading", false)]
    [TestCase("", false)]
    [TestCase("has space", false)]
    [TestCase("quote'", false)]
    [TestCase("back`tick", false)]
    [TestCase("rtl\u202e", false)]
    public void Ids_follow_the_rule(string id, bool valid)
    {
        Assert.That(Identifier.IsValid(id), Is.EqualTo(valid));
    }

    [Test]
    public void Ids_may_be_200_characters_and_no_more()
    {
        Assert.That(Identifier.IsValid(new string('a', 200)), Is.True);
        Assert.That(Identifier.IsValid(new string('a', 201)), Is.False);
    }

    [Test]
    public void Edits_that_break_a_rule_are_refused_and_leave_the_graph_as_it_was()
    {
        var graph = new TestGraph().Nodes("a", "b").Dep("b", "a").Build();

        Assert.Throws<InvalidGraphException>(() => graph.WithDependency(Dependency.Create("b", "a")));
        Assert.Throws<InvalidGraphException>(() => graph.WithDependency(Dependency.Create("b", "ghost")));
        Assert.That(graph.Dependencies, Has.Count.EqualTo(1));
    }

    [Test]
    public void Deleting_a_node_deletes_its_dependencies()
    {
        var graph = new TestGraph().Nodes("a", "b", "c").Dep("b", "a").Dep("c", "b").Build();

        var without = graph.WithoutNode("b");

        Assert.That(without.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(without.Dependencies, Is.Empty);
    }

    [Test]
    public void Removing_a_group_member_below_the_need_is_refused()
    {
        var graph = new TestGraph().Nodes("p1", "p2", "app").Dep("app", "p1", "g").Dep("app", "p2", "g").Need("app", "g", 2).Build();

        Assert.Throws<InvalidGraphException>(() => graph.WithoutDependency("app", "p2"));
    }
}
