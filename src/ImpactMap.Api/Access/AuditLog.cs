using Serilog;
using Serilog.Formatting.Compact;

namespace ImpactMap.Api.Access;

/// <summary>
/// The audit trail, in its own file (JSON lines): every change or attempted change, and every refused request,
/// with the time, the key's id (never the key), the action, the target and the result.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Serilog.Core.Logger _log;

    public AuditLog(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = Path.GetFullPath(configuration["ImpactMap:AuditLog"] ?? "logs/audit.log", environment.ContentRootPath);
        _log = new LoggerConfiguration().WriteTo.File(new CompactJsonFormatter(), path, shared: true, flushToDiskInterval: TimeSpan.FromSeconds(1)).CreateLogger();
    }

    public void Record(string keyId, string action, string target, int result) =>
        _log.Information("{KeyId} {Action} {Target} {Result}", keyId, action, target, result);

    public void Dispose() => _log.Dispose();
}

/// <summary>Feeds the audit trail from the pipeline.</summary>
public static class AuditLogging
{
    /// <summary>Records after the response: changes (any method but GET/HEAD) and refusals (401, 403, 404 of a key's graph list, 429).</summary>
    public static IApplicationBuilder UseAuditLog(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                var status = context.Response.StatusCode;
                var method = context.Request.Method;
                var change = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
                if (change || context.Items.ContainsKey(AccessControl.RefusedItem) || status == StatusCodes.Status429TooManyRequests)
                {
                    var route = context.Items[Hosting.RequestLogging.RouteItem] as string ?? context.Request.Path.Value ?? "";
                    context.RequestServices.GetRequiredService<AuditLog>().Record(
                        AccessControl.CallerOf(context).KeyId, $"{method} {route}", context.Request.Path.Value ?? "", status);
                }
            }
        });
}
