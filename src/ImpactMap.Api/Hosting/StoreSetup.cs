using ImpactMap.Api.Graphs;
using ImpactMap.Core.Storage;
using ImpactMap.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Hosting;

/// <summary>Chooses the graph store from <c>ImpactMap:Store</c> and registers what reads and writes it.</summary>
internal static class StoreSetup
{
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
            default:
                throw new InvalidOperationException($"ImpactMap:Store must be 'embedded' or 'neo4j', not '{store}'.");
        }

        services.AddSingleton<GraphCatalog>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<IGraphStore>().InitializeAsync(app.Lifetime.ApplicationStopping);
        await SampleGraphLoader.LoadAsync(app, app.Lifetime.ApplicationStopping);
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
