using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>What every graph store must do, run against each of them.</summary>
[TestFixtureSource(typeof(StoreFactories), nameof(StoreFactories.All))]
public class GraphStoreContract(string kind)
{
    private TempFolder _folder = null!;
    private Func<StoreSet> _newStores = null!;
    private StoreSet _stores = null!;
    private IGraphStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        _newStores = await StoreFactories.CreateAsync(kind, _folder);
        _stores = _newStores();
        _store = _stores.Graphs;
        await _stores.Database.InitializeAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static string NewName() => "g-" + Guid.NewGuid().ToString("N")[..12];

    private static DependencyGraph Sample() => DependencyGraph.Create(
    [
        new Node("region", "Region \"EU\"", "supplier", new Dictionary<string, string> { ["owner"] = "cloud", ["tier"] = "1" }, new Dictionary<string, int>())
        {
            Availability = 0.9995,
        },
        Node.Create("backup", "supplier") with { Availability = 1 },
        new Node("app", "App", "service", new Dictionary<string, string>(), new Dictionary<string, int> { ["compute"] = 2 }),
        Node.Create("shop", "customer", "The Shop"),
    ],
    [
        new Dependency("app", "region", "compute", NodeState.Down, TimeSpan.FromMinutes(15)),
        Dependency.Create("app", "backup", "compute"),
        new Dependency("shop", "app", null, NodeState.Degraded, TimeSpan.Zero),
    ]);

