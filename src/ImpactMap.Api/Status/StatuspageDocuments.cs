using System.Globalization;
using System.Text;
using System.Xml;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Maintenance;
using ImpactMap.Core.Model;
using ImpactMap.Core.Status;

namespace ImpactMap.Api.Status;

/// <summary>A status page view in the Statuspage public API's shapes, and as an Atom feed.</summary>
public static class StatuspageDocuments
{
    /// <summary>Statuspage's component status for a state: at risk is still operational to the outside.</summary>
    public static string ComponentStatus(NodeState state) => state switch
    {
        NodeState.Down => "major_outage",
        NodeState.Degraded => "partial_outage",
        _ => "operational",
    };

    /// <summary>The page; updated_at is its last change: an incident on it, a component's state, or its settings.</summary>
    public static StatuspagePage Page(StatusPageView view, string url) =>
        new(view.Graph, view.Settings.Name, url, "Etc/UTC", view.Unresolved.Select(i => (DateTimeOffset?)StatusPage.LastChange(i))
            .Concat(view.Components.Select(c => c.ChangedAt)).Append(view.Settings.UpdatedAt).Max());

    public static StatuspageStatus Status(StatusPageView view)
    {
        var worst = view.Components.Select(c => c.State).DefaultIfEmpty(NodeState.Up).Max();
        return worst switch
        {
            NodeState.Down => new("critical", "Major System Outage"),
            NodeState.Degraded => new("major", "Partial System Outage"),
            _ when view.Unresolved.Count > 0 => new("minor", "Minor Service Outage"),
            _ => new("none", "All Systems Operational"),
        };
    }

    public static IReadOnlyList<StatuspageComponent> Components(StatusPageView view) =>
        view.Components.Select(c => Component(view, c, c.State, c.ChangedAt)).ToList();

