using System.Text.Json;
using System.Globalization;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Polly;
using Polly.Retry;

namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// The production store: graphs in Neo4j, readable with plain Cypher. Nodes are <c>:ImpactMapNode</c>
/// (graph, id, name, kind, attributes and groups as JSON text, key = graph/id, unique), dependencies are
/// <c>DEPENDS_ON</c> from dependent to provider (group, effect, toleranceSeconds), each graph has an
/// <c>:ImpactMapGraph</c> with its version. Every write is one Neo4j transaction: a failed import rolls back
/// whole and leaves the previous graph as it was.
/// </summary>
public sealed class Neo4jGraphStore : IGraphStore, IIncidentStore, IIdempotencyStore
{
    private readonly Neo4jHttp _http;
    private readonly Neo4jStoreOptions _options;
    private readonly SemaphoreSlim _setup = new(1, 1);

    // Only what Neo4j reports as transient, which it has rolled back: safe to run again whole.
    private static readonly ResiliencePipeline TransientRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientNeo4jException>(),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();
    private volatile bool _initialized;

    /// <summary>A store that reads with <paramref name="reads"/> (which may retry) and writes with <paramref name="writes"/> (which must not).</summary>
    public Neo4jGraphStore(HttpClient reads, HttpClient writes, Neo4jStoreOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = new Neo4jHttp(reads, writes, options);
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _setup.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            await _http.DiscoverAsync(cancellationToken);
            foreach (var ddl in Cypher.Schema(_http.MajorVersion).Append(Cypher.EnsureSequence).Append(Cypher.EnsureEventSequence))
            {
                await Transient(token => _http.CommitAsync([new Statement(ddl)], isRead: false, token), cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _setup.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GraphSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.ListGraphs)], cancellationToken);
        return results[0].Rows.Select(r => new GraphSummary(r[0].GetString()!, r[1].GetInt32(), r[2].GetInt32(), r[3].GetInt64())).ToList();
    }

    /// <inheritdoc />
    public async Task<long?> GetVersionAsync(string name, CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.GraphVersion, Graph(name))], cancellationToken);
        return results[0].Rows.Count == 0 ? null : results[0].Rows[0][0].GetInt64();
    }

    /// <inheritdoc />
    public async Task<StoredGraph?> GetAsync(string name, CancellationToken cancellationToken)
    {
        // The graph node's lock is taken first (see LockGraphForRead); the version read again at the end still
        // tells whether anything moved, and then the read is simply done again.
        for (var attempt = 0; ; attempt++)
        {
            var parameters = Graph(name);
            var results = await ReadAsync(
            [
                new Statement(Cypher.LockGraphForRead, parameters),
                new Statement(Cypher.ReadNodes, parameters),
                new Statement(Cypher.ReadDependencies, parameters),
                new Statement(Cypher.GraphVersion, parameters),
            ], cancellationToken);
            if (results[0].Rows.Count == 0)
            {
                return null;
            }

            var version = results[0].Rows[0][0].GetInt64();
            if (results[3].Rows.Count == 0 || results[3].Rows[0][0].GetInt64() != version)
            {
                if (attempt < 5)
                {
                    continue;
                }

                throw new StoreUnavailableException($"graph '{name}' kept changing while being read");
            }

            var nodes = results[1].Rows.Select(r => new Node(
                r[0].GetString()!, r[1].GetString()!, r[2].GetString()!,
                ReadMap<string>(r[3]), ReadMap<int>(r[4]))).ToList();
            var dependencies = results[2].Rows.Select(r =>
            {
                NodeStates.TryParse(r[3].GetString(), out var effect);
                return new Dependency(r[0].GetString()!, r[1].GetString()!,
                    r[2].ValueKind == JsonValueKind.Null ? null : r[2].GetString(), effect, TimeSpan.FromSeconds(r[4].GetInt64()));
            }).ToList();
            return new StoredGraph(name, DependencyGraph.Create(nodes, dependencies), version);
        }
    }

    /// <inheritdoc />
    public async Task<ReplaceResult> ReplaceAsync(string name, DependencyGraph graph, long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return await InTransactionAsync(name, expectedVersion, async (transaction, version, current) =>
        {
            var statements = new List<Statement> { new(Cypher.DeleteContent, Graph(name)) };
            statements.AddRange(Batches(name, Cypher.CreateNodes, graph.Nodes.Select((n, i) => NodeRow(n, i))));
            statements.AddRange(Batches(name, Cypher.CreateDependencies, graph.Dependencies.Select((d, i) => DependencyRow(d, i))));
            // A few batches per request keeps each request small and the round trips few.
            foreach (var chunk in statements.Chunk(4))
            {
                await transaction.RunAsync(chunk, cancellationToken);
            }

            await transaction.CommitAsync([new Statement(Cypher.SaveGraph, new Dictionary<string, object?>
            {
                ["graph"] = name,
                ["version"] = version,
                ["next"] = Math.Max(graph.Nodes.Count, graph.Dependencies.Count),
            })], cancellationToken);
            return new ReplaceResult(version, current is null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> ApplyAsync(string name, GraphChange change, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return await InTransactionAsync(name, expectedVersion, async (transaction, version, _) =>
        {
            var saved = await transaction.RunAsync(
                [new Statement(Cypher.SetGraphVersion, new Dictionary<string, object?> { ["graph"] = name, ["version"] = version })],
                cancellationToken);
            var position = saved[0].Rows[0][0].GetInt64();
            var statement = change switch
            {
                GraphChange.PutNode put => new Statement(Cypher.PutNode, With(NodeRow(put.Node, position), name)),
                GraphChange.RemoveNode remove => new Statement(Cypher.RemoveNode, new Dictionary<string, object?> { ["graph"] = name, ["id"] = remove.Id }),
                GraphChange.AddDependency add => new Statement(Cypher.AddDependency, With(DependencyRow(add.Dependency, position), name)),
                GraphChange.RemoveDependency remove => new Statement(Cypher.RemoveDependency,
                    new Dictionary<string, object?> { ["graph"] = name, ["from"] = remove.From, ["to"] = remove.To }),
                _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name),
            };
            await transaction.CommitAsync([statement], cancellationToken);
            return version;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, long? expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            return await InTransactionAsync(name, expectedVersion, async (transaction, _, current) =>
            {
                if (current is null)
                {
                    await transaction.RollbackAsync();
                    return false;
                }

                await transaction.CommitAsync([new Statement(Cypher.DeleteContent, Graph(name)), new Statement(Cypher.DeleteGraph, Graph(name))], cancellationToken);
                return true;
            }, cancellationToken, allowMissing: true);
        }
        catch (VersionConflictException e) when (e.Actual is null)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (!await _http.PingAsync(cancellationToken))
        {
            return false;
        }

        try
        {
            await InitializeAsync(cancellationToken);
            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task CreateAsync(Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await InitializeAsync(cancellationToken);
        await Transient(token => _http.CommitAsync([new Statement(Cypher.CreateIncident, IncidentParameters(incident))], isRead: false, token), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Incident?> GetIncidentAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.GetIncident, new Dictionary<string, object?> { ["graph"] = graph, ["id"] = id })], cancellationToken);
        return results[0].Rows.Count == 0 ? null : IncidentJson.Read(results[0].Rows[0][0].GetString()!);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Incident>> ListIncidentsAsync(string graph, IncidentStatus? status, CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.ListIncidents,
            new Dictionary<string, object?> { ["graph"] = graph, ["status"] = status?.ToWire() })], cancellationToken);
        return results[0].Rows.Select(r => IncidentJson.Read(r[0].GetString()!)).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Incident>> ListOpenIncidentsAsync(CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.ListOpenIncidents)], cancellationToken);
        return results[0].Rows.Select(r => IncidentJson.Read(r[0].GetString()!)).ToList();
    }

    /// <inheritdoc />
    public async Task SaveAsync(Incident incident, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        await InitializeAsync(cancellationToken);
        await Transient(async token =>
        {
            var key = new Dictionary<string, object?> { ["graph"] = incident.Graph, ["id"] = incident.Id };
            var (transaction, results) = await _http.BeginAsync([new Statement(Cypher.LockIncident, key)], token);
            try
            {
                if (results[0].Rows.Count == 0 || results[0].Rows[0][0].GetInt64() != expectedRevision)
                {
                    throw new VersionConflictException($"{incident.Graph}/{incident.Id}", expectedRevision,
                        results[0].Rows.Count == 0 ? null : results[0].Rows[0][0].GetInt64());
                }

                await transaction.CommitAsync([new Statement(Cypher.SaveIncident, IncidentParameters(incident))], token);
                return true;
            }
            catch
            {
                await transaction.RollbackAsync();
                throw;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> AppendEventAsync(string graph, string type, string data, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var results = await Transient(token => _http.CommitAsync([new Statement(Cypher.AppendEvent, new Dictionary<string, object?>
        {
            ["graph"] = graph,
            ["type"] = type,
            ["data"] = data,
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        })], isRead: false, token), cancellationToken);
        return results[0].Rows[0][0].GetInt64();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string graph, long afterId, int max, CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.ReadEvents,
            new Dictionary<string, object?> { ["graph"] = graph, ["after"] = afterId, ["max"] = max })], cancellationToken);
        return results[0].Rows.Select(r => new StoredEvent(r[0].GetInt64(), r[1].GetString()!, r[2].GetString()!, r[3].GetString()!,
            DateTimeOffset.Parse(r[4].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <inheritdoc />
    public async Task<long> LastEventIdAsync(CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.LastEventId)], cancellationToken);
        return results[0].Rows.Count == 0 ? 0 : results[0].Rows[0][0].GetInt64();
    }

    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindResponseAsync(string key, CancellationToken cancellationToken)
    {
        var results = await ReadAsync([new Statement(Cypher.FindResponse, new Dictionary<string, object?> { ["key"] = key })], cancellationToken);
        if (results[0].Rows.Count == 0)
        {
            return null;
        }

        var r = results[0].Rows[0];
        static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetString();
        return new IdempotentResponse(r[0].GetString()!, r[1].GetInt32(), Text(r[2]), Text(r[3]), Text(r[4]), Convert.FromBase64String(r[5].GetString()!));
    }

    /// <inheritdoc />
    public async Task SaveResponseAsync(string key, IdempotentResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await InitializeAsync(cancellationToken);
        await Transient(token => _http.CommitAsync([new Statement(Cypher.SaveResponse, new Dictionary<string, object?>
        {
            ["key"] = key,
            ["hash"] = response.RequestHash,
            ["status"] = response.Status,
            ["type"] = response.ContentType,
            ["location"] = response.Location,
            ["etag"] = response.ETag,
            ["body"] = Convert.ToBase64String(response.Body),
            ["at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        })], isRead: false, token), cancellationToken);
    }

    private static Dictionary<string, object?> IncidentParameters(Incident incident) => new()
    {
        ["graph"] = incident.Graph,
        ["id"] = incident.Id,
        ["status"] = incident.Status.ToWire(),
        ["opened"] = incident.OpenedAt.ToString("O", CultureInfo.InvariantCulture),
        ["revision"] = incident.Revision,
        ["document"] = IncidentJson.Write(incident),
    };

    /// <summary>
    /// Opens a transaction that first takes the next version (locking the sequence node, so writers queue)
    /// and reads the graph's version, checks it, runs <paramref name="work"/>, and rolls back on any failure.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(
        string name, long? expectedVersion, Func<Neo4jHttp.Transaction, long, long?, Task<T>> work,
        CancellationToken cancellationToken, bool allowMissing = false)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(token => OnceInTransactionAsync(name, expectedVersion, work, token, allowMissing), cancellationToken);
    }

    private async Task<T> OnceInTransactionAsync<T>(
        string name, long? expectedVersion, Func<Neo4jHttp.Transaction, long, long?, Task<T>> work,
        CancellationToken cancellationToken, bool allowMissing)
    {
        var (transaction, results) = await _http.BeginAsync(
            [new Statement(Cypher.NextVersion), new Statement(Cypher.GraphVersion, Graph(name))], cancellationToken);
        try
        {
            var version = results[0].Rows[0][0].GetInt64();
            long? current = results[1].Rows.Count == 0 ? null : results[1].Rows[0][0].GetInt64();
            if (expectedVersion is not null && expectedVersion != (current ?? 0) && !(allowMissing && current is null))
            {
                throw new VersionConflictException(name, expectedVersion, current);
            }

            return await work(transaction, version, current);
        }
        catch
        {
            await transaction.RollbackAsync();
            throw;
        }
    }

    private async Task<IReadOnlyList<Neo4jHttp.Result>> ReadAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(token => _http.CommitAsync(statements, isRead: true, token), cancellationToken);
    }

    private static async Task<T> Transient<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await TransientRetry.ExecuteAsync(async token => await action(token), cancellationToken);
        }
        catch (TransientNeo4jException e)
        {
            throw new StoreUnavailableException($"Neo4j stayed busy: {e.Message}", e);
        }
    }

    private IEnumerable<Statement> Batches(string name, string cypher, IEnumerable<Dictionary<string, object?>> rows) =>
        rows.Chunk(_options.BatchSize).Select(batch => new Statement(cypher, new Dictionary<string, object?> { ["graph"] = name, ["rows"] = batch }));

    private static Dictionary<string, object?> NodeRow(Node node, long position) => new()
    {
        ["id"] = node.Id,
        ["name"] = node.Name,
        ["kind"] = node.Kind,
        ["attributes"] = node.Attributes.Count == 0 ? null : JsonSerializer.Serialize(node.Attributes),
        ["groups"] = node.Groups.Count == 0 ? null : JsonSerializer.Serialize(node.Groups),
        ["position"] = position,
    };

    private static Dictionary<string, object?> DependencyRow(Dependency dependency, long position) => new()
    {
        ["from"] = dependency.From,
        ["to"] = dependency.To,
        ["group"] = dependency.Group,
        ["effect"] = dependency.Effect.ToWire(),
        ["tolerance"] = (long)dependency.Tolerance.TotalSeconds,
        ["position"] = position,
    };

    private static Dictionary<string, object?> With(Dictionary<string, object?> parameters, string name)
    {
        parameters["graph"] = name;
        return parameters;
    }

    private static Dictionary<string, object?> Graph(string name) => new() { ["graph"] = name };

    private static IReadOnlyDictionary<string, T> ReadMap<T>(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null
            ? new Dictionary<string, T>()
            : JsonSerializer.Deserialize<Dictionary<string, T>>(value.GetString()!)!;
}
