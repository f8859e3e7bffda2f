using ImpactMap.Api.Hosting;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Status;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Status;

/// <summary>What one graph's status page shows now: its settings, its components' states and the incidents that reach them.</summary>
public sealed record StatusPageView(
    string Graph, StatusPageSettings Settings, IReadOnlyList<ComponentState> Components, IReadOnlyList<Incident> Unresolved,
    Func<CancellationToken, Task<IReadOnlyList<Incident>>> RecentAsync, DateTimeOffset At)
{
    /// <summary>The maintenance windows that reach a published component, not cancelled, the latest to start first.</summary>
    public IReadOnlyList<PageMaintenance> Maintenances { get; init; } = [];
}

/// <summary>A maintenance window a status page shows, and the nodes it reaches (origins and affected) for its length.</summary>
public sealed record PageMaintenance(Core.Maintenance.MaintenanceWindow Window, IReadOnlyList<string> Reached);

/// <summary>Keeps each graph's status page settings (a record in the store) and reads what the page shows.</summary>
public sealed class StatusPageService(
    GraphCatalog catalog, IRecordStore records, IIncidentStore incidents, Maintenance.MaintenanceService maintenances, TimeProvider clock)
{
    private const string Collection = "status-page", RecordId = "page";
    private const int MaxComponents = 1000;

    /// <summary>The most incidents incidents.json and the feed list.</summary>
    public const int RecentIncidents = 50;

    /// <summary>How many of the newest incidents are looked at for those: a graph's long history is not read at every poll.</summary>
    public const int RecentIncidentsExamined = 4 * RecentIncidents;


    /// <summary>The graph's settings, or null when it publishes no page; 404 for an unknown graph.</summary>
    public async Task<StatusPageSettings?> FindAsync(string graph, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return await records.GetAsync(graph, Collection, RecordId, cancellationToken) is { } record
            ? StoredJson.Read<StatusPageSettings>(record)
            : null;
    }

    /// <summary>Whether anyone may read the graph's page without a key; false when there is no page or no graph.</summary>
    public async Task<bool> IsPublicAsync(string graph, CancellationToken cancellationToken) =>
        await records.GetAsync(graph, Collection, RecordId, cancellationToken) is { } record
        && StoredJson.Read<StatusPageSettings>(record).Public;

    public async Task<StatusPageSettings> PutAsync(string graph, StatusPageRequest body, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var problems = new List<string>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            problems.Add("name: 1 to 200 characters are required");
        }

        if ((body.Components is null) == (body.Kind is null))
        {
            problems.Add("components: give either components (node ids) or kind, not both and not neither");
        }
        else if (body.Components is { } components)
        {
            if (components.Count is 0 or > MaxComponents)
            {
                problems.Add($"components: 1 to {MaxComponents:N0} node ids");
            }

            foreach (var (id, index) in components.Select((id, i) => (id, i)).Take(MaxComponents))
            {
                if (id is null || snapshot.Graph.FindNode(id) is null)
                {
                    problems.Add($"components[{index}]: unknown node '{GraphValidator.Shorten(id)}'");
                }
            }

            if (components.Distinct(StringComparer.Ordinal).Count() != components.Count)
            {
                problems.Add("components: a node is named twice");
            }
        }
        else if (!Identifier.IsValidKind(body.Kind))
        {
            problems.Add($"kind: '{GraphValidator.Shorten(body.Kind)}' is not a kind");
        }

        ApiProblem.ThrowIfAny(problems);
        var settings = new StatusPageSettings(name!, body.Components, body.Kind, body.Public ?? false) { UpdatedAt = clock.GetUtcNow() };
        await records.PutAsync(graph, Collection, RecordId, StoredJson.Write(settings), null, cancellationToken);
        return settings;
    }

    /// <summary>The graph's page settings, or null when it publishes none; 404 for a graph that does not exist.</summary>
    public async Task<StatusPageSettings?> FindPublishedAsync(string graph, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return await FindAsync(graph, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string graph, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return await records.DeleteAsync(graph, Collection, RecordId, cancellationToken);
    }

    /// <summary>The page as it stands; 404 when the graph publishes none.</summary>
    public async Task<StatusPageView> ViewAsync(string graph, CancellationToken cancellationToken)
    {
        var settings = await FindAsync(graph, cancellationToken)
                       ?? throw new ApiProblem(StatusCodes.Status404NotFound, "Not found", $"Graph '{graph}' publishes no status page: PUT /v1/graphs/{graph}/status-page first.");
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var unresolved = (await incidents.ListOpenAsync(graph, cancellationToken)).Where(StatusPage.IsUnresolved).ToList();
        var now = clock.GetUtcNow();
        var components = StatusPage.Components(snapshot.Graph, settings, unresolved, now);
        var published = components.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        bool Reaches(Incident i) => StatusPage.Touched(i, published, now).Count > 0;
        return new StatusPageView(graph, settings, components, unresolved.Where(Reaches).ToList(), async token =>
        {
            // Read one at a time from the summaries, newest first, so only the incidents shown are held whole.
            var recent = new List<Incident>();
            foreach (var summary in (await incidents.ListAsync(graph, null, openOnly: false, token)).Take(RecentIncidentsExamined))
            {
                if (await incidents.GetAsync(graph, summary.Id, token) is { } incident && Reaches(incident))
                {
                    recent.Add(incident);
                    if (recent.Count == RecentIncidents)
                    {
                        break;
                    }
                }
            }

            return recent;
        }, now)
        {
            Maintenances = (await maintenances.ReachingAsync(graph, published, MaintenancesShown, cancellationToken))
                .Select(w => new PageMaintenance(w.Window, w.Reached)).ToList(),
        };
    }

    /// <summary>How many maintenance windows a page shows at most: Statuspage's 50.</summary>
    public const int MaintenancesShown = 50;
}
