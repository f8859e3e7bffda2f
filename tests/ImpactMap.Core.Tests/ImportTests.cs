using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Imports;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Tests;

public class ImportTests
{
    // Spreadsheet formulas (=, +, -, @, apostrophes before them), CSV's own characters and other scripts.
    private static readonly string[] AwkwardNames =
        ["plain", "with, comma", "with \"quotes\"", "semi;colon", "=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "'=already guarded",
         "''@twice", "'plain apostrophe", "日本語の名前", "Ελληνικά", "عربى", "\u202eevil"];

    private static readonly string[] AwkwardValues = [.. AwkwardNames, "two\nlines", "\ttab first", "\r\nbreak first", "=HYPERLINK(\"http://x\")"];

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property A_csv_export_imports_back_as_the_same_graph() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.ArrayOf(Gen.Choose(0, 100), 14)), (scenario, seeds) =>
        {
            var graph = DependencyGraph.Create(scenario.Graph.Nodes.Select((n, i) => n with
            {
                Name = seeds[i] % 2 == 0 ? $"{AwkwardNames[seeds[i] % AwkwardNames.Length]} {n.Id}" : $"{n.Id} {AwkwardNames[seeds[i] % AwkwardNames.Length]}",
                Availability = seeds[i] % 3 == 0 ? null : 1 - seeds[i] * 1e-4,
                Attributes = seeds[i] % 4 == 0 ? new Dictionary<string, string>() : new Dictionary<string, string>
                {
                    ["owner"] = AwkwardValues[seeds[i] % AwkwardValues.Length], [AwkwardNames[seeds[i] % AwkwardNames.Length]] = AwkwardValues[(seeds[i] + 3) % AwkwardValues.Length],
                },
            }).ToList(), scenario.Graph.Dependencies);

            var imported = CsvImport.Read([("nodes.csv", GraphExports.NodesCsv(graph)), ("dependencies.csv", GraphExports.DependenciesCsv(graph))]);
            var result = ImportPlan.Apply(null, imported, merge: false, prune: false);

            Assert.That(imported.Warnings, Is.Empty);
            Assert.That(result.Graph.Nodes, Is.EqualTo(graph.Nodes));
            Assert.That(result.Graph.Dependencies, Is.EqualTo(graph.Dependencies));
        });

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property A_merge_changes_are_what_it_makes_of_the_graph_in_order_and_as_counted() =>
        Prop.ForAll(Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(RandomGraphs.Scenarios(withTime: true)), Arb.From(Gen.Elements(true, false)),
            (before, source, prune) =>
            {
                // Another random graph over the same ids, renamed, is the source: some nodes change, some are new, some dependencies move.
                var renamed = DependencyGraph.Create(source.Graph.Nodes.Select((n, i) => i % 2 == 0 ? n with { Name = n.Name + " (renamed)" } : n).ToList(), source.Graph.Dependencies);
                var imported = CsvImport.Read([("nodes.csv", GraphExports.NodesCsv(renamed)), ("dependencies.csv", GraphExports.DependenciesCsv(renamed))]);
                ImportResult result;
                try
                {
                    result = ImportPlan.Apply(before.Graph, imported, merge: true, prune);
                }
                catch (InvalidGraphException)
                {
                    return true.Label("the merged graph breaks a rule (a group need), refused as a whole (about half the cases)");
                }

                var (replayedNodes, replayedDependencies) = Replay(before.Graph, result.Changes);
                var (nodes, dependencies) = (result.Nodes, result.Dependencies);
                return (replayedNodes.SequenceEqual(result.Graph.Nodes) && replayedDependencies.SequenceEqual(result.Graph.Dependencies)).Label("the changes replay to the graph, in order")
                    .And((nodes.Added + nodes.Updated + nodes.Unchanged == result.Graph.Nodes.Count && nodes.Removed == 0).Label("node counts add up"))
                    .And((dependencies.Added + dependencies.Updated + dependencies.Unchanged == result.Graph.Dependencies.Count
                          && dependencies.Removed == before.Graph.Dependencies.Count - dependencies.Updated - dependencies.Unchanged).Label("dependency counts add up"))
                    .And((result.Changes.Count == nodes.Added + nodes.Updated + dependencies.Added + dependencies.Updated + dependencies.Removed).Label("one change for each counted change"))
                    .And((prune || dependencies.Removed == 0).Label("without prune nothing is removed"));
            });

    /// <summary>
    /// Changes as a store applies them (replaced items keep their place, new ones go last), without validating
    /// the steps between: a node may need a group before the dependencies that fill it arrive.
    /// </summary>
    private static (List<Node> Nodes, List<Dependency> Dependencies) Replay(DependencyGraph graph, IEnumerable<Storage.GraphChange> changes)
    {
        var (nodes, dependencies) = (graph.Nodes.ToList(), graph.Dependencies.ToList());
        foreach (var change in changes)
        {
            switch (change)
            {
                case Storage.GraphChange.PutNode put:
                    Put(nodes, put.Node, n => n.Id == put.Node.Id);
                    break;
                case Storage.GraphChange.RemoveNode remove:
                    nodes.RemoveAll(n => n.Id == remove.Id);
                    dependencies.RemoveAll(d => d.From == remove.Id || d.To == remove.Id);
                    break;
                case Storage.GraphChange.PutDependency put:
                    Put(dependencies, put.Dependency, d => (d.From, d.To) == (put.Dependency.From, put.Dependency.To));
                    break;
                case Storage.GraphChange.RemoveDependency remove:
                    dependencies.RemoveAll(d => (d.From, d.To) == (remove.From, remove.To));
                    break;
            }
        }

        return (nodes, dependencies);

        static void Put<T>(List<T> list, T item, Predicate<T> same)
        {
            var i = list.FindIndex(same);
            if (i >= 0)
            {
                list[i] = item;
            }
            else
            {
                list.Add(item);
            }
        }
    }

    [Test]
    public void Semicolons_a_bom_and_unstated_fields_read_as_the_format_says()
    {
        var nodes = "\uFEFFid;name;kind;availability\r\napp;The app;service;0.999\r\ndb;;resource;\r\n";
        var dependencies = "from;to;effect\napp;db;degraded\n";

        var result = ImportPlan.Apply(null, CsvImport.Read([("n.csv", nodes), ("d.csv", dependencies)]), merge: false, prune: false);

        Assert.That(result.Graph.FindNode("app")!.Availability, Is.EqualTo(0.999));
        Assert.That(result.Graph.FindNode("db")!.Name, Is.EqualTo("db"), "an empty name defaults to the id");
        Assert.That(result.Graph.FindDependency("app", "db")!.Effect, Is.EqualTo(NodeState.Degraded));
    }

    [Test]
    public void A_broken_file_is_refused_naming_its_line()
    {
        var refused = Assert.Throws<UnreadableFileException>(() => CsvImport.Read([("nodes.csv", "id,kind\na,service\n\"b,service\n")]));
        var short_ = Assert.Throws<UnreadableFileException>(() => CsvImport.Read([("nodes.csv", "id,kind\na,service\nb\n")]));

        Assert.That((refused!.File, refused.Line), Is.EqualTo(("nodes.csv", 3)));
        Assert.That((short_!.Line, short_.Problem), Is.EqualTo((3, "1 fields where the header has 2")));
    }

    // The shape of Jaeger's GET /api/dependencies answer for its HotROD example application (written by hand here,
    // not a file the project publishes): services calling services, with call counts.
    private const string HotRod = """
        {"data": [
          {"parent": "frontend", "child": "customer", "callCount": 12},
          {"parent": "frontend", "child": "driver", "callCount": 12},
          {"parent": "frontend", "child": "route", "callCount": 120},
          {"parent": "customer", "child": "mysql", "callCount": 12},
          {"parent": "driver", "child": "redis-manual", "callCount": 168},
          {"parent": "frontend", "child": "frontend", "callCount": 1},
          {"parent": "frontend", "child": "customer", "callCount": 3},
          {"parent": "api/gateway", "child": "frontend", "callCount": 7}
        ], "total": 8, "limit": 0, "offset": 0, "errors": null}
        """;

    [Test]
    public void Jaeger_dependencies_make_callers_depend_on_callees_with_their_call_counts()
    {
        var imported = JaegerImport.Read([("dependencies.json", HotRod)]);
        var graph = ImportPlan.Apply(null, imported, merge: false, prune: false).Graph;

        Assert.That(graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EqualTo(new[]
        {
            "frontend->customer", "frontend->driver", "frontend->route", "customer->mysql", "driver->redis-manual", "api~gateway->frontend",
        }));
        Assert.That(graph.FindNode("frontend")!.Attributes["calls.route"], Is.EqualTo("120"));
        Assert.That(graph.FindNode("frontend")!.Kind, Is.EqualTo(Node.Service));
        var gateway = graph.FindNode("api~gateway")!;
        Assert.That((gateway.Name, gateway.Attributes[SourceIds.Attribute]), Is.EqualTo(("api/gateway", "api/gateway")), "a mapped id keeps the original");
        Assert.That(imported.Warnings.Select(w => (w.Code, w.Source)), Is.EqualTo(new[]
        {
            ("self-reference", "dependencies.json:[5]"), ("duplicate", "dependencies.json:[6]"),
        }));
    }

    [Test]
    public void A_bare_jaeger_array_reads_the_same_and_broken_json_names_its_line()
    {
        var bare = JaegerImport.Read([("deps.json", """[{"parent": "a", "child": "b", "callCount": 1}]""")]);
        var broken = Assert.Throws<UnreadableFileException>(() => JaegerImport.Read([("deps.json", "[\n{\"parent\": \"a\",\n")]));
        var collision = JaegerImport.Read([("deps.json", """[{"parent": "a/b", "child": "a:b"}, {"parent": "a?b", "child": "c"}]""")]);

        Assert.That(bare.Dependencies.Single(), Is.EqualTo(new ImportedDependency("a", "b", null, null, null)));
        Assert.That(broken!.File, Is.EqualTo("deps.json"));
        Assert.That(broken.Line, Is.GreaterThan(1));
        Assert.That(collision.Warnings.Select(w => w.Code), Is.EqualTo(new[] { "id-collision" }), "a/b and a?b both become a~b");
    }

    [Test]
    public void A_jaeger_call_count_that_is_not_a_number_is_left_out_not_a_crash()
    {
        var imported = JaegerImport.Read([("deps.json", """[{"parent": "a", "child": "b", "callCount": "5"}, {"parent": "a", "child": "c", "callCount": {"x": 1}}]""")]);

        Assert.That(imported.Dependencies, Has.Count.EqualTo(2));
        Assert.That(imported.Nodes.Single(n => n.Id == "a").Attributes.Keys, Is.Empty);
    }
}
