using ImpactMap.Api.Graphs;
using ImpactMap.Core.Storage;
using ImpactMap.Storage.Neo4j;
using ImpactMap.Storage.Sqlite;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Hosting;

/// <summary>Chooses the graph store from <c>ImpactMap:Store</c> and registers what reads and writes it.</summary>
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
                services.AddSingleton<IGraphStore>(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value;
                    var environment = sp.GetRequiredService<IHostEnvironment>();
                    var folder = Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
                    return new SqliteGraphStore(Path.Combine(folder, "impactmap.db"));
                });
                break;
            case "neo4j":
                // Reads are idempotent: retried on transient failures, each try and the whole bounded in time.
                services.AddHttpClient(Neo4jReads, c => c.Timeout = Timeout.InfiniteTimeSpan)
                    .AddResilienceHandler("neo4j-reads", pipeline => pipeline
                        .AddTimeout(TimeSpan.FromSeconds(15))
                        .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(200), BackoffType = DelayBackoffType.Exponential })
                        .AddTimeout(TimeSpan.FromSeconds(5)));
                // Writes are never retried by the client (a retried commit could land twice), only bounded.
                services.AddHttpClient(Neo4jWrites, c => c.Timeout = Timeout.InfiniteTimeSpan)
                    .AddResilienceHandler("neo4j-writes", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(60)));
                services.AddSingleton<IGraphStore>(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value.Neo4j;
                    var clients = sp.GetRequiredService<IHttpClientFactory>();
                    return new Neo4jGraphStore(clients.CreateClient(Neo4jReads), clients.CreateClient(Neo4jWrites), new Neo4jStoreOptions
                    {
                        Url = options.Url,
                        Database = options.Database,
                        User = options.User,
                        Password = options.Password,
                    });
                });
                break;
            default:
                throw new InvalidOperationException($"ImpactMap:Store must be 'embedded' or 'neo4j', not '{store}'.");
        }

        // Each store keeps incidents and events beside its graphs.
        services.AddSingleton(sp => (IIncidentStore)sp.GetRequiredService<IGraphStore>());
        services.AddSingleton(sp => (IIdempotencyStore)sp.GetRequiredService<IGraphStore>());
        services.AddSingleton<GraphCatalog>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// Prepares the store and loads the samples. A store that cannot be reached yet does not stop the service:
    /// it starts not ready, answers 503, and the store initialises itself on first use once it answers.
    /// </summary>
    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<IGraphStore>().InitializeAsync(app.Lifetime.ApplicationStopping);
            await SampleGraphLoader.LoadAsync(app, app.Lifetime.ApplicationStopping);
        }
        catch (StoreUnavailableException e)
        {
            app.Logger.LogWarning("The graph store is unavailable at start ({Reason}); serving 503 until it answers", e.Message);
        }
    }
}

/// <summary>Ready means the store answers.</summary>
internal sealed class StoreHealthCheck(IGraphStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReadyAsync(cancellationToken)
            ? HealthCheckResult.Healthy("the graph store answers")
            : HealthCheckResult.Unhealthy("the graph store does not answer");
}
