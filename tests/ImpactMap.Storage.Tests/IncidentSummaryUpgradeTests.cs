using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using ImpactMap.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace ImpactMap.Storage.Tests;

/// <summary>
/// Incidents stored before summaries were kept are listed once the store starts again; incidents stored whole,
/// before their impact was kept apart, are read whole and keep their parties through a text-only update.
/// </summary>
public class IncidentSummaryUpgradeTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void RemoveFolder() => _folder.Dispose();

    private static Incident OldIncident(string graph)
    {
        var party = new AffectedParty("b", "B", "customer", NodeState.Degraded, 1, [new PartyStep("a", "A", "supplier"), new PartyStep("b", "B", "customer")], TimeSpan.FromMinutes(5));
        var origin = new AffectedParty("a", "A", "supplier", NodeState.Down, 0, [new PartyStep("a", "A", "supplier")], TimeSpan.Zero);
        var openedAt = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);
        return new Incident("i-old", graph, "Region down", IncidentStatus.Monitoring, openedAt, null,
            [new IncidentOutage("a", NodeState.Down)], new IncidentImpact(3, openedAt, [party], [origin], 1, false), [], null, openedAt, null, 4);
    }

    [Test]
    public async Task A_SQLite_file_from_before_summaries_gets_them_when_opened()
    {
        var file = Path.Combine(_folder.Path, "store.db");
        var incident = OldIncident("g");
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE incidents (graph TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, opened_at TEXT NOT NULL,
                                        revision INTEGER NOT NULL, document TEXT NOT NULL, PRIMARY KEY (graph, id)) WITHOUT ROWID;
                INSERT INTO incidents VALUES ('g', 'i-old', 'monitoring', '2026-11-02T09:30:00.0000000+00:00', 4, $document);
                """;
            command.Parameters.AddWithValue("$document", IncidentJson.Write(incident));
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var stores = (await StoreFactories.CreateAsync("sqlite", _folder))();
        await stores.Database.InitializeAsync(CancellationToken.None);

        var listed = (await stores.Incidents.ListAsync("g", null, openOnly: true, CancellationToken.None)).Single();
        Assert.That((listed.Id, listed.Status, listed.Counts, listed.Total), Is.EqualTo(("i-old", IncidentStatus.Monitoring, new StateCounts(0, 1, 0), 1)));
    }

    [Test]
    [Category(TestTiers.Neo4j)]
    public async Task A_Neo4j_incident_from_before_summaries_gets_one_when_a_store_starts()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var newStores = await StoreFactories.CreateAsync("neo4j", _folder);
        var first = newStores();
        await first.Database.InitializeAsync(CancellationToken.None);
        await first.Incidents.CreateAsync(OldIncident(graph), [], CancellationToken.None);
        await Neo4jTestServer.CypherAsync("MATCH (i:ImpactMapIncident {graph: $graph}) REMOVE i.summary", new Dictionary<string, object?> { ["graph"] = graph });

        var restarted = newStores();
        await restarted.Database.InitializeAsync(CancellationToken.None);

        var listed = (await restarted.Incidents.ListAsync(graph, null, openOnly: false, CancellationToken.None)).Single();
        Assert.That((listed.Id, listed.Status, listed.Counts, listed.Total), Is.EqualTo(("i-old", IncidentStatus.Monitoring, new StateCounts(0, 1, 0), 1)));
    }

    [Test]
    public async Task A_SQLite_incident_stored_whole_keeps_its_parties_through_a_text_only_update()
    {
        var file = Path.Combine(_folder.Path, "store.db");
        var stores = (await StoreFactories.CreateAsync("sqlite", _folder))();
        await stores.Database.InitializeAsync(CancellationToken.None);
        var incident = OldIncident("g");
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO incidents (graph, id, status, opened_at, revision, document) VALUES ('g', 'i-old', 'monitoring', '2026-11-02', 4, $document)";
            command.Parameters.AddWithValue("$document", IncidentJson.Write(incident));
            await command.ExecuteNonQueryAsync();
        }

        await TextOnlyUpdateKeepsTheParties(stores.Incidents, incident);
    }

    [Test]
    [Category(TestTiers.Neo4j)]
    public async Task A_Neo4j_incident_stored_whole_keeps_its_parties_through_a_text_only_update()
    {
        var graph = "g-" + Guid.NewGuid().ToString("N")[..8];
        var stores = (await StoreFactories.CreateAsync("neo4j", _folder))();
        await stores.Database.InitializeAsync(CancellationToken.None);
        var incident = OldIncident(graph);
        await stores.Incidents.CreateAsync(incident, [], CancellationToken.None);
        await Neo4jTestServer.CypherAsync("MATCH (i:ImpactMapIncident {graph: $graph}) SET i.document = $document REMOVE i.impact",
            new Dictionary<string, object?> { ["graph"] = graph, ["document"] = IncidentJson.Write(incident) });

        await TextOnlyUpdateKeepsTheParties(stores.Incidents, incident);
    }

    private static async Task TextOnlyUpdateKeepsTheParties(IIncidentStore store, Incident incident)
    {
        Assert.That(IncidentJson.Write((await store.GetAsync(incident.Graph, incident.Id, CancellationToken.None))!), Is.EqualTo(IncidentJson.Write(incident)),
            "read whole");
        var updated = incident.WithUpdate(DateTimeOffset.UtcNow, IncidentStatus.Monitoring, "still watching", null, null, null);

        await store.SaveAsync(updated, incident.Revision, [], impactChanged: false, CancellationToken.None);
        var again = updated.WithUpdate(DateTimeOffset.UtcNow, IncidentStatus.Monitoring, "and still", null, null, null);
        await store.SaveAsync(again, updated.Revision, [], impactChanged: false, CancellationToken.None);

        Assert.That(IncidentJson.Write((await store.GetAsync(incident.Graph, incident.Id, CancellationToken.None))!), Is.EqualTo(IncidentJson.Write(again)));
    }
}
