using ImpactMap.Api.Access;
using ImpactMap.Api.Events;
using ImpactMap.Api.Graphs;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Api.Imports;
using ImpactMap.Api.Incidents;
using ImpactMap.Api.Resilience;
using ImpactMap.Api.Status;
using ImpactMap.Api.Watches;
using ImpactMap.Api.Webhooks;
using ImpactMap.Api.WebConsole;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Prometheus;
using Scalar.AspNetCore;
using Serilog;

// Log start-up failures too, before configuration is read.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    // CPU-bound analyses (criticality runs on every core) must not starve the pool threads that notice a client
    // hanging up or a budget running out: start with more threads than cores rather than wait for the pool to grow.
    ThreadPool.GetMinThreads(out var workers, out var completions);
    ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount * 8), completions);

    var builder = WebApplication.CreateBuilder(args);

    // One structured line per request; Microsoft's own chatter only when it matters.
    builder.Services.AddSerilog((services, logger) => logger
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext());

    // Small request bodies everywhere; PUT of a whole graph raises its own limit.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize =
        builder.Configuration.GetValue($"{ImpactMapOptions.Section}:{nameof(ImpactMapOptions.MaxRequestBytes)}", ImpactMapOptions.DefaultMaxRequestBytes));

    // One clock for the whole service, stores included, so tests can freeze time everywhere.
    builder.Services.AddSingleton(TimeProvider.System);

    // The store (embedded SQLite or Neo4j), one registration per port, and the catalog of graphs with their engines.
    builder.Services.AddGraphStore(builder.Configuration);

    // JSON as the documents use it: camelCase, nulls left out, unknown fields refused.
    builder.Services.Configure<JsonOptions>(o =>
    {
        o.SerializerOptions.DefaultIgnoreCondition = GraphDocuments.JsonOptions.DefaultIgnoreCondition;
        o.SerializerOptions.UnmappedMemberHandling = GraphDocuments.JsonOptions.UnmappedMemberHandling;
        o.SerializerOptions.MaxDepth = GraphDocuments.JsonOptions.MaxDepth;
        o.SerializerOptions.AllowDuplicateProperties = GraphDocuments.JsonOptions.AllowDuplicateProperties;
        // Numbers are numbers: "10" is not a limit (and the document types integers as integers, not also strings).
        o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
    });

    // Every error as application/problem+json; binding failures thrown so the handler can name them.
    builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = HttpEdges.AddDetail);
    builder.Services.AddExceptionHandler<ProblemHandler>();
    builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

    // Incidents and the event feed for dashboards, in the same store as the graphs.
    builder.Services.AddSingleton<EventFeed>();
    builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventFeed>());
    builder.Services.AddSingleton<IncidentService>();
    builder.Services.AddSingleton<MemoryReclaimer>();
    builder.Services.AddSingleton<IGraphFollower>(sp => sp.GetRequiredService<IncidentService>());

    // Across organisations: our status page in the Statuspage format.
    builder.Services.AddSingleton<StatusPageService>();
    builder.Services.AddSingleton<ImpactMap.Api.Maintenance.MaintenanceService>();
    // Suppliers' pages polled under a lease in the store; requests of our own only to allowed addresses, redirects by hand.
    builder.Services.AddHttpClient(SupplierPageClient.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
        .ConfigurePrimaryHttpMessageHandler(sp => OutboundTargets.Handler(sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value.Watches.AllowPrivateTargets));
    builder.Services.AddSingleton<SupplierPageClient>();
    builder.Services.AddSingleton<WatchService>();
    builder.Services.AddHostedService<WatchPoller>();
    // Webhooks from an outbox in the store, at least once, signed as Standard Webhooks.
    builder.Services.AddHttpClient(WebhookDispatcher.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
        .ConfigurePrimaryHttpMessageHandler(sp => OutboundTargets.Handler(sp.GetRequiredService<IOptions<ImpactMapOptions>>().Value.Webhooks.AllowPrivateTargets));
    builder.Services.AddSingleton<WebhookService>();
    builder.Services.AddHostedService<WebhookDispatcher>();

    // API keys, per-key rate limits and the audit trail.
    builder.Services.AddSingleton<ApiKeys>();
    builder.Services.AddSingleton<AuditLog>();
    // Answers kept for Idempotency-Keys expire.
    builder.Services.AddHostedService<IdempotencySweeper>();
    builder.Services.AddHostedService<ImpactMap.Api.Events.OutageClock>();
    // Analyses and imports held to a few at a time, refused with 503 before they start.
    builder.Services.AddSingleton<WorkGate>();
    builder.Services.AddKeyRateLimits(builder.Configuration);

    // The OpenAPI document, told what it cannot see for itself so that a generated client can trust it.
    builder.Services.AddOpenApi(OpenApiContract.Configure);

    var app = builder.Build();

    // HEAD is GET without the body; routing comes after that, so that every GET route takes HEAD.
    app.UseHeadAsGet();
    app.UseNoSniffing();
    app.UseRouting();

    // Request logging and HTTP metrics sit outside the problem handler, so they see the status the client got.
    app.UseRequestLog();
    app.UseHttpMetrics(o => o.AddCustomLabel("route", RequestLogging.RouteOf));
    app.UseAuditLog();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseRequestLogEnrichment();
    app.UseAccessControl();
    app.UseKnownQueryParameters();
    app.UseRateLimiter();
    app.UseIdempotencyKeys();

    app.MapImpactMapMetrics();
    app.MapOpenApi();
    // The docs page works offline and sends nothing anywhere: no telemetry, fonts, proxy, AI agent or cloud tools.
    app.MapScalarApiReference("/docs", o => o
        .WithTitle("ImpactMap")
        .DisableTelemetry()
        .DisableDefaultFonts()
        .DisableAgent()
        .DisableMcp()
        .HideDeveloperTools()
        .HideClientButton());
    app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
    app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

    app.MapGraphs();
    app.MapNodes();
    app.MapDependencies();
    app.MapImpact();
    app.MapResilience();
    app.MapImports();
    app.MapIncidents();
    ImpactMap.Api.Maintenance.MaintenanceEndpoints.MapMaintenances(app);
    app.MapEvents();
    app.MapStatusPages();
    app.MapWatches();
    app.MapWebhooks();
    app.MapAccess();

    // The web console at /, its deep links and its files, all served from the service itself.
    app.MapConsole();

    app.ListenOnLoopbackWhenOpen();
    await app.InitializeStoreAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is not HostAbortedException)
{
    Log.Fatal(e, "ImpactMap failed to start");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
