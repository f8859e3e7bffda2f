using ImpactMap.Core.Incidents;
using ImpactMap.Core.Storage;
using Microsoft.Data.Sqlite;
using static ImpactMap.Storage.Sqlite.SqliteDatabase;

namespace ImpactMap.Storage.Sqlite;

/// <summary>Incidents in the embedded store: one row each, the incident and its summary as JSON, its revision checked on save.</summary>
public sealed class SqliteIncidentStore(SqliteDatabase database) : IIncidentStore
{
    /// <inheritdoc />
    public async Task CreateAsync(Incident incident, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "INSERT INTO incidents (graph, id, status, opened_at, revision, document, summary, impact) VALUES ($graph, $id, $status, $opened, $revision, $document, $summary, $impact)",
            cancellationToken, ("$graph", incident.Graph), ("$id", incident.Id), ("$status", incident.Status.ToWire()),
            ("$opened", StoredValues.Timestamp(incident.OpenedAt)), ("$revision", incident.Revision), ("$document", IncidentJson.WriteWithoutParties(incident)),
            ("$summary", IncidentJson.WriteSummary(incident)), ("$impact", IncidentJson.WriteImpact(incident.Impact)));
        await SqliteEventStore.AppendAsync(connection, transaction, database.Clock, incident.Graph, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Incident?> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT document, impact FROM incidents WHERE graph = $graph AND id = $id", ("$graph", graph), ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? IncidentOf(reader) : null;
    }

    /// <inheritdoc />
    public async Task<long?> GetRevisionAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT revision FROM incidents WHERE graph = $graph AND id = $id", ("$graph", graph), ("$id", id));
        return await command.ExecuteScalarAsync(cancellationToken) is long revision ? revision : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(string? graph, IncidentStatus? status, bool openOnly, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT summary FROM incidents
            WHERE ($graph IS NULL OR graph = $graph) AND ($status IS NULL OR status = $status) AND NOT ($open AND status = 'closed')
            ORDER BY graph, opened_at DESC, id
            """, ("$graph", OrNull(graph)), ("$status", OrNull(status?.ToWire())), ("$open", openOnly));
        var summaries = new List<IncidentSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(IncidentJson.ReadSummary(reader.GetString(0)));
        }

        return summaries;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Incident>> ListOpenAsync(string? graph, CancellationToken cancellationToken) =>
        graph is null
            ? ReadAsync("SELECT document, impact FROM incidents WHERE status <> 'closed' ORDER BY graph, opened_at DESC, id", cancellationToken)
            : ReadAsync("SELECT document, impact FROM incidents WHERE graph = $graph AND status <> 'closed' ORDER BY opened_at DESC, id",
                cancellationToken, ("$graph", graph));

    /// <inheritdoc />
    public async Task<int> DeleteAllAsync(string graph, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "DELETE FROM incidents WHERE graph = $graph", ("$graph", graph));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task SaveAsync(Incident incident, long expectedRevision, IReadOnlyList<NewEvent> events, bool impactChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        (string, object)[] parameters =
        [
            ("$graph", incident.Graph), ("$id", incident.Id), ("$status", incident.Status.ToWire()), ("$revision", incident.Revision),
            ("$document", IncidentJson.WriteWithoutParties(incident)), ("$summary", IncidentJson.WriteSummary(incident)), ("$expected", expectedRevision),
        ];
        // The impact is kept as stored unless it changed, or the row holds it in its document (stored before they were apart).
        var saved = !impactChanged && await ExecuteCountAsync(connection, transaction, """
            UPDATE incidents SET status = $status, revision = $revision, document = $document, summary = $summary
            WHERE graph = $graph AND id = $id AND revision = $expected AND impact IS NOT NULL
            """, cancellationToken, parameters) > 0;
        if (!saved && await ExecuteCountAsync(connection, transaction, """
                UPDATE incidents SET status = $status, revision = $revision, document = $document, summary = $summary, impact = $impact
                WHERE graph = $graph AND id = $id AND revision = $expected
                """, cancellationToken, [.. parameters, ("$impact", IncidentJson.WriteImpact(incident.Impact))]) == 0)
        {
            throw new VersionConflictException($"{incident.Graph}/{incident.Id}", expectedRevision, null);
        }

        await SqliteEventStore.AppendAsync(connection, transaction, database.Clock, incident.Graph, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<int> ExecuteCountAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken, (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Incident IncidentOf(SqliteDataReader reader) => IncidentJson.Read(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));

    private async Task<IReadOnlyList<Incident>> ReadAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        var incidents = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(IncidentOf(reader));
        }

        return incidents;
    }

    /// <summary>Gives every incident stored before summaries were kept its summary, one incident in memory at a time.</summary>
    internal static async Task SummarizeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var keys = new List<(string Graph, string Id)>();
        await using (var select = Command(connection, null, "SELECT graph, id FROM incidents WHERE summary IS NULL"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (graph, id) in keys)
        {
            await using var read = Command(connection, null, "SELECT document FROM incidents WHERE graph = $graph AND id = $id", ("$graph", graph), ("$id", id));
            var summary = IncidentJson.WriteSummary(IncidentJson.Read((string)(await read.ExecuteScalarAsync(cancellationToken))!));
            await ExecuteAsync(connection, null, "UPDATE incidents SET summary = $summary WHERE graph = $graph AND id = $id", cancellationToken,
                ("$summary", summary), ("$graph", graph), ("$id", id));
        }
    }
}
