using System.Text.Json.Serialization;

namespace ImpactMap.Api.Status;

/// <summary>PUT …/status-page: the page's name, the node ids shown as components (or every node of a kind), and whether anyone may read it.</summary>
public sealed record StatusPageRequest(string? Name, IReadOnlyList<string>? Components, string? Kind, bool? Public);

/// <summary>A graph's status page settings, and where it is published.</summary>
public sealed record StatusPageResponse(string Graph, string Name, IReadOnlyList<string>? Components, string? Kind, bool Public, string Url);

// The Statuspage public API's shapes (api/v2), snake_case as Statuspage writes them, so that its clients read ours.

/// <summary>The page: our graph.</summary>
public sealed record StatuspagePage(
    string Id, string Name, string Url,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt);

/// <summary>The page's overall status: none, minor, major or critical, in words.</summary>
public sealed record StatuspageStatus(string Indicator, string Description);

/// <summary>A component: one of the nodes the page shows; status operational, degraded_performance, partial_outage or major_outage.</summary>
public sealed record StatuspageComponent(
    string Id, string Name, string Status,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt,
    int Position,
    [property: JsonPropertyName("page_id")] string PageId,
    bool Group,
    [property: JsonPropertyName("only_show_if_degraded")] bool OnlyShowIfDegraded,
    bool Showcase);

/// <summary>One of an incident's updates: investigating, identified, monitoring, resolved or postmortem.</summary>
public sealed record StatuspageIncidentUpdate(
    string Id, string Status, string Body,
    [property: JsonPropertyName("incident_id")] string IncidentId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("display_at")] DateTimeOffset DisplayAt);

/// <summary>An incident as Statuspage shows one; <c>components</c> are the published components it reaches, in the state it leaves them.</summary>
public sealed record StatuspageIncident(
    string Id, string Name, string Status, string Impact, string Shortlink,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("monitoring_at")] DateTimeOffset? MonitoringAt,
    [property: JsonPropertyName("resolved_at")] DateTimeOffset? ResolvedAt,
    [property: JsonPropertyName("page_id")] string PageId,
    [property: JsonPropertyName("incident_updates")] IReadOnlyList<StatuspageIncidentUpdate> IncidentUpdates,
    IReadOnlyList<StatuspageComponent> Components,
    [property: JsonPropertyName("postmortem_body")] string? PostmortemBody,
    [property: JsonPropertyName("postmortem_published_at")] DateTimeOffset? PostmortemPublishedAt);

/// <summary>
/// A scheduled maintenance as Statuspage shows one: an incident of impact <c>maintenance</c>, status scheduled,
/// in_progress or completed, with when it is scheduled for and until; <c>components</c> are the published components it
/// reaches, under_maintenance while it runs.
/// </summary>
public sealed record StatuspageMaintenance(
    string Id, string Name, string Status, string Impact, string Shortlink,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("monitoring_at")] DateTimeOffset? MonitoringAt,
    [property: JsonPropertyName("resolved_at")] DateTimeOffset? ResolvedAt,
    [property: JsonPropertyName("scheduled_for")] DateTimeOffset ScheduledFor,
    [property: JsonPropertyName("scheduled_until")] DateTimeOffset ScheduledUntil,
    [property: JsonPropertyName("page_id")] string PageId,
    [property: JsonPropertyName("incident_updates")] IReadOnlyList<StatuspageIncidentUpdate> IncidentUpdates,
    IReadOnlyList<StatuspageComponent> Components);

/// <summary>summary.json: the page, its status, every component, the unresolved incidents and the upcoming and active maintenances.</summary>
public sealed record StatuspageSummary(
    StatuspagePage Page, StatuspageStatus Status, IReadOnlyList<StatuspageComponent> Components, IReadOnlyList<StatuspageIncident> Incidents,
    [property: JsonPropertyName("scheduled_maintenances")] IReadOnlyList<StatuspageMaintenance> ScheduledMaintenances);

/// <summary>scheduled-maintenances.json, …/upcoming.json and …/active.json.</summary>
public sealed record StatuspageMaintenances(
    StatuspagePage Page, [property: JsonPropertyName("scheduled_maintenances")] IReadOnlyList<StatuspageMaintenance> ScheduledMaintenances);

/// <summary>status.json.</summary>
public sealed record StatuspageStatusDocument(StatuspagePage Page, StatuspageStatus Status);

/// <summary>components.json.</summary>
public sealed record StatuspageComponents(StatuspagePage Page, IReadOnlyList<StatuspageComponent> Components);

/// <summary>incidents.json and incidents/unresolved.json.</summary>
public sealed record StatuspageIncidents(StatuspagePage Page, IReadOnlyList<StatuspageIncident> Incidents);
