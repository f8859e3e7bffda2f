using ImpactMap.Core.Incidents;
using ImpactMap.Core.Storage;

namespace ImpactMap.Storage.Neo4j;

/// <summary>Incidents in Neo4j: one <c>:ImpactMapIncident</c> each (key = graph/id), the incident and its summary as JSON, its revision checked on save.</summary>
public sealed class Neo4jIncidentStore(Neo4jDatabase database) : IIncidentStore
{
    /// <inheritdoc />
    public async Task CreateAsync(Incident incident, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await database.WriteAsync([new Statement(Cypher.CreateIncident, Parameters(incident, withImpact: true)), .. Neo4jEventStore.Appends(database, incident.Graph, events)],
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Incident?> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.GetIncident, Key(graph, id))], cancellationToken);
        return results[0].Rows.Count == 0 ? null : IncidentOf(results[0].Rows[0]);
    }

    /// <inheritdoc />
    public async Task<long?> GetRevisionAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.IncidentRevision, Key(graph, id))], cancellationToken);
        return results[0].Rows.Count == 0 ? null : results[0].Rows[0][0].GetInt64();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(string? graph, IncidentStatus? status, bool openOnly, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.ListIncidents,
            new Dictionary<string, object?> { ["graph"] = graph, ["status"] = status?.ToWire(), ["open"] = openOnly })], cancellationToken);
        return results[0].Rows.Select(r => IncidentJson.ReadSummary(r[0].GetString()!)).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Incident>> ListOpenAsync(string? graph, CancellationToken cancellationToken)
    {
        var results = await database.ReadAsync([new Statement(Cypher.ListOpenIncidents, new Dictionary<string, object?> { ["graph"] = graph })],
            cancellationToken);
        return results[0].Rows.Select(IncidentOf).ToList();
    }

    /// <inheritdoc />
    public async Task<int> DeleteAllAsync(string graph, CancellationToken cancellationToken)
    {
        var results = await database.WriteAsync([new Statement(Cypher.DeleteIncidents, new Dictionary<string, object?> { ["graph"] = graph })], cancellationToken);
        return results[0].Rows[0][0].GetInt32();
    }

    /// <inheritdoc />
    public async Task SaveAsync(Incident incident, long expectedRevision, IReadOnlyList<NewEvent> events, bool impactChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await database.InTransactionAsync([new Statement(Cypher.LockIncident, Key(incident.Graph, incident.Id))], async (transaction, results, token) =>
        {
            long? stored = results[0].Rows.Count == 0 ? null : results[0].Rows[0][0].GetInt64();
            if (stored != expectedRevision)
            {
                throw new VersionConflictException($"{incident.Graph}/{incident.Id}", expectedRevision, stored);
            }

            // The impact is kept as stored unless it changed, or the incident holds it in its document (stored before they were apart).
            var write = impactChanged || !results[0].Rows[0][1].GetBoolean();
            await transaction.CommitAsync([new Statement(write ? Cypher.SaveIncident : Cypher.SaveIncidentKeepingImpact, Parameters(incident, write)),
                .. Neo4jEventStore.Appends(database, incident.Graph, events)], token);
            return true;
        }, cancellationToken);
    }

    private static Dictionary<string, object?> Key(string graph, string id) => new() { ["graph"] = graph, ["id"] = id };

    private static Dictionary<string, object?> Parameters(Incident incident, bool withImpact)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["graph"] = incident.Graph,
            ["id"] = incident.Id,
            ["status"] = incident.Status.ToWire(),
            ["opened"] = StoredValues.Timestamp(incident.OpenedAt),
            ["revision"] = incident.Revision,
            ["document"] = IncidentJson.WriteWithoutParties(incident),
            ["summary"] = IncidentJson.WriteSummary(incident),
        };
        if (withImpact)
        {
            parameters["impact"] = IncidentJson.WriteImpact(incident.Impact);
        }

        return parameters;
    }

    private static Incident IncidentOf(System.Text.Json.JsonElement row) =>
        IncidentJson.Read(row[0].GetString()!, row[1].ValueKind == System.Text.Json.JsonValueKind.Null ? null : row[1].GetString());

    /// <summary>Gives every incident stored before summaries were kept its summary, a batch at a time.</summary>
    internal static async Task SummarizeAsync(Neo4jHttp http, CancellationToken cancellationToken)
    {
        while ((await http.CommitAsync([new Statement(Cypher.UnsummarizedIncidents)], isRead: false, cancellationToken))[0].Rows is { Count: > 0 } rows)
        {
            await http.CommitAsync(rows.Select(r => new Statement(Cypher.SetIncidentSummary, new Dictionary<string, object?>
            {
                ["graph"] = r[0].GetString(),
                ["id"] = r[1].GetString(),
                ["summary"] = IncidentJson.WriteSummary(IncidentJson.Read(r[2].GetString()!, r[3].ValueKind == System.Text.Json.JsonValueKind.Null ? null : r[3].GetString())),
            })).ToList(), isRead: false, cancellationToken);
        }
    }
}
