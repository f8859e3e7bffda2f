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
        "impactmap_incident_affected_parties", "Parties an open incident has hit by now, by state.", "graph", "incident", "state");

    private static readonly Gauge ExpectedParties = Metrics.CreateGauge(
        "impactmap_incident_expected_parties", "Parties an open incident will have hit by its expected end if nothing is restored, by state.", "graph", "incident", "state");

    public static void MapImpactMapMetrics(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<IIncidentStore>();
        var clock = app.Services.GetRequiredService<TimeProvider>();
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

            foreach (var gauge in new[] { AffectedParties, ExpectedParties })
            {
                foreach (var labels in gauge.GetAllLabelValues().ToList())
                {
                    gauge.RemoveLabelled(labels);
                }
            }

            foreach (var graph in open.GroupBy(i => i.Graph))
            {
                OpenIncidents.WithLabels(graph.Key).Set(graph.Count());
            }

            var now = clock.GetUtcNow();
            foreach (var incident in open)
            {
                Set(AffectedParties, incident, incident.HitCounts(now));
                if (incident.Status != IncidentStatus.Resolved)
                {
                    Set(ExpectedParties, incident, incident.Counts);
                }
            }
        });
        app.MapMetrics("/metrics");
    }

    private static void Set(Gauge gauge, IncidentSummary incident, Core.Engine.StateCounts counts)
    {
        gauge.WithLabels(incident.Graph, incident.Id, NodeState.Down.ToWire()).Set(counts.Down);
        gauge.WithLabels(incident.Graph, incident.Id, NodeState.Degraded.ToWire()).Set(counts.Degraded);
        gauge.WithLabels(incident.Graph, incident.Id, NodeState.AtRisk.ToWire()).Set(counts.AtRisk);
    }
}
