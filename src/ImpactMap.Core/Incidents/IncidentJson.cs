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

    /// <summary>
    /// The incident without its parties (its impact's counts stay), to be kept beside <see cref="WriteImpact"/>: an
    /// update that leaves the impact as it was then writes a few kilobytes, not a 100,000-party impact again.
    /// </summary>
    public static string WriteWithoutParties(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var impact = incident.Impact;
        var (down, degraded, atRisk) = impact.Counts;
        return Write(incident with { Impact = impact with { Affected = [], Origins = [], Chains = null, Timeline = null, AllCounts = new(down, degraded, atRisk) } });
    }

    /// <summary>The incident's impact as JSON, parties and all.</summary>
    public static string WriteImpact(IncidentImpact impact) => JsonSerializer.Serialize(impact, Options);

    /// <summary>
    /// An incident from its document and its impact kept apart (<see cref="WriteWithoutParties"/>); without the impact,
    /// a document written whole, as incidents were stored before.
    /// </summary>
    public static Incident Read(string document, string? impact) =>
        impact is null
            ? Read(document)
            : Read(document) with { Impact = JsonSerializer.Deserialize<IncidentImpact>(impact, Options) ?? throw new JsonException("an incident impact cannot be null") };

    /// <summary>The incident's summary as JSON.</summary>
    public static string WriteSummary(Incident incident) => JsonSerializer.Serialize(IncidentSummary.Of(incident), Options);

    /// <summary>A summary from its JSON.</summary>
    public static IncidentSummary ReadSummary(string json) =>
        JsonSerializer.Deserialize<IncidentSummary>(json, Options) ?? throw new JsonException("an incident summary cannot be null");
}
