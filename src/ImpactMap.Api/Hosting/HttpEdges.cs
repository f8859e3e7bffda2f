using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// The HTTP edges every route shares: HEAD wherever GET works, no content sniffing, unknown query parameters
/// refused like unknown body fields, and a detail on the answers the framework gives itself (no route, method not
/// allowed, media type).
/// </summary>
internal static class HttpEdges
{
    /// <summary>
    /// Every answer, problems and exports included, says its type is meant: a browser never guesses HTML from a
    /// name in a CSV or a JSON body.
    /// </summary>
    public static IApplicationBuilder UseNoSniffing(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // When the answer starts: the exception handler clears the headers of an answer it replaces with a problem.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>HEAD is answered as GET with the body left out, so that every GET route also takes HEAD. Before routing.</summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            context.Request.Method = HttpMethods.Get;
            var body = context.Response.Body;
            context.Response.Body = Stream.Null;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
                context.Request.Method = HttpMethods.Head;
            }
        });

    /// <summary>
    /// A query parameter the route does not take is a 400 naming it and the ones it does take: a mistyped
    /// filter must not pass silently as "no filter". After routing.
    /// </summary>
    public static IApplicationBuilder UseKnownQueryParameters(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Query.Count > 0 && context.Request.Path.StartsWithSegments("/v1") && context.GetEndpoint() is { } endpoint)
            {
                var known = QueryNames(endpoint);
                var unknown = context.Request.Query.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToList();
                if (unknown.Count > 0)
                {
                    var takes = known.Count == 0 ? "takes no query parameters" : $"takes {string.Join(", ", known.Order(StringComparer.Ordinal))}";
                    throw ApiProblem.BadRequest(
                        $"Unknown query parameter(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}: this route {takes}.",
                        unknown.Select(u => $"{u}: not a query parameter of this route"));
                }
            }

            await next(context);
        });

    /// <summary>The detail the framework's own answers lack, for problem details that have none.</summary>
    public static void AddDetail(ProblemDetailsContext problem)
    {
        var http = problem.HttpContext;
        problem.ProblemDetails.Detail ??= problem.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing answers {http.Request.Method} {http.Request.Path}: the API is under /v1, described at /openapi/v1.json and /docs.",
            StatusCodes.Status405MethodNotAllowed =>
                $"{http.Request.Method} is not allowed on {http.Request.Path}; it allows {http.Response.Headers.Allow}.",
            StatusCodes.Status415UnsupportedMediaType =>
                $"The body's media type '{http.Request.ContentType}' is not accepted here: send application/json (a graph document also "
                + "application/yaml, application/x-yaml or text/yaml).",
            StatusCodes.Status406NotAcceptable => "None of the media types in Accept can be given here; ask for application/json.",
            _ => null,
        };
    }

    private static HashSet<string> QueryNames(Endpoint endpoint)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in endpoint.Metadata.OfType<IParameterBindingMetadata>())
        {
            var info = parameter.ParameterInfo;
            if (info.GetCustomAttribute<FromQueryAttribute>() is { } fromQuery)
            {
                names.Add(fromQuery.Name ?? info.Name!);
            }
            else if (IsQueryable(info.ParameterType) && info.GetCustomAttributes().All(a => a is not IFromRouteMetadata and not IFromHeaderMetadata))
            {
                names.Add(info.Name!);
            }
        }

        // Route values are not query parameters, though they bind like them.
        if (endpoint is RouteEndpoint route)
        {
            foreach (var routeParameter in route.RoutePattern.Parameters)
            {
                names.Remove(routeParameter.Name);
            }
        }

        return names;
    }

    private static bool IsQueryable(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(string) || underlying.IsPrimitive || underlying == typeof(string[]) || underlying.IsEnum;
    }
}
