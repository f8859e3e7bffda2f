using ImpactMap.Api.Hosting;
using ImpactMap.Api.WebConsole;
using ImpactMap.Core.Catalog;

namespace ImpactMap.Api.Access;

/// <summary>Endpoint metadata: the least role a route needs, when it differs from the method's default.</summary>
public sealed record RequiredRole(ApiRole Role);

/// <summary>
/// Checks X-Api-Key on every request: missing or unknown, 401; a role too low, 403; a graph outside the key's
/// list, 404 exactly as for a graph that does not exist. Health probes, the API docs and the console's own files
/// stay public.
/// </summary>
public static class AccessControl
{
    public const string Header = "X-Api-Key";

    /// <summary>Set on requests refused for access, so the audit log records them whatever their status.</summary>
    public const string RefusedItem = "ImpactMap.Refused";

    public static Caller CallerOf(HttpContext context) => context.Features.Get<Caller>() ?? Caller.Open;

    /// <summary>RouteHandlerBuilder and RouteGroupBuilder alike: the least role their endpoints need.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, ApiRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredRole(role));

    /// <summary>Creating a graph needs an admin; replacing one an editor.</summary>
    public static void RequireToCreateGraph(HttpContext context)
    {
        var caller = CallerOf(context);
        if (caller.Role < ApiRole.Admin)
        {
            context.Items[RefusedItem] = true;
            throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden", $"Key '{caller.KeyId}' may change graphs but not create them; that needs admin.");
        }
    }

    /// <summary>
    /// With no keys configured, anyone who reaches the service may do anything: then it binds to loopback only,
    /// whatever the configured addresses, and says so.
    /// </summary>
    public static void ListenOnLoopbackWhenOpen(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ApiKeys>().AreConfigured)
        {
            return;
        }

        var configured = (app.Configuration["urls"] ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var loopback = configured.Select(url =>
        {
            var uri = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
            return uri.IsLoopback ? url : $"{uri.Scheme}://127.0.0.1:{uri.Port}";
        }).ToList();
        app.Urls.Clear();
        foreach (var url in loopback)
        {
            app.Urls.Add(url);
        }

        app.Logger.LogWarning("No API keys are configured (ImpactMap:ApiKeys): access is open, so the service listens on loopback only: {Urls}",
            string.Join(", ", loopback));
    }

    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var keys = context.RequestServices.GetRequiredService<ApiKeys>();
            if (!keys.AreConfigured || IsPublic(context) || await Status.StatusPageEndpoints.IsPublicReadAsync(context))
            {
                await next(context);
                return;
            }

            var presented = context.Request.Headers[Header].ToString();
            var caller = presented.Length == 0 ? null : keys.Find(presented);
            if (caller is null)
            {
                context.Features.Set(new Caller(presented.Length == 0 ? "none" : "unknown", ApiRole.Reader, new HashSet<string>()));
                context.Items[RefusedItem] = true;
                throw new ApiProblem(StatusCodes.Status401Unauthorized, "Unauthorized",
                    presented.Length == 0 ? $"Send an API key in the {Header} header." : "The API key is not known.");
            }

            context.Features.Set(caller);
            var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>()?.Role
                           ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? ApiRole.Reader : ApiRole.Editor);
            if (context.Request.RouteValues.TryGetValue("graph", out var graph) && graph is string name && !caller.MaySee(name))
            {
                context.Items[RefusedItem] = true;
                throw new GraphNotFoundException(name);
            }

            if (context.Request.Path.StartsWithSegments("/metrics") && caller.Graphs is not null)
            {
                context.Items[RefusedItem] = true;
                throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden", "Metrics cover every graph; they need a key that is not limited to some graphs.");
            }

            if (caller.Role < required)
            {
                context.Items[RefusedItem] = true;
                throw new ApiProblem(StatusCodes.Status403Forbidden, "Forbidden",
                    $"Key '{caller.KeyId}' has role {caller.Role.ToString().ToLowerInvariant()}; this needs {required.ToString().ToLowerInvariant()}.");
            }

            await next(context);
        });

    private static bool IsPublic(HttpContext context) =>
        context.Request.Path is var path && (path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/docs"))
        || context.GetEndpoint()?.Metadata.GetMetadata<PublicResource>() is not null;
}