    public static StatuspageIncident Incident(StatusPageView view, Incident incident, string consoleBase)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var published = view.Components.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var touched = StatusPage.Touched(incident, published.Keys, view.At).GroupBy(t => t.Id)
            .Select(g => (Component: published[g.Key], State: g.Max(t => t.State))).OrderBy(t => t.Component.Position).ToList();
        var live = StatusPage.IsUnresolved(incident);
        var components = touched.Select(t => Component(view, t.Component, live ? t.State : NodeState.Up, StatusPage.LastChange(incident))).ToList();
        var worst = touched.Select(t => t.State).DefaultIfEmpty(NodeState.Up).Max();
        var updates = incident.Updates.Select(u => new StatuspageIncidentUpdate(
                $"{incident.Id}-{u.Sequence}", UpdateStatus(u.Status, incident), u.Message, incident.Id, u.At, u.At, u.At))
            .Prepend(new StatuspageIncidentUpdate($"{incident.Id}-0", "investigating", incident.Title, incident.Id, incident.OpenedAt, incident.OpenedAt,
                incident.OpenedAt))
            .Reverse()
            .ToList();
        return new StatuspageIncident(
            incident.Id, incident.Title, StatusOf(incident),
            worst switch { NodeState.Down => "critical", NodeState.Degraded => "major", NodeState.AtRisk => "minor", _ => "none" },
            $"{consoleBase}/graphs/{Uri.EscapeDataString(incident.Graph)}/incidents/{Uri.EscapeDataString(incident.Id)}",
            incident.OpenedAt, StatusPage.LastChange(incident), incident.StartedAt,
            incident.Updates.FirstOrDefault(u => u.Status == IncidentStatus.Monitoring)?.At,
            incident.Updates.FirstOrDefault(u => u.Status == IncidentStatus.Resolved)?.At,
            view.Graph, updates, components,
            incident.Review is { } review ? Postmortem(review) : null, incident.Review?.AcceptedAt);
    }

    /// <summary>A maintenance window the page shows, in Statuspage's shape: its updates are its scheduling, start and end as they come.</summary>
    public static StatuspageMaintenance Maintenance(StatusPageView view, PageMaintenance shown, string consoleBase)
    {
        ArgumentNullException.ThrowIfNull(shown);
        var window = shown.Window;
        var published = view.Components.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var status = window.StatusAt(view.At);
        var wire = status switch { MaintenanceStatus.InProgress => "in_progress", MaintenanceStatus.Completed => "completed", _ => "scheduled" };
        var components = shown.Reached.Where(published.ContainsKey).Select(id => published[id]).OrderBy(c => c.Position)
            .Select(c => new StatuspageComponent(c.Id, c.Name, status == MaintenanceStatus.InProgress ? "under_maintenance" : ComponentStatus(c.State), window.UpdatedAt,
                c.Position, view.Graph, false, false, true)).ToList();
        var updates = new List<StatuspageIncidentUpdate>
        {
            new($"{window.Id}-scheduled", "scheduled", $"{window.Title}: scheduled from {Time(window.Start)} to {Time(window.End)}.", window.Id, window.CreatedAt, window.UpdatedAt, window.CreatedAt),
        };
        if (status is MaintenanceStatus.InProgress or MaintenanceStatus.Completed)
        {
            updates.Add(new($"{window.Id}-in-progress", "in_progress", "The scheduled maintenance has begun.", window.Id, window.Start, window.Start, window.Start));
        }

        if (status == MaintenanceStatus.Completed)
        {
            updates.Add(new($"{window.Id}-completed", "completed", "The scheduled maintenance has been completed.", window.Id, window.End, window.End, window.End));
        }

        updates.Reverse();
        return new StatuspageMaintenance(window.Id, window.Title, wire, "maintenance",
            $"{consoleBase}/graphs/{Uri.EscapeDataString(window.Graph)}/maintenances/{Uri.EscapeDataString(window.Id)}",
            window.CreatedAt, updates[0].UpdatedAt, window.Start, null, status == MaintenanceStatus.Completed ? window.End : null,
            window.Start, window.End, view.Graph, updates, components);
    }

    /// <summary>The feed of the page's recent incidents, newest first, each with its updates and review as its content.</summary>
    public static string Atom(StatusPageView view, IReadOnlyList<Incident> incidents, string selfUrl, string consoleBase)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            const string ns = "http://www.w3.org/2005/Atom";
            xml.WriteStartElement("feed", ns);
            xml.WriteElementString("id", ns, $"urn:impactmap:{view.Graph}:status");
            xml.WriteElementString("title", ns, $"{view.Settings.Name}: incident history");
            xml.WriteElementString("updated", ns, Time(incidents.Select(StatusPage.LastChange).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max()));
            xml.WriteStartElement("link", ns);
            xml.WriteAttributeString("rel", "self");
            xml.WriteAttributeString("href", selfUrl);
            xml.WriteEndElement();
            xml.WriteStartElement("author", ns);
            xml.WriteElementString("name", ns, view.Settings.Name);
            xml.WriteEndElement();
            void Entry(string id, string title, DateTimeOffset published, DateTimeOffset updated, string href, string content)
            {
                xml.WriteStartElement("entry", ns);
                xml.WriteElementString("id", ns, id);
                xml.WriteElementString("title", ns, title);
                xml.WriteElementString("published", ns, Time(published));
                xml.WriteElementString("updated", ns, Time(updated));
                xml.WriteStartElement("link", ns);
                xml.WriteAttributeString("rel", "alternate");
                xml.WriteAttributeString("href", href);
                xml.WriteEndElement();
                xml.WriteStartElement("content", ns);
                xml.WriteAttributeString("type", "text");
                xml.WriteString(content);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            static string Updates(IEnumerable<StatuspageIncidentUpdate> updates) => string.Join("\n\n", updates.Select(u => $"{Time(u.CreatedAt)} {u.Status}: {u.Body}"));

            foreach (var incident in incidents)
            {
                var shown = Incident(view, incident, consoleBase);
                var content = Updates(shown.IncidentUpdates);
                Entry($"urn:impactmap:{view.Graph}:incident:{incident.Id}", $"{incident.Title} ({shown.Status})", incident.OpenedAt, shown.UpdatedAt, shown.Shortlink,
                    shown.PostmortemBody is { } postmortem ? $"{content}\n\nPostmortem:\n{postmortem}" : content);
            }

            foreach (var maintenance in view.Maintenances.Select(m => Maintenance(view, m, consoleBase)))
            {
                Entry($"urn:impactmap:{view.Graph}:maintenance:{maintenance.Id}", $"Scheduled maintenance: {maintenance.Name} ({maintenance.Status})",
                    maintenance.CreatedAt, maintenance.UpdatedAt, maintenance.Shortlink, Updates(maintenance.IncidentUpdates));
            }

            xml.WriteEndElement();
        }

        // StringBuilder makes the declaration say utf-16; the answer is sent as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static StatuspageComponent Component(StatusPageView view, ComponentState component, NodeState state, DateTimeOffset? changedAt) =>
        new(component.Id, component.Name, ComponentStatus(state), changedAt, component.Position, view.Graph, false, false, true);

    private static string StatusOf(Incident incident) => incident.Status switch
    {
        IncidentStatus.Closed => incident.Review is null ? "resolved" : "postmortem",
        var status => status.ToWire(),
    };

    private static string UpdateStatus(IncidentStatus status, Incident incident) =>
        status == IncidentStatus.Closed ? StatusOf(incident) : status.ToWire();

    private static string Postmortem(IncidentReview review) =>
        $"What happened: {review.WhatHappened}\n\nWhat we learned: {review.WhatWeLearned}\n\nSo that it does not happen again:\n" +
        string.Join("\n", review.Prevention.Select(p => $"- {p.Action} ({p.Owner}, by {p.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"));

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
