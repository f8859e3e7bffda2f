using ImpactMap.Api.Events;
using ImpactMap.Api.Graphs;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Incidents;

/// <summary>Opens, updates, reviews and closes incidents: checks the rules, stores the result, tells the event feed.</summary>
public sealed class IncidentService(
    GraphCatalog catalog, IIncidentStore store, EventFeed events, TimeProvider clock, IOptions<ImpactMapOptions> options)
{
    private const int SaveAttempts = 5;
    private readonly StripedGates _gates = new();

    public async Task<Incident> OpenAsync(string graph, OpenIncidentRequest body, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var title = body.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200)
        {
            problems.Add("title: 1 to 200 characters are required");
        }

        var outages = Outages(body.Outages, problems, required: true)!;
        var expected = Duration(body.ExpectedDuration, problems);
        if (problems.Count > 0)
        {
            throw ApiProblem.BadRequest(string.Join("; ", problems), problems);
        }

        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var now = clock.GetUtcNow();
        var impact = Compute(snapshot, outages, expected, now, cancellationToken);
        var incident = new Incident(
            $"{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8]}", graph, title!, IncidentStatus.Investigating,
            body.StartedAt ?? now, expected, outages, impact, [], null, now, null, 1);
        await store.CreateAsync(incident, cancellationToken);
        await events.PublishAsync(graph, "incident.opened", new
        {
            incident.Id, incident.Title, Status = incident.Status.ToWire(), impact.Total,
            Counts = new ImpactCounts(impact.Counts.Down, impact.Counts.Degraded, impact.Counts.AtRisk),
        }, cancellationToken);
        return incident;
    }

    public async Task<Incident> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        return await store.GetIncidentAsync(graph, id, cancellationToken)
               ?? throw new ApiProblem(StatusCodes.Status404NotFound, "Incident not found", $"Graph '{graph}' has no incident '{id}'.");
    }

    public async Task<IReadOnlyList<Incident>> ListAsync(string graph, string? status, CancellationToken cancellationToken)
    {
        IncidentStatus? filter = null;
        if (status is not null)
        {
            filter = IncidentStatuses.TryParse(status, out var parsed)
                ? parsed
                : throw ApiProblem.BadRequest($"status must be investigating, identified, monitoring, resolved or closed, not '{GraphValidator.Shorten(status)}'.");
        }

        await catalog.GetAsync(graph, cancellationToken);
        return await store.ListIncidentsAsync(graph, filter, cancellationToken);
    }

    public async Task<Incident> UpdateAsync(string graph, string id, IncidentUpdateRequest body, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!IncidentStatuses.TryParse(body.Status, out var status) || status == IncidentStatus.Closed)
        {
            problems.Add($"status: must be investigating, identified, monitoring or resolved, not '{GraphValidator.Shorten(body.Status)}' (close with POST …/close)");
        }

        var message = body.Message?.Trim();
        if (string.IsNullOrEmpty(message) || message.Length > 10_000)
        {
            problems.Add("message: 1 to 10,000 characters are required");
        }

        var outages = Outages(body.Outages, problems, required: false);
        var expected = Duration(body.ExpectedDuration, problems);
        if (problems.Count > 0)
        {
            throw ApiProblem.BadRequest(string.Join("; ", problems), problems);
        }

        ImpactChange? change = null;
        var updated = await ChangeAsync(graph, id, async (incident, now) =>
        {
            var impact = incident.Impact;
            change = null;
            if (outages is not null || expected is not null)
            {
                var snapshot = await catalog.GetAsync(graph, cancellationToken);
                impact = Compute(snapshot, outages ?? incident.Outages, expected ?? incident.ExpectedDuration, now, cancellationToken);
                change = ImpactChange.Between(incident.Impact, impact);
            }

            var update = new IncidentUpdate(incident.Updates.Count + 1, now, status, message!, outages, change);
            return incident with
            {
                Status = status,
                Outages = outages ?? incident.Outages,
                ExpectedDuration = expected ?? incident.ExpectedDuration,
                Impact = impact,
                Updates = [.. incident.Updates, update],
            };
        }, cancellationToken);

        await events.PublishAsync(graph, "incident.updated", new { updated.Id, Status = status.ToWire(), Message = message }, cancellationToken);
        if (change is not null)
        {
            await events.PublishAsync(graph, "incident.impact-changed", new
            {
                updated.Id, updated.Impact.Total, change.BecameAffected, change.Recovered, change.Worsened, change.Improved,
            }, cancellationToken);
        }

        return updated;
    }

    public async Task<Incident> ReviewAsync(string graph, string id, ReviewRequest body, CancellationToken cancellationToken)
    {
        var prevention = body.Prevention?.Select(p => (p?.Action, p?.Owner, p?.Due)).ToList();
        var problems = ReviewPolicy.Check(body.WhatHappened, body.WhatWeLearned, prevention);
        if (problems.Count > 0)
        {
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Review refused",
                "The review cannot be accepted: " + string.Join("; ", problems.Select(p => p.ToString())),
                new Dictionary<string, object?> { ["problems"] = problems.Select(p => new { p.Path, p.Message }).ToList() });
        }

        var reviewed = await ChangeAsync(graph, id, (incident, now) => Task.FromResult(incident with
        {
            Review = new IncidentReview(body.WhatHappened!.Trim(), body.WhatWeLearned!.Trim(),
                body.Prevention!.Select(p => new PreventionAction(p.Action!.Trim(), p.Owner!.Trim(), DateOnly.Parse(p.Due!, System.Globalization.CultureInfo.InvariantCulture))).ToList(),
                now),
        }), cancellationToken);
        await events.PublishAsync(graph, "incident.reviewed", new { reviewed.Id }, cancellationToken);
        return reviewed;
    }

    public async Task<Incident> CloseAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(graph, id, cancellationToken);
        if (current.Status == IncidentStatus.Closed)
        {
            return current;
        }

        var closed = await ChangeAsync(graph, id, (incident, now) => incident.Review is null
            ? throw ApiProblem.Conflict($"Incident '{id}' has no accepted review yet: PUT …/review with what happened, what was learned and how it will not happen again.")
            : Task.FromResult(incident with { Status = IncidentStatus.Closed, ClosedAt = now }), cancellationToken);
        await events.PublishAsync(graph, "incident.closed", new { closed.Id, closed.Review!.WhatHappened }, cancellationToken);
        return closed;
    }

    /// <summary>Applies a change to an open incident, one at a time here and revision-checked in the store.</summary>
    private async Task<Incident> ChangeAsync(
        string graph, string id, Func<Incident, DateTimeOffset, Task<Incident>> change, CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync($"{graph}/{id}", cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var incident = await GetAsync(graph, id, cancellationToken);
                if (incident.Status == IncidentStatus.Closed)
                {
                    throw ApiProblem.Conflict($"Incident '{id}' is closed; open a new incident for a new outage.");
                }

                var changed = await change(incident, clock.GetUtcNow()) with { Revision = incident.Revision + 1 };
                try
                {
                    await store.SaveAsync(changed, incident.Revision, cancellationToken);
                    return changed;
                }
                catch (VersionConflictException) when (attempt < SaveAttempts)
                {
                    // Another instance changed it first: apply this change to what it left.
                }
            }
        }
    }

    private IncidentImpact Compute(GraphSnapshot snapshot, IReadOnlyList<IncidentOutage> outages, TimeSpan? expected, DateTimeOffset now, CancellationToken cancellationToken) =>
        IncidentImpacts.Compute(snapshot.Engine, snapshot.Version, outages, expected, now, options.Value.MaxLimit, cancellationToken);

    private static List<IncidentOutage>? Outages(IReadOnlyList<OutageRequest>? requested, List<string> problems, bool required) =>
        requested is null && !required
            ? null
            : ImpactEndpoints.ParseOutages(requested, problems).Select(o => new IncidentOutage(o.Node, o.State)).ToList();

    private static TimeSpan? Duration(string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        problems.Add($"expectedDuration: '{GraphValidator.Shorten(text)}' is not a positive ISO-8601 duration such as PT2H");
        return null;
    }
}
