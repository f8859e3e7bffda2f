namespace ImpactMap.Api.Hosting;

/// <summary>
/// An answer other than success, thrown from anywhere in a request and written by <see cref="ProblemHandler"/>
/// as application/problem+json (RFC 9457).
/// </summary>
public sealed class ApiProblem(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IDictionary<string, object?>? Extensions { get; } = extensions;

    public static ApiProblem BadRequest(string detail, IEnumerable<object>? problems = null) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail,
            problems is null ? null : new Dictionary<string, object?> { ["problems"] = problems.ToList() });

    public static ApiProblem Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);
}
