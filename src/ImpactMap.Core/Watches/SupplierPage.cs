using System.Globalization;
using System.Text.Json;

namespace ImpactMap.Core.Watches;

/// <summary>A component on a supplier's page and its Statuspage status.</summary>
public sealed record SupplierComponent(string Id, string Name, string Status);

/// <summary>One of a supplier incident's updates, in the supplier's own words.</summary>
public sealed record SupplierUpdate(string Id, string Status, string Body, DateTimeOffset At);

/// <summary>An unresolved incident on a supplier's page; <paramref name="Components"/> are the ids it names, empty when it names none.</summary>
public sealed record SupplierIncident(
    string Id, string Name, string Status, DateTimeOffset? StartedAt, IReadOnlyList<SupplierUpdate> Updates, IReadOnlyList<string> Components);

/// <summary>A scheduled maintenance on a supplier's page, upcoming or active: when, and the component ids it names.</summary>
public sealed record SupplierMaintenance(string Id, string Name, string Status, DateTimeOffset ScheduledFor, DateTimeOffset ScheduledUntil, IReadOnlyList<string> Components);

/// <summary>A supplier's status page as its summary.json tells it.</summary>
public sealed record SupplierPage(string Name, IReadOnlyList<SupplierComponent> Components, IReadOnlyList<SupplierIncident> Incidents)
{
    /// <summary>Its upcoming and active scheduled maintenances; empty on a page that lists none.</summary>
    public IReadOnlyList<SupplierMaintenance> Maintenances { get; init; } = [];

    private const int MaxText = 2000;

    /// <summary>Reads a Statuspage summary.json; <see cref="FormatException"/> naming what is wrong or missing.</summary>
    public static SupplierPage Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"summary.json is not JSON (line {(e.LineNumber ?? 0) + 1}): {e.Message.Split(". Path", 2)[0]}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("summary.json is not a Statuspage summary: it is not an object");
            }

            var name = root.TryGetProperty("page", out var page) && page.ValueKind == JsonValueKind.Object ? Text(page, "name", "page") : "";
            var components = Array(root, "components").Select((c, i) =>
                new SupplierComponent(Text(c, "id", $"components[{i}]"), Text(c, "name", $"components[{i}]"), Text(c, "status", $"components[{i}]"))).ToList();
            var incidents = root.TryGetProperty("incidents", out _)
                ? Array(root, "incidents").Select((e, i) => Incident(e, $"incidents[{i}]")).ToList()
                : [];
            var maintenances = root.TryGetProperty("scheduled_maintenances", out _)
                ? Array(root, "scheduled_maintenances").Select((m, i) => Maintenance(m, $"scheduled_maintenances[{i}]")).ToList()
                : [];
            return new SupplierPage(name, components, incidents) { Maintenances = maintenances };
        }
    }

    private static SupplierMaintenance Maintenance(JsonElement maintenance, string path)
    {
        var components = maintenance.TryGetProperty("components", out _)
            ? Array(maintenance, "components").Select((c, i) => Text(c, "id", $"{path}.components[{i}]")).ToList()
            : [];
        return new SupplierMaintenance(Text(maintenance, "id", path), Shorten(Text(maintenance, "name", path)), Text(maintenance, "status", path),
            Time(maintenance, "scheduled_for", path) ?? throw new FormatException($"summary.json: {path}.scheduled_for is missing"),
            Time(maintenance, "scheduled_until", path) ?? throw new FormatException($"summary.json: {path}.scheduled_until is missing"),
            components);
    }

    /// <summary>Reads a Statuspage incidents.json (recent incidents, resolved ones too); <see cref="FormatException"/> when it is not one.</summary>
    public static IReadOnlyList<SupplierIncident> ParseIncidents(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            return Array(document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : throw new FormatException("incidents.json is not an object"),
                "incidents").Select((e, i) => Incident(e, $"incidents[{i}]")).ToList();
        }
        catch (JsonException e)
        {
            throw new FormatException($"incidents.json is not JSON: {e.Message.Split(". Path", 2)[0]}", e);
        }
    }

    private static SupplierIncident Incident(JsonElement incident, string path)
    {
        var updates = incident.TryGetProperty("incident_updates", out _)
            ? Array(incident, "incident_updates").Select((u, i) => new SupplierUpdate(
                Text(u, "id", $"{path}.incident_updates[{i}]"), Text(u, "status", $"{path}.incident_updates[{i}]"),
                Shorten(u.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString()! : ""),
                Time(u, "created_at", $"{path}.incident_updates[{i}]") ?? DateTimeOffset.MinValue)).ToList()
            : [];
        var components = incident.TryGetProperty("components", out _)
            ? Array(incident, "components").Select((c, i) => Text(c, "id", $"{path}.components[{i}]")).ToList()
            : [];
        return new SupplierIncident(Text(incident, "id", path), Shorten(Text(incident, "name", path)), Text(incident, "status", path),
            Time(incident, "started_at", path) ?? Time(incident, "created_at", path), updates, components);
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? e : throw new FormatException($"summary.json: {property} holds a non-object"))
            : throw new FormatException($"summary.json is not a Statuspage summary: '{property}' is missing or not a list");

    private static string Text(JsonElement element, string property, string path) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= MaxText } text
            ? text
            : throw new FormatException($"summary.json: {path}.{property} is missing, empty, too long or not text");

    private static DateTimeOffset? Time(JsonElement element, string property, string path) =>
        !element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw new FormatException($"summary.json: {path}.{property} is not a time");

    private static string Shorten(string text) => text.Length <= MaxText ? text : text[..(MaxText - 1)] + "…";
}
