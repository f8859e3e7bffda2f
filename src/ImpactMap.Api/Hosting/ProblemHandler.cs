using System.Text.Json;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Documents;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace ImpactMap.Api.Hosting;

/// <summary>Turns every exception into application/problem+json with a detail a client can act on.</summary>
public sealed partial class ProblemHandler(ILogger<ProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ApiProblem p => p,
            GraphNotFoundException e => new ApiProblem(StatusCodes.Status404NotFound, "Graph not found", e.Message),
            NodeNotFoundException e => new ApiProblem(StatusCodes.Status404NotFound, "Node not found", e.Message),
            IncidentNotFoundException e => new ApiProblem(StatusCodes.Status404NotFound, "Incident not found", e.Message),
            InvalidGraphNameException e => ApiProblem.BadRequest(e.Message),
            IncidentClosedException e => ApiProblem.Conflict($"Incident '{e.Id}' is closed; open a new incident for a new outage."),
            IncidentNotReadyException e => new ApiProblem(StatusCodes.Status409Conflict, "Conflict",
                $"Incident '{e.Id}' cannot be {e.Step} yet: {string.Join("; ", e.Missing)}.", new Dictionary<string, object?> { ["missing"] = e.Missing }),
            GraphHasOpenIncidentsException e => new ApiProblem(StatusCodes.Status409Conflict, "Conflict",
                $"{e.Message} Close them, or delete with ?force=true, which closes them without a review and records why.",
                new Dictionary<string, object?> { ["incidents"] = e.Incidents }),
            GraphBusyException e => new ApiProblem(StatusCodes.Status503ServiceUnavailable, "Busy", e.Message),
            InvalidGraphException e => new ApiProblem(StatusCodes.Status400BadRequest, "Invalid graph",
                $"The graph has {e.Problems.Count} problem(s): {e.Message}",
                new Dictionary<string, object?> { ["problems"] = e.Problems.Select(p => new { p.Path, p.Message }).ToList() }),
            UnknownNodeException e => new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Unknown node", $"The request names {e.Message}.",
                new Dictionary<string, object?> { ["nodes"] = e.Ids }),
            ImpactMap.Core.Imports.UnreadableFileException e => new ApiProblem(StatusCodes.Status400BadRequest, "Unreadable file",
                $"{e.File}, line {e.Line}: {e.Problem}",
                new Dictionary<string, object?> { ["problems"] = new[] { new { Path = $"{e.File}:{e.Line}", Message = e.Problem } } }),
            VersionConflictException e => new ApiProblem(StatusCodes.Status412PreconditionFailed, "Version mismatch",
                $"{e.Message}; read the graph again and retry with its current ETag."),
            StoreUnavailableException e => Unavailable($"The graph store is unavailable: {e.Message}"),
            QueryBudgetExceededException e => Unavailable(e.Message),
            PathBudgetExceededException e => new ApiProblem(StatusCodes.Status400BadRequest, "Answer too large",
                $"The chains (paths) of this answer would hold {e.PathIds} node ids, more than the {e.MaxPathIds} allowed. Ask with "
                + "paths=none (every node still names its via, the node before it on its chain), or page with a smaller limit and the "
                + "nextCursor, or narrow it with states, kinds or maxDepth."),
            ImpactMap.Core.Resilience.ResilienceTooLargeException e => new ApiProblem(StatusCodes.Status400BadRequest, "Analysis too large",
                $"The resilience of '{e.Node}' cannot be analysed within bounds: its upstream cone of {e.ConeNodes} nodes holds groups of alternatives "
                + "behind chains too long for its false fallbacks to be told. Ask about a node nearer the suppliers, whose cone is smaller."),
            BadHttpRequestException { InnerException: JsonException json } => Unparsable(json),
            BadHttpRequestException e => new ApiProblem(e.StatusCode, e.StatusCode == 413 ? "Request body too large" : "Invalid request", Describe(e)),
            JsonException e => Unparsable(e),
            ArgumentException e => ApiProblem.BadRequest(e.Message),
            _ => null,
        };

        if (problem is null)
        {
            if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ApiProblem(StatusCodes.Status500InternalServerError, "Internal error", "The server failed to answer; the error is logged.");
        }

        // Headers are set here: the exception handler clears those set before the exception.
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }
        else if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Access.AccessControl.Header}\"";
        }

        httpContext.Response.StatusCode = problem.Status;
        await TypedResults.Problem(problem.Message, statusCode: problem.Status, title: problem.Title, extensions: problem.Extensions)
            .ExecuteAsync(httpContext);
        return true;
    }

    private static ApiProblem Unavailable(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "Service unavailable", detail);

    /// <summary>Where the body broke and how, with the parser's words less the .NET type names.</summary>
    private static ApiProblem Unparsable(JsonException e)
    {
        var what = JsonErrors.Describe(e);
        return ApiProblem.BadRequest($"The body is not valid JSON for this request: {(e.Path is null ? "" : e.Path + ": ")}{what}", [$"{e.Path ?? "$"}: {what}"]);
    }

    /// <summary>The framework's binding failures, in words for a client, without .NET type names.</summary>
    private static string Describe(BadHttpRequestException e)
    {
        if (e.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || e.Message.StartsWith("Required parameter", StringComparison.Ordinal))
        {
            return "This request needs a JSON object as its body; it had none, or null.";
        }

        var binding = FailedBinding().Match(e.Message);
        return binding.Success
            ? $"{binding.Groups["name"].Value}: '{binding.Groups["value"].Value}' is not a valid value for it."
            : e.Message;
    }

    // 'Failed to bind parameter "Nullable<int> limit" from "abc".'
    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to bind parameter ""(?:.* )?(?<name>\w+)"" from ""(?<value>.*)""\.?$")]
    private static partial System.Text.RegularExpressions.Regex FailedBinding();
}

/// <summary>Thrown when a query runs past its time budget.</summary>
public sealed class QueryBudgetExceededException(TimeSpan budget)
    : Exception($"The query ran past its budget of {budget.TotalSeconds:0.#} s; narrow it (maxDepth, fewer outages) or retry later.");
