using System.Globalization;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Watches;

/// <summary>Open an incident for what a supplier's page shows.</summary>
public sealed record OpenStep(string Title, DateTimeOffset? StartedAt, IReadOnlyList<IncidentOutage> Outages);

/// <summary>Post an update; <paramref name="Source"/> names the supplier update it carries, so that it is never posted twice.</summary>
public sealed record UpdateStep(IncidentStatus Status, string Message, IReadOnlyList<IncidentOutage>? Outages, string? Source);

/// <summary>A supplier's announced maintenance as a window of ours: its id on the supplier's page, title, the nodes it takes out, and when.</summary>
public sealed record PlannedWork(string Source, string Title, IReadOnlyList<IncidentOutage> Outages, DateTimeOffset Start, DateTimeOffset End);

/// <summary>What one poll of a supplier's page does to our incident: open one, update it, resolve it, or nothing.</summary>
public sealed record WatchPlan(OpenStep? Open, IReadOnlyList<UpdateStep> Updates)
{
    /// <summary>The most supplier updates one poll carries over, so that a page with thousands cannot flood an incident.</summary>
    public const int MaxUpdatesPerPoll = 20;

    /// <summary>
    /// The supplier's upcoming and active maintenances that name a watched component, as windows of ours: the nodes of
    /// those components, at the state under_maintenance means to the watch (down unless it says otherwise).
    /// </summary>
    public static IReadOnlyList<PlannedWork> PlannedWork(WatchSettings settings, SupplierPage page)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(page);
        var pageName = page.Name.Length > 0 ? page.Name : settings.Url;
        var state = settings.StateOf("under_maintenance") is { } mapped and not NodeState.Up ? mapped : NodeState.Down;
        string? IdOf(string component) =>
            (page.Components.FirstOrDefault(c => c.Id == component) ?? page.Components.FirstOrDefault(c => c.Name == component))?.Id;
        return page.Maintenances
            .Where(m => m.Status is "scheduled" or "in_progress" or "verifying" && m.ScheduledUntil > m.ScheduledFor)
            .Select(m => new PlannedWork(m.Id, $"{pageName}: {m.Name}",
                settings.Components.Where(w => IdOf(w.Component) is { } id && m.Components.Contains(id)).Select(w => w.Node).Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal).Select(node => new IncidentOutage(node, state)).ToList(),
                m.ScheduledFor, m.ScheduledUntil))
            .Where(w => w.Outages.Count > 0)
            .ToList();
    }

    /// <summary>Whether this plan resolves the incident: then the supplier's last words are worth fetching first.</summary>
    public bool Resolves => Updates.Any(u => u.Status == IncidentStatus.Resolved);

    /// <summary>
    /// Compares the page with our incident (<paramref name="incident"/>: the one this watch keeps, null when
    /// there is none or it is resolved) and says what to do. <see cref="FormatException"/> when the page lacks a
    /// watched component or gives one a status the watch does not map: then nothing changes.
    /// <paramref name="history"/>, the page's recent incidents (incidents.json), gives the supplier's last words
    /// on the incidents ours carried, which summary.json no longer lists once they are resolved.
    /// </summary>
    public static WatchPlan Make(WatchSettings settings, SupplierPage page, Incident? incident, IReadOnlyList<SupplierIncident>? history = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(page);
        var pageName = page.Name.Length > 0 ? page.Name : settings.Url;
        var watched = settings.Components.Select(w =>
        {
            var component = page.Components.FirstOrDefault(c => c.Id == w.Component) ?? page.Components.FirstOrDefault(c => c.Name == w.Component)
                            ?? throw new FormatException($"the page has no component '{w.Component}' (by id or exact name); its components are " +
                                                         string.Join(", ", page.Components.Take(20).Select(c => $"'{c.Name}' ({c.Id})")));
            var state = settings.StateOf(component.Status)
                        ?? throw new FormatException($"component '{component.Name}' has status '{component.Status}', which the watch does not map to a state");
            return (Watch: w, Component: component, State: state);
        }).ToList();

        var outages = watched.Where(w => w.State != NodeState.Up)
            .GroupBy(w => w.Watch.Node, StringComparer.Ordinal)
            .Select(g => new IncidentOutage(g.Key, g.Max(w => w.State)))
            .OrderBy(o => o.Node, StringComparer.Ordinal).ToList();
        var ids = watched.Select(w => w.Component.Id).ToHashSet(StringComparer.Ordinal);
        // An incident naming no components may be about anything on the page; one naming others is not ours.
        var relevant = page.Incidents.Where(i => i.Components.Count == 0 || i.Components.Any(ids.Contains)).ToList();

        if (incident is null)
        {
            if (outages.Count == 0)
            {
                return new WatchPlan(null, []);
            }

            var first = relevant.OrderBy(i => i.StartedAt ?? DateTimeOffset.MaxValue).FirstOrDefault();
            var title = $"{pageName}: {first?.Name ?? string.Join(", ", watched.Where(w => w.State != NodeState.Up).Select(w => w.Component.Name))}";
            var open = new OpenStep(title.Length <= 200 ? title : title[..199] + "…", first?.StartedAt, outages);
            return new WatchPlan(open, SupplierWords(pageName, relevant, null, IncidentStatus.Investigating));
        }

        var steps = new List<UpdateStep>();
        var status = incident.Status;
        steps.AddRange(SupplierWords(pageName, relevant, incident, status));
        if (steps.Count > 0)
        {
            status = steps[^1].Status;
        }

        if (outages.Count == 0)
        {
            var carriedIncidents = incident.Updates.Select(u => u.Source?.Split('/')[0]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            steps.AddRange(SupplierWords(pageName, (history ?? []).Where(i => carriedIncidents.Contains(i.Id)), incident, status));
            steps.Add(new UpdateStep(IncidentStatus.Resolved,
                $"{pageName} shows {string.Join(", ", watched.Select(w => w.Component.Name).Distinct())} operational again.", null, null));
        }
        else if (!outages.SequenceEqual(incident.Outages.OrderBy(o => o.Node, StringComparer.Ordinal)))
        {
            var now = string.Join("; ", watched.Select(w => $"{w.Component.Name} {w.Component.Status.Replace('_', ' ')}"));
            steps.Add(new UpdateStep(status, $"{pageName} now shows: {now}.", outages, null));
        }

        return new WatchPlan(null, steps);
    }

    /// <summary>The supplier's updates we have not carried yet, oldest first, each attributed and quoted.</summary>
    private static List<UpdateStep> SupplierWords(string pageName, IEnumerable<SupplierIncident> incidents, Incident? ours, IncidentStatus status)
    {
        var carried = ours?.Updates.Select(u => u.Source).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        var steps = new List<UpdateStep>();
        foreach (var (incident, update) in incidents.SelectMany(i => i.Updates.Select(u => (i, u))).OrderBy(p => p.u.At).ThenBy(p => p.u.Id, StringComparer.Ordinal))
        {
            var source = $"{incident.Id}/{update.Id}";
            if (carried.Contains(source) || update.Body.Length == 0)
            {
                continue;
            }

            status = update.Status switch
            {
                "investigating" => IncidentStatus.Investigating,
                "identified" => IncidentStatus.Identified,
                "monitoring" => IncidentStatus.Monitoring,
                // The supplier resolving its incident is its word; ours resolves when its components are operational again.
                _ => status,
            };
            var at = update.At == DateTimeOffset.MinValue ? "" : $" at {update.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
            steps.Add(new UpdateStep(status, $"{pageName} wrote{at} ({update.Status}, on \"{incident.Name}\"): \u201c{update.Body}\u201d", null, source));
            if (steps.Count == MaxUpdatesPerPoll)
            {
                break;
            }
        }

        return steps;
    }
}
