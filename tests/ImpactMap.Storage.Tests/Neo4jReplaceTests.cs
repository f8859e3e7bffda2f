using ImpactMap.Core.Model;
using ImpactMap.Storage.Neo4j;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Storage.Tests;

/// <summary>
/// The Neo4j store's replace in bounded transactions, on the test Neo4j: a new part written batch by batch,
/// switched to at once, the old one swept.
/// </summary>
[Category(TestTiers.Neo4j)]
public class Neo4jReplaceTests
{
    private TempFolder _folder = null!;
    private Func<StoreSet> _newStores = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _folder = new TempFolder();
        _newStores = await StoreFactories.CreateAsync("neo4j", _folder);
        await _newStores().Database.InitializeAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public void RemoveFolder() => _folder.Dispose();

    /// <summary>A chain with a second provider for every other node: <paramref name="size"/> nodes, about 1.5 times as many dependencies.</summary>
    private static DependencyGraph Graph(int size, string kind) => DependencyGraph.Create(
        Enumerable.Range(0, size).Select(i => Node.Create($"n{i}", kind)).ToList(),
        Enumerable.Range(1, size - 1).SelectMany(i => new[] { i - 1, i / 2 }.Distinct().Select(p => Dependency.Create($"n{i}", $"n{p}"))).ToList());

    [Test]
    public async Task Readers_during_a_replace_of_many_transactions_see_the_previous_graph_or_the_new_one_whole()
    {
        var name = "g-" + Guid.NewGuid().ToString("N")[..12];
        var store = (Neo4jGraphStore)_newStores().Graphs;
        var reader = _newStores().Graphs;
        var (before, after) = (Graph(4000, "service"), Graph(5000, "customer"));
        await store.ReplaceAsync(name, before, null, null, CancellationToken.None);

        // 5,000 nodes and 7,500 dependencies in batches of 500: 25 transactions before the switch.
        var replace = store.ReplaceAsync(name, after, null, null, CancellationToken.None);
        var seen = new List<int>();
        while (!replace.IsCompleted || seen.Count == 0)
        {
            var read = (await reader.GetAsync(name, CancellationToken.None))!.Graph;
            var whole = read.Nodes.Count == 4000 ? before : after;
            Assert.That(read.Nodes, Is.EqualTo(whole.Nodes));
            Assert.That(read.Dependencies, Is.EqualTo(whole.Dependencies));
            seen.Add(read.Nodes.Count);
        }

        await replace;
        Assert.That(seen, Does.Contain(4000), "a read while the new content was being written saw the previous graph");
        Assert.That((await reader.GetAsync(name, CancellationToken.None))!.Graph.Nodes, Is.EqualTo(after.Nodes));
    }

    [Test]
    public async Task A_replace_cut_off_part_way_leaves_the_previous_graph_and_what_it_wrote_is_swept()
    {
        var name = "g-" + Guid.NewGuid().ToString("N")[..12];
        var store = (Neo4jGraphStore)_newStores().Graphs;
        var before = Graph(100, "service");
        await store.ReplaceAsync(name, before, null, null, CancellationToken.None);

        using var cut = new CancellationTokenSource();
        var replace = store.ReplaceAsync(name, Graph(6000, "customer"), null, null, cut.Token);
        while (await NodesOutsideAsync(name) == 0)
        {
            await Task.Delay(20);
        }

        await cut.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await replace);
        Assert.That((await store.GetAsync(name, CancellationToken.None))!.Graph.Nodes, Is.EqualTo(before.Nodes));

        await store.SweepAsync(CancellationToken.None);
        Assert.That(await NodesOutsideAsync(name), Is.Zero, "the part it was writing is gone");
        Assert.That((await store.GetAsync(name, CancellationToken.None))!.Graph.Nodes, Is.EqualTo(before.Nodes), "the sweep left the graph alone");
    }

    [Test]
    public async Task A_replaced_graphs_old_content_and_a_deleted_graphs_content_are_swept()
    {
        var name = "g-" + Guid.NewGuid().ToString("N")[..12];
        var store = (Neo4jGraphStore)_newStores().Graphs;
        await store.ReplaceAsync(name, Graph(1200, "service"), null, null, CancellationToken.None);
        await store.ReplaceAsync(name, Graph(800, "customer"), null, null, CancellationToken.None);
        await store.SweepAsync(CancellationToken.None);

        Assert.That(await NodesOfAsync(name), Is.EqualTo(800), "only the current content is left");

        await store.DeleteAsync(name, null, null, CancellationToken.None);
        await store.SweepAsync(CancellationToken.None);
        Assert.That(await NodesOfAsync(name), Is.Zero);
        Assert.That(await store.GetAsync(name, CancellationToken.None), Is.Null);
    }

    /// <summary>Nodes stored for this graph in any part, shown or not.</summary>
    private static Task<long> NodesOfAsync(string graph) =>
        CountAsync("MATCH (n:ImpactMapNode) WHERE n.graph STARTS WITH $prefix RETURN count(n)", graph + "#");

    /// <summary>Nodes stored for this graph in parts it does not show.</summary>
    private static Task<long> NodesOutsideAsync(string graph) =>
        CountAsync("""
            MATCH (g:ImpactMapGraph {name: $graph})
            MATCH (n:ImpactMapNode) WHERE n.graph STARTS WITH $prefix AND n.graph <> g.part
            RETURN count(n)
            """, graph + "#", graph);

    private static async Task<long> CountAsync(string cypher, string prefix, string? graph = null) =>
        (await Neo4jTestServer.CypherAsync(cypher, new Dictionary<string, object?> { ["prefix"] = prefix, ["graph"] = graph }))[0][0].GetInt64();
}
