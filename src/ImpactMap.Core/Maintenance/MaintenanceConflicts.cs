using ImpactMap.Core.Engine;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Maintenance;

/// <summary>A party a conflict hits harder than either side alone would: its state together, and the worse of its states alone (up when neither hits it).</summary>
public sealed record ConflictParty(string Id, string Name, string Kind, NodeState State, NodeState Alone);

/// <summary>
/// What a window does together with another window or an open incident that neither does alone: the parties it
/// makes worse, while both last (<paramref name="From"/> to <paramref name="Until"/>).
/// </summary>
/// <param name="With">The other window's or the incident's id; <paramref name="Kind"/> says which: <c>maintenance</c> or <c>incident</c>.</param>
/// <param name="Parties">The first of them, by id.</param>
/// <param name="Total">How many parties it makes worse in all.</param>
public sealed record MaintenanceConflict(
    string Kind, string With, string Title, DateTimeOffset From, DateTimeOffset Until, IReadOnlyList<ConflictParty> Parties, int Total);

/// <summary>
/// Finds what planned work does in combination: two windows on the alternatives of one group, or a window that
/// starts while an incident has that group on its last fallback. The combined impact is the engine's for every
/// outage of both, for as long as both last; a party conflicts where that is worse than each side alone.
/// </summary>
/// <remarks>
/// Both sides are taken to start together at the overlap: a tolerance already partly spent by the side that started
/// first is not counted, so every conflict named is real, and one that needs that head start is not named.
/// </remarks>
public sealed class MaintenanceConflicts(PropagationEngine engine)
{
    /// <summary>The most parties a conflict lists; <see cref="MaintenanceConflict.Total"/> counts them all.</summary>
    public const int ListedParties = 100;

    private readonly Dictionary<string, Dictionary<string, NodeState>> _alone = new(StringComparer.Ordinal);

    /// <summary>What the window alone does over its length: each affected node's state.</summary>
    public IReadOnlyDictionary<string, NodeState> Alone(MaintenanceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var key = $"maintenance/{window.Id}";
        if (!_alone.TryGetValue(key, out var states))
        {
            _alone[key] = states = States(window.Outages, window.Length);
        }

        return states;
    }

    /// <summary>The conflict of two windows where they overlap, or null when they do not or make nobody worse together.</summary>
    public MaintenanceConflict? Between(MaintenanceWindow window, MaintenanceWindow other)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(other);
        if (!window.Overlaps(other))
        {
            return null;
        }

        var from = window.Start > other.Start ? window.Start : other.Start;
        var until = window.End < other.End ? window.End : other.End;
        return Conflict("maintenance", other.Id, other.Title, from, until, [.. window.Outages, .. other.Outages], Alone(window), Alone(other));
    }

    /// <summary>
    /// The conflict of a window with an open incident whose clock runs and that is not expected to be over before the
    /// window starts, or null: the incident's outages still failing are taken to last through the window.
    /// </summary>
    public MaintenanceConflict? Between(MaintenanceWindow window, IncidentSummary incident)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(incident);
        var failing = incident.Outages.Where(o => o.EndedAt is null).ToList();
        if (incident.Status is IncidentStatus.Resolved or IncidentStatus.Closed || window.Cancelled || failing.Count == 0 || incident.StartedAt + incident.ExpectedDuration <= window.Start)
        {
            return null;
        }

        var key = $"incident/{incident.Id}";
        if (!_alone.TryGetValue(key, out var incidentAlone))
        {
            _alone[key] = incidentAlone = States(failing, null);
        }

        return Conflict("incident", incident.Id, incident.Title, window.Start, window.End, [.. window.Outages, .. failing], Alone(window), incidentAlone);
    }

    private MaintenanceConflict? Conflict(
        string kind, string with, string title, DateTimeOffset from, DateTimeOffset until, IReadOnlyList<IncidentOutage> outages,
        IReadOnlyDictionary<string, NodeState> one, IReadOnlyDictionary<string, NodeState> other)
    {
        var failing = outages.Select(o => o.Node).ToHashSet(StringComparer.Ordinal);
        var worse = new List<ConflictParty>();
        foreach (var (id, state) in States(outages, until - from))
        {
            var alone = NodeStates.Worst(one.GetValueOrDefault(id), other.GetValueOrDefault(id));
            if (state > alone && !failing.Contains(id))
            {
                var node = engine.Graph.FindNode(id)!;
                worse.Add(new ConflictParty(id, node.Name, node.Kind, state, alone));
            }
        }

        return worse.Count == 0
            ? null
            : new MaintenanceConflict(kind, with, title, from, until, worse.OrderBy(p => p.Id, StringComparer.Ordinal).Take(ListedParties).ToList(), worse.Count);
    }

    /// <summary>Every node the outages reach within <paramref name="duration"/> (null: ever), origins included, with its state.</summary>
    private Dictionary<string, NodeState> States(IReadOnlyList<IncidentOutage> outages, TimeSpan? duration)
    {
        // Two outages of one node: the worse counts, as the engine takes them.
        var merged = outages.GroupBy(o => o.Node, StringComparer.Ordinal).Select(g => new Outage(g.Key, g.Max(o => o.State))).ToList();
        if (merged.Count == 0 || duration <= TimeSpan.Zero)
        {
            return new Dictionary<string, NodeState>(StringComparer.Ordinal);
        }

        var result = engine.Impact(new ImpactQuery(merged, Duration: duration) { IncludePaths = false });
        return result.Affected.Concat(result.Origins).ToDictionary(n => n.Id, n => n.State, StringComparer.Ordinal);
    }
}
