using Serilog;

namespace ImpactMap.Api.Hosting;

/// <summary>Adds route and graph to each request's log line.</summary>
internal static class RequestLogging
{
    /// <summary>The matched route pattern, kept where the exception handler cannot clear it (metrics read it).</summary>
    public const string RouteItem = "ImpactMap.Route";

    public static string RouteOf(HttpContext context) => context.Items[RouteItem] as string ?? "";

    /// <summary>
    /// Runs before the endpoint rather than at the end: the exception handler clears the endpoint, and the
    /// lines of failed requests are the ones that most need the route and graph.
    /// </summary>
    public static IApplicationBuilder UseRequestLogEnrichment(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var diagnostics = context.RequestServices.GetRequiredService<IDiagnosticContext>();
            if (context.GetEndpoint() is RouteEndpoint endpoint)
            {
                diagnostics.Set("Route", endpoint.RoutePattern.RawText);
                context.Items[RouteItem] = endpoint.RoutePattern.RawText;
            }

            if (context.Request.RouteValues.TryGetValue("graph", out var graph))
            {
                diagnostics.Set("Graph", graph);
            }

            await next(context);
        });
}
