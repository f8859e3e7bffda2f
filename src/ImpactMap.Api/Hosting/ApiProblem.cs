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

    /// <summary>400; each problem "path: message" is listed as <c>{path, message}</c>, as every problem list is.</summary>
    public static ApiProblem BadRequest(string detail, IEnumerable<string>? problems = null) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail,
            problems is null ? null : new Dictionary<string, object?> { ["problems"] = problems.Select(Problem).ToList() });

    /// <summary>A 400 listing every problem found, when any was; nothing otherwise.</summary>
    public static void ThrowIfAny(IReadOnlyCollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count > 0)
        {
            throw BadRequest(string.Join("; ", problems), problems);
        }
    }

    /// <summary>A problem as every list carries it: where, and what.</summary>
    public static object Problem(string pathAndMessage)
    {
        var colon = pathAndMessage.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0
            ? new { Path = pathAndMessage[..colon], Message = pathAndMessage[(colon + 2)..] }
            : new { Path = "$", Message = pathAndMessage };
    }

    public static ApiProblem Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);
}