    [Test]
    public async Task The_event_of_a_write_is_stored_with_it_and_not_without_it()
    {
        var name = NewName();
        var created = await _store.ReplaceAsync(name, Sample(), 0, r => new NewEvent("graph.changed", $"{{\"version\":{r.Version},\"created\":{(r.Created ? "true" : "false")}}}"),
            CancellationToken.None);
        var applied = await _store.ApplyAsync(name, [new GraphChange.RemoveNode("shop")], created.Version, v => new NewEvent("graph.changed", $"{{\"version\":{v}}}"),
            CancellationToken.None);
        Assert.ThrowsAsync<VersionConflictException>(() =>
            _store.ApplyAsync(name, [new GraphChange.RemoveNode("app")], created.Version, v => new NewEvent("graph.changed", "{\"lost\":true}"), CancellationToken.None));
        Assert.ThrowsAsync<VersionConflictException>(() =>
            _store.DeleteAsync(name, created.Version, new NewEvent("graph.changed", "{\"lost\":true}"), CancellationToken.None));
        Assert.That(await _store.DeleteAsync(name, applied, new NewEvent("graph.changed", "{\"deleted\":true}"), CancellationToken.None), Is.True);

        var events = await _stores.Events.ReadAsync(name, 0, 100, CancellationToken.None);
        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[]
        {
            $"{{\"version\":{created.Version},\"created\":true}}", $"{{\"version\":{applied}}}", "{\"deleted\":true}",
        }), "refused writes leave no event");
    }

    [Test]
    public async Task Initialising_again_is_harmless()
    {
        await _stores.Database.InitializeAsync(CancellationToken.None);
        await _newStores().Database.InitializeAsync(CancellationToken.None);

        Assert.That(await _stores.Database.IsReadyAsync(CancellationToken.None), Is.True);
    }

    [Test]
    public async Task A_replaced_graph_reads_back_exactly_in_order()
    {
        var name = NewName();

        var result = await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None);
        var stored = await _store.GetAsync(name, CancellationToken.None);

        Assert.That(result.Created, Is.True);
        Assert.That(stored!.Version, Is.EqualTo(result.Version));
        Assert.That(stored.Graph.Nodes, Is.EqualTo(Sample().Nodes));
        Assert.That(stored.Graph.Dependencies, Is.EqualTo(Sample().Dependencies));
        Assert.That(await _store.GetVersionAsync(name, CancellationToken.None), Is.EqualTo(result.Version));
    }

    [Test]
    public async Task Replacing_again_moves_the_version_up_and_says_it_was_not_created()
    {
        var name = NewName();
        var first = await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None);

        var second = await _store.ReplaceAsync(name, Sample().WithoutNode("shop"), first.Version, null, CancellationToken.None);

        Assert.That(second.Created, Is.False);
        Assert.That(second.Version, Is.GreaterThan(first.Version));
        Assert.That((await _store.GetAsync(name, CancellationToken.None))!.Graph.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "region", "backup", "app" }));
    }

    [Test]
    public async Task A_write_expecting_another_version_is_refused_and_changes_nothing()
    {
        var name = NewName();
        var first = await _store.ReplaceAsync(name, Sample(), 0, null, CancellationToken.None);

        Assert.ThrowsAsync<VersionConflictException>(() => _store.ReplaceAsync(name, DependencyGraph.Empty, 0, null, CancellationToken.None));
        Assert.ThrowsAsync<VersionConflictException>(() => _store.ReplaceAsync(name, DependencyGraph.Empty, first.Version + 1000, null, CancellationToken.None));
        Assert.ThrowsAsync<VersionConflictException>(() =>
            _store.ApplyAsync(name, [new GraphChange.RemoveNode("shop")], first.Version - 1, null, CancellationToken.None));
        Assert.ThrowsAsync<VersionConflictException>(() => _store.DeleteAsync(name, first.Version + 1000, null, CancellationToken.None));

        var stored = await _store.GetAsync(name, CancellationToken.None);
        Assert.That(stored!.Version, Is.EqualTo(first.Version));
        Assert.That(stored.Graph.Nodes, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task Each_kind_of_change_applies_and_moves_the_version_up()
    {
        var name = NewName();
        var version = (await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None)).Version;
        var graph = Sample();
        GraphChange[] changes =
        [
            new GraphChange.PutNode(Node.Create("cdn", "supplier", "CDN") with { Availability = 0.99999 }),
            new GraphChange.PutDependency(new Dependency("shop", "cdn", null, NodeState.AtRisk, TimeSpan.FromHours(1))),
            new GraphChange.PutNode(new Node("shop", "Shop, renamed", "customer", new Dictionary<string, string> { ["contact"] = "ops@shop" }, new Dictionary<string, int>()) { Availability = 0.999 }),
            new GraphChange.PutNode(Node.Create("region", "supplier", "Region, availability unknown now")),
            new GraphChange.RemoveDependency("shop", "app"),
            new GraphChange.RemoveNode("cdn"),
        ];

        foreach (var change in changes)
        {
            graph = change.ApplyTo(graph);
            var next = await _store.ApplyAsync(name, [change], version, null, CancellationToken.None);
            Assert.That(next, Is.GreaterThan(version));
            version = next;
        }

        var stored = await _store.GetAsync(name, CancellationToken.None);
        Assert.That(stored!.Version, Is.EqualTo(version));
        Assert.That(stored.Graph.Nodes, Is.EquivalentTo(graph.Nodes));
        Assert.That(stored.Graph.Dependencies, Is.EquivalentTo(graph.Dependencies));
        Assert.That(stored.Graph.Dependencies.Any(d => d.To == "cdn"), Is.False, "removing a node removes its dependencies");
        Assert.That(stored.Graph.FindNode("shop")!.Attributes["contact"], Is.EqualTo("ops@shop"));
        Assert.That((stored.Graph.FindNode("shop")!.Availability, stored.Graph.FindNode("region")!.Availability), Is.EqualTo((0.999, (double?)null)));
    }

    [Test]
    public async Task A_batch_of_changes_is_one_version_where_replaced_items_keep_their_place_and_new_ones_follow()
    {
        var name = NewName();
        var version = (await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None)).Version;
        GraphChange[] changes =
        [
            new GraphChange.RemoveDependency("shop", "app"),
            new GraphChange.PutNode(Node.Create("cdn", "supplier", "CDN")),
            new GraphChange.PutNode(Node.Create("backup", "supplier", "Backup, renamed")),
            new GraphChange.PutNode(Node.Create("edge", "supplier")),
            new GraphChange.PutDependency(new Dependency("app", "region", "compute", NodeState.Degraded, TimeSpan.FromMinutes(5))),
            new GraphChange.PutDependency(Dependency.Create("shop", "cdn")),
            new GraphChange.PutDependency(Dependency.Create("shop", "app")),
            new GraphChange.RemoveNode("edge"),
        ];
        var graph = changes.Aggregate(Sample(), (g, change) => change.ApplyTo(g));

        var next = await _store.ApplyAsync(name, changes, version, v => new NewEvent("graph.changed", $"{{\"version\":{v}}}"), CancellationToken.None);

        var stored = await _store.GetAsync(name, CancellationToken.None);
        Assert.That(stored!.Version, Is.EqualTo(next));
        Assert.That(stored.Graph.Nodes, Is.EqualTo(graph.Nodes), "in order: backup renamed in its place, cdn after the others");
        Assert.That(stored.Graph.Dependencies, Is.EqualTo(graph.Dependencies), "in order: app->region changed in place, shop->app removed and added again at the end");
        Assert.That(stored.Graph.Dependencies.Select(d => $"{d.From}->{d.To}"), Is.EqualTo(new[] { "app->region", "app->backup", "shop->cdn", "shop->app" }));
        var events = await _stores.Events.ReadAsync(name, 0, 100, CancellationToken.None);
        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { $"{{\"version\":{next}}}" }), "one event for the batch");
    }

    [Test]
    public async Task A_refused_batch_changes_nothing()
    {
        var name = NewName();
        var version = (await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None)).Version;

        Assert.ThrowsAsync<VersionConflictException>(() => _store.ApplyAsync(name,
            [new GraphChange.PutNode(Node.Create("cdn", "supplier")), new GraphChange.RemoveNode("shop")], version - 1, null, CancellationToken.None));

        var stored = await _store.GetAsync(name, CancellationToken.None);
        Assert.That((stored!.Version, stored.Graph.Nodes), Is.EqualTo((version, Sample().Nodes)));
    }

    [Test]
    public async Task Deleted_graphs_are_gone_and_their_versions_never_come_back()
    {
        var name = NewName();
        var first = await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None);

        Assert.That(await _store.DeleteAsync(name, first.Version, null, CancellationToken.None), Is.True);
        Assert.That(await _store.DeleteAsync(name, null, null, CancellationToken.None), Is.False);
        Assert.That(await _store.GetAsync(name, CancellationToken.None), Is.Null);
        Assert.That(await _store.GetVersionAsync(name, CancellationToken.None), Is.Null);
        var again = await _store.ReplaceAsync(name, Sample(), 0, null, CancellationToken.None);
        Assert.That(again.Created, Is.True);
        Assert.That(again.Version, Is.GreaterThan(first.Version));
    }

    [Test]
    public async Task Graphs_are_listed_by_name_with_their_sizes()
    {
        var name = "aaa-" + NewName();
        var version = (await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None)).Version;

        var graphs = await _store.ListAsync(CancellationToken.None);

        Assert.That(graphs, Does.Contain(new GraphSummary(name, 4, 3, version)));
        Assert.That(graphs.Select(g => g.Name), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public async Task Hostile_text_is_stored_as_data_never_as_query()
    {
        var name = NewName();
        const string hostile = "x'}) MATCH (n) DETACH DELETE n //\"; DROP TABLE nodes; -- `\u202e\u0000\n";
        // Loaded as a store reads graphs back: names stored before control characters were refused still load.
        var graph = DependencyGraph.Load(
        [
            new Node("a:b@c+d~e_f.g-h", hostile, "service", new Dictionary<string, string> { [hostile] = hostile }, new Dictionary<string, int>()),
            Node.Create("z", "service"),
        ],
        [Dependency.Create("z", "a:b@c+d~e_f.g-h")]);

        await _store.ReplaceAsync(name, graph, null, null, CancellationToken.None);
        var stored = await _store.GetAsync(name, CancellationToken.None);

        Assert.That(stored!.Graph.Nodes, Is.EqualTo(graph.Nodes));
        Assert.That(await _store.GetAsync(name, CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task A_large_graph_imports_in_batches_and_reads_back_whole()
    {
        var name = NewName();
        var nodes = Enumerable.Range(0, 3000).Select(i => Node.Create($"n{i}", i % 10 == 0 ? "customer" : "service")).ToList();
        var dependencies = Enumerable.Range(1, 2999).SelectMany(i => new[] { i - 1, i / 2 }.Distinct().Select(p => Dependency.Create($"n{i}", $"n{p}"))).ToList();
        var graph = DependencyGraph.Create(nodes, dependencies);

        await _store.ReplaceAsync(name, graph, null, null, CancellationToken.None);
        var stored = await _store.GetAsync(name, CancellationToken.None);

        Assert.That(stored!.Graph.Nodes, Is.EqualTo(graph.Nodes));
        Assert.That(stored.Graph.Dependencies, Is.EqualTo(graph.Dependencies));
    }

    [Test]
    public async Task Writers_on_separate_instances_never_lose_a_change()
    {
        var name = NewName();
        await _store.ReplaceAsync(name, Sample(), null, null, CancellationToken.None);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var store = _newStores().Graphs;
            for (var i = 0; i < 5; i++)
            {
                while (true)
                {
                    var current = await store.GetAsync(name, CancellationToken.None);
                    try
                    {
                        await store.ApplyAsync(name, [new GraphChange.PutNode(Node.Create($"w{w}-{i}", "service"))], current!.Version, null, CancellationToken.None);
                        break;
                    }
                    catch (VersionConflictException)
                    {
                        // Someone else wrote first: read again and retry, as the API's catalog does.
                    }
                }
            }
        })).ToList();

        await Task.WhenAll(writers);

        var stored = await _store.GetAsync(name, CancellationToken.None);
        Assert.That(stored!.Graph.Nodes, Has.Count.EqualTo(4 + 20));
    }
}
