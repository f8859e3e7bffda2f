using ImpactMap.Core.Catalog;
using ImpactMap.Core.Storage;
using ImpactMap.Storage.Neo4j;
using ImpactMap.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ImpactMap.Api.Hosting;

/// <summary>Chooses the store from <c>ImpactMap:Store</c> and registers each of its ports, and the catalog over them.</summary>
internal static class StoreSetup
{
    private const string Neo4jReads = "neo4j-reads", Neo4jWrites = "neo4j-writes";

    public static IServiceCollection AddGraphStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImpactMapOptions>().Bind(configuration.GetSection(ImpactMapOptions.Section));
        var store = configuration[$"{ImpactMapOptions.Section}:Store"] ?? "embedded";
        switch (store)
        {
            case "embedded":
                services.AddSingleton(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value;
                    var folder = Path.GetFullPath(options.DataDirectory, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
                    return new SqliteDatabase(Path.Combine(folder, "impactmap.db"), sp.GetRequiredService<TimeProvider>());
                });
                services.AddPorts<SqliteDatabase, SqliteGraphStore, SqliteIncidentStore, SqliteEventStore, SqliteIdempotencyStore, SqliteRecordStore>();
                break;
            case "neo4j":
                services.AddOptions<Neo4jStoreOptions>().Bind(configuration.GetSection(Neo4jStoreOptions.Section));
                // Reads are idempotent: retried on transient failures, each try and the whole bounded in time.
                services.AddHttpClient(Neo4jReads, c => c.Timeout = Timeout.InfiniteTimeSpan)
                    .AddResilienceHandler("neo4j-reads", (pipeline, context) =>
                    {
                        var neo4j = context.ServiceProvider.GetRequiredService<IOptions<Neo4jStoreOptions>>().Value;
                        pipeline
                            .AddTimeout(neo4j.ReadBudget)
                            .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200), BackoffType = DelayBackoffType.Exponential })
                            .AddTimeout(neo4j.ReadTimeout);
                    });
                // Writes are never retried by the client (a retried commit could land twice), only bounded.
                services.AddHttpClient(Neo4jWrites, c => c.Timeout = Timeout.InfiniteTimeSpan)
                    .AddResilienceHandler("neo4j-writes", (pipeline, context) =>
                        pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<Neo4jStoreOptions>>().Value.WriteTimeout));
                services.AddSingleton(sp =>
                {
                    var clients = sp.GetRequiredService<IHttpClientFactory>();
                    return new Neo4jDatabase(clients.CreateClient(Neo4jReads), clients.CreateClient(Neo4jWrites),
                        sp.GetRequiredService<IOptions<Neo4jStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>());
                });
                services.AddPorts<Neo4jDatabase, Neo4jGraphStore, Neo4jIncidentStore, Neo4jEventStore, Neo4jIdempotencyStore, Neo4jRecordStore>();
                break;
            default:
                throw new InvalidOperationException($"ImpactMap:Store must be 'embedded' or 'neo4j', not '{store}'.");
        }

        // Followers (open incidents) are resolved when first told, since they depend on the catalog themselves.
        services.AddSingleton(sp => new GraphCatalog(
            sp.GetRequiredService<IGraphStore>(), sp.GetRequiredService<IEventPublisher>(), () => sp.GetServices<IGraphFollower>(),
            sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value.VersionCheckInterval));
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    /// <summary>Each port of one store, every one over the store's single database object.</summary>
    private static void AddPorts<TDatabase, TGraphs, TIncidents, TEvents, TIdempotency, TRecords>(this IServiceCollection services)
        where TDatabase : class, IStoreReadiness
        where TGraphs : class, IGraphStore
        where TIncidents : class, IIncidentStore
        where TEvents : class, IEventStore
        where TIdempotency : class, IIdempotencyStore
        where TRecords : class, IRecordStore
    {
        services.AddSingleton<IStoreReadiness>(sp => sp.GetRequiredService<TDatabase>());
        services.AddSingleton<IGraphStore, TGraphs>();
        services.AddSingleton<IIncidentStore, TIncidents>();
        services.AddSingleton<IEventStore, TEvents>();
        services.AddSingleton<IIdempotencyStore, TIdempotency>();
        services.AddSingleton<IRecordStore, TRecords>();
    }

    /// <summary>
    /// Prepares the store and loads the samples. A store that cannot be reached yet does not stop the service:
    /// it starts not ready, answers 503, and the store initialises itself on first use once it answers.
    /// </summary>
    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<IStoreReadiness>().InitializeAsync(app.Lifetime.ApplicationStopping);
            await SampleGraphLoader.LoadAsync(app, app.Lifetime.ApplicationStopping);
        }
        catch (StoreUnavailableException e)
        {
            app.Logger.LogWarning("The graph store is unavailable at start ({Reason}); serving 503 until it answers", e.Message);
        }
    }
}

/// <summary>Ready means the store answers.</summary>
internal sealed class StoreHealthCheck(IStoreReadiness store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReadyAsync(cancellationToken)
            ? HealthCheckResult.Healthy("the graph store answers")
            : HealthCheckResult.Unhealthy("the graph store does not answer");
}
