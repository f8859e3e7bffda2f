using System.Diagnostics;
using Serilog;
using Serilog.Events;
using Serilog.Parsing;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// One line per request: method, path, status and elapsed time in the message; route and graph beside them.
/// Our own rather than Serilog's request logging middleware, which paid per request for a diagnostic context
/// (an async-local collector and a property bag) that only this line reads.
/// </summary>
internal static class RequestLogging
{
    /// <summary>The matched route pattern, kept where the exception handler cannot clear it (metrics read it).</summary>
    public const string RouteItem = "ImpactMap.Route";

    private const string GraphItem = "ImpactMap.Graph";

    private static readonly MessageTemplate Template =
        new MessageTemplateParser().Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");

    // Taken at the first request, when the host's logger is in place (the bootstrap logger before it).
    private static Serilog.ILogger? _logger;

    public static string RouteOf(HttpContext context) => context.Items[RouteItem] as string ?? "";

    /// <summary>Outermost but for HEAD handling and routing, so that it sees the status the client got.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
                Write(context, started, context.Response.StatusCode, null);
            }
            catch (Exception e)
            {
                Write(context, started, StatusCodes.Status500InternalServerError, e);
                throw;
            }
        });

    /// <summary>
    /// Notes route and graph before the endpoint runs rather than at the end: the exception handler clears the
    /// endpoint, and the lines of failed requests are the ones that most need them.
    /// </summary>
    public static IApplicationBuilder UseRequestLogEnrichment(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is RouteEndpoint endpoint)
            {
                context.Items[RouteItem] = endpoint.RoutePattern.RawText;
            }

            if (context.Request.RouteValues.TryGetValue("graph", out var graph))
            {
                context.Items[GraphItem] = graph;
            }

            return next(context);
        });

    private static void Write(HttpContext context, long started, int status, Exception? exception)
    {
        var level = status >= 500 || exception is not null ? LogEventLevel.Error : LogEventLevel.Information;
        var logger = _logger ??= Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "ImpactMap.Api.RequestLog");
        if (!logger.IsEnabled(level))
        {
            return;
        }

        List<LogEventProperty> properties =
        [
            new("RequestMethod", new ScalarValue(context.Request.Method)),
            new("RequestPath", new ScalarValue(context.Request.Path.Value)),
            new("StatusCode", new ScalarValue(status)),
            new("Elapsed", new ScalarValue(Stopwatch.GetElapsedTime(started).TotalMilliseconds)),
        ];
        if (context.Items[RouteItem] is string route)
        {
            properties.Add(new("Route", new ScalarValue(route)));
        }

        if (context.Items[GraphItem] is { } graph)
        {
            properties.Add(new("Graph", new ScalarValue(graph.ToString())));
        }

        properties.Add(new("RequestId", new ScalarValue(context.TraceIdentifier)));
        properties.Add(new("ConnectionId", new ScalarValue(context.Connection.Id)));
        logger.Write(new LogEvent(DateTimeOffset.Now, level, exception, Template, properties));
    }
}
