namespace ImpactMap.Core.Model;

/// <summary>A supplier, service, customer or other party in the graph.</summary>
/// <param name="Id">Unique, case-sensitive id; see <see cref="Identifier"/>.</param>
/// <param name="Name">Display name; the id when none is given.</param>
/// <param name="Kind"><c>supplier</c>, <c>service</c>, <c>customer</c> or another lowercase word.</param>
/// <param name="Attributes">Free attributes such as owner, contact or tier.</param>
/// <param name="Groups">How many of each group of alternative dependencies this node needs (default 1).</param>
public sealed record Node(
    string Id,
    string Name,
    string Kind,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, int> Groups)
{
    /// <summary>The kinds the model names; others are kept as given.</summary>
    public const string Supplier = "supplier", Service = "service", Customer = "customer";

    /// <summary>A node with no attributes and no group needs.</summary>
    public static Node Create(string id, string kind, string? name = null) =>
        new(id, name ?? id, kind, EmptyAttributes, EmptyGroups);

    /// <summary>How many members of <paramref name="group"/> this node needs.</summary>
    public int NeedOf(string group) => Groups.TryGetValue(group, out var need) ? need : 1;

    /// <summary>
    /// The share of time the node works on its own (an SLA's figure, in (0, 1]); null when unknown, in which case
    /// it never fails on its own in the resilience figures (it can still be part of a cut set).
    /// </summary>
    public double? Availability { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
    internal static readonly IReadOnlyDictionary<string, int> EmptyGroups = new Dictionary<string, int>();

    /// <summary>Records compare dictionaries by reference; nodes are equal when their contents are.</summary>
    public bool Equals(Node? other) =>
        other is not null && Id == other.Id && Name == other.Name && Kind == other.Kind && Availability == other.Availability
        && SameEntries(Attributes, other.Attributes) && SameEntries(Groups, other.Groups);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Name, Kind);

    private static bool SameEntries<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && EqualityComparer<T>.Default.Equals(pair.Value, value));
}
