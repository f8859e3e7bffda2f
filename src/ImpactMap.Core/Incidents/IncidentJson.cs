using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImpactMap.Core.Incidents;

/// <summary>How stores keep an incident: one JSON document, readable by people who look into the store.</summary>
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
}
