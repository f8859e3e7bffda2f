namespace ImpactMap.Core.Model;

/// <summary>One reason a graph is invalid.</summary>
/// <param name="Path">Where, in the document's terms: <c>nodes[3].id</c>, <c>dependencies[7].to</c>.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record GraphProblem(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a graph or a change to it breaks the model's rules.</summary>
public sealed class InvalidGraphException(IReadOnlyList<GraphProblem> problems)
    : Exception(string.Join("; ", problems.Take(5)))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<GraphProblem> Problems { get; } = problems;
}
