using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImpactMap.Core.Incidents;

/// <summary>How stores keep an incident: one JSON document, and its summary beside it, readable by people who look into the store.</summary>
public static class IncidentJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The incident as JSON.</summary>
    public static string Write(Incident incident) => JsonSerializer.Serialize(incident, Options);

    /// <summary>An incident from its JSON.</summary>
    public static Incident Read(string json) =>
        JsonSerializer.Deserialize<Incident>(json, Options) ?? throw new JsonException("an incident document cannot be null");

    /// <summary>The incident's summary as JSON.</summary>
    public static string WriteSummary(Incident incident) => JsonSerializer.Serialize(IncidentSummary.Of(incident), Options);

    /// <summary>A summary from its JSON.</summary>
    public static IncidentSummary ReadSummary(string json) =>
        JsonSerializer.Deserialize<IncidentSummary>(json, Options) ?? throw new JsonException("an incident summary cannot be null");
}
