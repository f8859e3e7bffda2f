using ImpactMap.Core.Storage;
using Polly;
using Polly.Retry;

namespace ImpactMap.Storage.Neo4j;

/// <summary>
/// The Neo4j server behind the production store's graph, incident, event and idempotency stores: its HTTP
/// API, the schema set up once, and every transaction run whole again when Neo4j reports a transient failure
/// (which it has rolled back).
/// </summary>
public sealed class Neo4jDatabase : IStoreReadiness
{
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

    // Schema statements of several instances starting at once take Neo4j's schema lock in turn and may deadlock
    // each other for longer than a data write would: more patience, the whole is still bounded (about 15 s).
    private static readonly ResiliencePipeline SchemaRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientNeo4jException>(),
            MaxRetryAttempts = 12,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(2),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    private readonly Neo4jHttp _http;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private volatile bool _initialized;

    /// <summary>A database read with <paramref name="reads"/> (which may retry) and written with <paramref name="writes"/> (which must not).</summary>
    public Neo4jDatabase(HttpClient reads, HttpClient writes, Neo4jStoreOptions options, TimeProvider clock)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        // A batch or page of nothing would never end a write or a read: refused at start rather than hanging later.
        if (options.BatchSize < 1 || options.ReadPageNodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"ImpactMap:Neo4j:BatchSize ({options.BatchSize}) and ImpactMap:Neo4j:ReadPageNodes ({options.ReadPageNodes}) must be at least 1");
        }

        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _http = new Neo4jHttp(reads, writes, options);
    }

    /// <summary>Where the stores' timestamps come from.</summary>
    public TimeProvider Clock { get; }

    internal Neo4jStoreOptions Options { get; }

    /// <summary>The server's major version, once initialised: where Cypher differs between versions.</summary>
    internal int MajorVersion => _http.MajorVersion;

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
                await Transient(token => _http.CommitAsync([new Statement(ddl)], isRead: false, token), cancellationToken, SchemaRetry);
            }

            await Transient(async token =>
            {
                await Neo4jIncidentStore.SummarizeAsync(_http, token);
                return true;
            }, cancellationToken);

            _initialized = true;
        }
        finally
        {
            _setup.Release();
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

    /// <summary>Statements in one auto-committed read transaction.</summary>
    internal async Task<IReadOnlyList<Neo4jHttp.Result>> ReadAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(token => _http.CommitAsync(statements, isRead: true, token), cancellationToken);
    }

    /// <summary>
    /// Statements in one auto-committed write transaction that a second run does no harm with: the sweep's
    /// deletes. They are run again when a concurrent delete trips them, as reads are (two sweepers of one part,
    /// on two instances, meet so).
    /// </summary>
    internal async Task<IReadOnlyList<Neo4jHttp.Result>> RerunnableWriteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(token => _http.CommitAsync(statements, isRead: false, token, rerunnable: true), cancellationToken);
    }

    /// <summary>Statements in one auto-committed write transaction.</summary>
    internal async Task<IReadOnlyList<Neo4jHttp.Result>> WriteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(token => _http.CommitAsync(statements, isRead: false, token), cancellationToken);
    }

    /// <summary>
    /// Opens an explicit transaction with <paramref name="first"/>, hands their results to <paramref name="work"/>
    /// (which commits or rolls back), and rolls back on any failure; the whole is tried again on transient ones.
    /// A <paramref name="rerunnable"/> transaction (see <see cref="RerunnableWriteAsync"/>) is also tried again when
    /// a concurrent delete trips it.
    /// </summary>
    internal async Task<T> InTransactionAsync<T>(
        IReadOnlyList<Statement> first, Func<Neo4jHttp.Transaction, IReadOnlyList<Neo4jHttp.Result>, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken, bool rerunnable = false)
    {
        await InitializeAsync(cancellationToken);
        return await Transient(async token =>
        {
            var (transaction, results) = await _http.BeginAsync(first, token, rerunnable);
            try
            {
                return await work(transaction, results, token);
            }
            catch
            {
                await transaction.RollbackAsync();
                throw;
            }
        }, cancellationToken);
    }

    private static async Task<T> Transient<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, ResiliencePipeline? retry = null)
    {
        try
        {
            return await (retry ?? TransientRetry).ExecuteAsync(async token => await action(token), cancellationToken);
        }
        catch (TransientNeo4jException e)
        {
            throw new StoreUnavailableException($"Neo4j stayed busy: {e.Message}", e);
        }
    }
}
