using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Prometheus;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// GET /metrics in Prometheus text format: requests by route and status (prometheus-net's HTTP metrics), open
/// incidents per graph, and affected parties by state per open incident, read from the store at each scrape
/// so that every instance reports the same, shared truth.
/// </summary>
internal static class MetricsSetup
{
    private static readonly Gauge OpenIncidents = Metrics.CreateGauge(
        "impactmap_open_incidents", "Incidents not yet closed, per graph.", "graph");

    private static readonly Gauge AffectedParties = Metrics.CreateGauge(
        "impactmap_incident_affected_parties", "Parties affected by an open incident, by state.", "graph", "incident", "state");

    public static void MapImpactMapMetrics(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<IIncidentStore>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            IReadOnlyList<IncidentSummary> open;
            try
            {
                open = await store.ListAsync(null, null, openOnly: true, cancellationToken);
            }
            catch (StoreUnavailableException)
            {
                return;
            }

            foreach (var labels in OpenIncidents.GetAllLabelValues().ToList())
            {
                OpenIncidents.RemoveLabelled(labels);
            }

            foreach (var labels in AffectedParties.GetAllLabelValues().ToList())
            {
                AffectedParties.RemoveLabelled(labels);
            }

            foreach (var graph in open.GroupBy(i => i.Graph))
            {
                OpenIncidents.WithLabels(graph.Key).Set(graph.Count());
            }

            foreach (var incident in open)
            {
                var (down, degraded, atRisk) = incident.Counts;
                AffectedParties.WithLabels(incident.Graph, incident.Id, NodeState.Down.ToWire()).Set(down);
                AffectedParties.WithLabels(incident.Graph, incident.Id, NodeState.Degraded.ToWire()).Set(degraded);
                AffectedParties.WithLabels(incident.Graph, incident.Id, NodeState.AtRisk.ToWire()).Set(atRisk);
            }
        });
        app.MapMetrics("/metrics");
    }
}
