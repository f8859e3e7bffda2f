using ImpactMap.Api.Events;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Incidents;

/// <summary>
/// Opens, updates, reviews and closes incidents: checks requests, lets the incident apply its own rules,
/// stores the result and tells the event feed.
/// </summary>
public sealed class IncidentService(
    GraphCatalog catalog, IIncidentStore store, IEventStore eventStore, IRecordStore records, EventFeed feed, TimeProvider clock, IOptions<ImpactMapOptions> options,
    ILogger<IncidentService> logger) : IGraphFollower
{
    private const int SaveAttempts = 5;
    private const int RecentIncidents = 8;
    private const int PartiesNamedInEvents = 1000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Incident> _recent = new(StringComparer.Ordinal);
    private readonly StripedGates _gates = new();

    /// <summary>
    /// Opens an incident. With <paramref name="request"/> (an Idempotency-Key's request), its id comes from the
    /// request, so a retry whose first try was stored but whose answer was not kept (the instance died in
    /// between) finds that incident instead of opening a second one. A retry across midnight UTC gets another id.
    /// </summary>
    public async Task<Incident> OpenAsync(string graph, OpenIncidentRequest body, string? request, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var title = body.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200)
        {
            problems.Add("title: 1 to 200 characters are required");
        }

        var outages = Outages(body.Outages, problems, required: true)!;
        var expected = ImpactRequests.ParseDuration(body.ExpectedDuration, "expectedDuration", problems);
        var advice = Advice(body.Advice, problems);
        ApiProblem.ThrowIfAny(problems);

        var now = clock.GetUtcNow();
        if (request is null)
        {
            return await CreateAsync(graph, $"{now:yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8]}", title!, body.StartedAt, expected, outages, advice, cancellationToken);
        }

        return await FindOrCreateAsync(graph, $"{now:yyyyMMdd}-{request[^8..]}", title!, body.StartedAt, expected, outages, advice, cancellationToken);
    }

    /// <summary>
    /// Opens the incident a watch keeps for a supplier's outage, under an id the watch chose for it; when that
    /// incident exists already (a poll cut short after opening it, on this instance or another), it is the one.
    /// </summary>
    public async Task<Incident> OpenForWatchAsync(
        string graph, string id, string title, DateTimeOffset? startedAt, IReadOnlyList<IncidentOutage> outages, CancellationToken cancellationToken) =>
        await FindOrCreateAsync(graph, id, title, startedAt, null, outages, null, cancellationToken);

    /// <summary>The incident with this id when there is one (an earlier try opened it), else a new one under it.</summary>
    private async Task<Incident> FindOrCreateAsync(
        string graph, string id, string title, DateTimeOffset? startedAt, TimeSpan? expected, IReadOnlyList<IncidentOutage> outages, string? advice,
        CancellationToken cancellationToken) =>
        await FindAsync(graph, id, cancellationToken) ?? await CreateAsync(graph, id, title, startedAt, expected, outages, advice, cancellationToken);

    /// <summary>
    /// An update a watch carries from a supplier's page; one naming a supplier update the incident already
    /// carries changes nothing, so that a page answering twice or a poll repeated never posts it twice.
    /// </summary>
    public async Task<Incident> UpdateFromWatchAsync(
        string graph, string id, IncidentStatus status, string message, IReadOnlyList<IncidentOutage>? outages, string? source, CancellationToken cancellationToken)
    {
        return await ChangeAsync(graph, id, async (incident, now) =>
        {
            if (incident.Carries(source))
            {
                return incident;
            }

            var impact = await ImpactAfterAsync(incident, status, outages, null, now, cancellationToken);
            return incident.WithUpdate(now, status, message, outages, null, impact, source);
        }, UpdateEvents, cancellationToken);
    }

    private async Task<Incident> CreateAsync(
        string graph, string id, string title, DateTimeOffset? startedAt, TimeSpan? expected, IReadOnlyList<IncidentOutage> outages, string? advice,
        CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var now = clock.GetUtcNow();
        CheckEnds(outages, startedAt ?? now, now);
        var impact = Compute(snapshot, outages, expected, now, cancellationToken);
        var incident = new Incident(
            id, graph, title, IncidentStatus.Investigating, startedAt ?? now, expected, outages, impact, [], null, now, null, 1, Advice: advice)
        {
            ToldUntil = now - (startedAt ?? now),
        };
        await store.CreateAsync(incident, [Event("incident.opened", new
        {
            incident.Id, incident.Title, Status = incident.Status.ToWire(), impact.Total, Counts = Counts(incident), Expected = Expected(incident),
        })], cancellationToken);
        // Kept as opened: the first read of a 100,000-party incident would otherwise fetch from the store what this
        // instance just wrote (on Neo4j about 130 MB at its peak).
        Remember($"{graph}/{id}", incident);
        feed.Stored();
        return incident;
    }

    /// <summary>
    /// An incident as stored now. The last few read are kept, and given again while their revision is the stored
    /// one: reading a large incident's pages must not read all of it back from the store for each page.
    /// </summary>
    public async Task<Incident> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        var key = $"{graph}/{id}";
        var revision = await store.GetRevisionAsync(graph, id, cancellationToken) ?? throw new IncidentNotFoundException(graph, id);
        if (_recent.TryGetValue(key, out var cached) && cached.Revision == revision)
        {
            return cached;
        }

        var incident = await store.GetAsync(graph, id, cancellationToken) ?? throw new IncidentNotFoundException(graph, id);
        Remember(key, incident);
        return incident;
    }

    /// <summary>An incident as stored now, or null when there is none.</summary>
    public async Task<Incident?> FindAsync(string graph, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(graph, id, cancellationToken);
        }
        catch (IncidentNotFoundException)
        {
            return null;
        }
    }

    private void Remember(string key, Incident incident)
    {
        if (_recent.Count >= RecentIncidents && !_recent.ContainsKey(key))
        {
            // Small and bounded: forgetting all is simpler than tracking which is oldest, and costs one reload each.
            _recent.Clear();
        }

        _recent[key] = incident;
    }

    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(string graph, string? status, CancellationToken cancellationToken)
    {
        IncidentStatus? filter = null;
        if (status is not null)
        {
            filter = IncidentStatuses.TryParse(status, out var parsed)
                ? parsed
                : throw ApiProblem.BadRequest($"status must be investigating, identified, monitoring, resolved or closed, not '{GraphValidator.Shorten(status)}'.");
        }

        await catalog.GetAsync(graph, cancellationToken);
        return await store.ListAsync(graph, filter, openOnly: false, cancellationToken);
    }

    /// <summary>
    /// An update; one sent with an Idempotency-Key (<paramref name="request"/>) that the incident already carries
    /// changes nothing, so that a retry after a crash never posts it twice.
    /// </summary>
    public async Task<Incident> UpdateAsync(string graph, string id, IncidentUpdateRequest body, string? request, CancellationToken cancellationToken)
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
        var expected = ImpactRequests.ParseDuration(body.ExpectedDuration, "expectedDuration", problems);
        var advice = Advice(body.Advice, problems);
        ApiProblem.ThrowIfAny(problems);

        return await ChangeAsync(graph, id, async (incident, now) =>
        {
            if (incident.Carries(request))
            {
                return incident;
            }

            CheckEnds(outages, incident.StartedAt, now);
            var impact = await ImpactAfterAsync(incident, status, outages, expected, now, cancellationToken);

            return incident.WithUpdate(now, status, message!, outages, expected, impact, request) with { Advice = advice ?? incident.Advice };
        }, UpdateEvents, cancellationToken);
    }

    /// <summary>What an update tells the feed: the update, and the change of impact when it made one.</summary>
    private IReadOnlyList<NewEvent> UpdateEvents(Incident updated)
    {
        var update = updated.LatestUpdate!;
        var events = new List<NewEvent>
        {
            Event("incident.updated", new { updated.Id, Status = update.Status.ToWire(), update.Message, updated.Impact.Total, Counts = Counts(updated), Expected = Expected(updated) }),
        };
        if (update.Change is { } change)
        {
            events.Add(Event("incident.impact-changed", new
            {
                updated.Id, updated.Impact.Total, Counts = Counts(updated), Expected = Expected(updated), Spared = updated.Impact.Spared?.Select(p => p.Id).ToList(),
                change.BecameAffected, change.Recovered, change.Worsened, change.Improved,
            }));
        }

        return events;
    }

    private static NewEvent Event(string type, object payload) => NewEvent.Of(type, payload);

    /// <summary>
    /// What events tell of an incident's impact, as the API does: the parties hit at the event (counts) and, while the
    /// clock runs, those expected if nothing is restored (<see cref="Expected"/>).
    /// </summary>
    private ImpactCounts Counts(Incident incident) => ImpactCounts.Of(incident.HitCounts(clock.GetUtcNow()));

    private static ImpactCounts? Expected(Incident incident) => incident.ExpectedCounts is { } expected ? ImpactCounts.Of(expected) : null;

    public async Task<Incident> ReviewAsync(string graph, string id, ReviewRequest body, string author, CancellationToken cancellationToken)
    {
        var prevention = body.Prevention?.Select(p => (p?.Action, p?.Owner, p?.Due)).ToList();
        var problems = ReviewPolicy.Check(body.WhatHappened, body.WhatWeLearned, prevention, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (problems.Count > 0)
        {
            throw new ApiProblem(StatusCodes.Status422UnprocessableEntity, "Review refused",
                "The review cannot be accepted: " + string.Join("; ", problems.Select(p => p.ToString())),
                new Dictionary<string, object?> { ["problems"] = problems.Select(p => new { p.Path, p.Message }).ToList() });
        }

        return await ChangeAsync(graph, id, (incident, now) => Task.FromResult(incident.WithReview(
            new IncidentReview(body.WhatHappened!.Trim(), body.WhatWeLearned!.Trim(),
                body.Prevention!.Select(p => new PreventionAction(p.Action!.Trim(), p.Owner!.Trim(), DateOnly.Parse(p.Due!, System.Globalization.CultureInfo.InvariantCulture))).ToList(),
                now, author))),
            reviewed => [Event("incident.reviewed", new { reviewed.Id, reviewed.Impact.Total, Counts = Counts(reviewed) })], cancellationToken);
    }

    /// <summary>
    /// Tells the feed (and so webhooks) of the parties whose time came since it was last told of the incident:
    /// <c>incident.parties-hit</c> with them and the counts. Revision-checked, so of several instances one tells.
    /// </summary>
    public async Task TellHitsAsync(string graph, string id, CancellationToken cancellationToken)
    {
        IReadOnlyList<AffectedParty> newlyHit = [];
        await ChangeAsync(graph, id, (incident, now) =>
        {
            (var told, newlyHit) = incident.TellHits(now);
            return Task.FromResult(told);
        }, told => [Event("incident.parties-hit", new
        {
            told.Id, told.Impact.Total, Counts = Counts(told), Expected = Expected(told),
            Hit = newlyHit.Take(PartiesNamedInEvents).Select(p => p.Id).ToList(), HitTotal = newlyHit.Count,
            NextHitAt = told.Impact.NextHitAfter(told.ToldUntil!.Value) is { } next ? told.StartedAt + next : (DateTimeOffset?)null,
        })], cancellationToken);
    }

    public async Task<Incident> CloseAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var current = await GetAsync(graph, id, cancellationToken);
        if (current.Status == IncidentStatus.Closed)
        {
            return current;
        }

        return await ChangeAsync(graph, id, (incident, now) => Task.FromResult(incident.Close(now)),
            closed => [Event("incident.closed", new { closed.Id, closed.Review!.WhatHappened, closed.Impact.Total, Counts = Counts(closed) })],
            cancellationToken);
    }

    /// <summary>
    /// The graph changed: each open incident's impact is recomputed on it, and where that changes who is
    /// affected or how badly, an update records the change (and its events), as an update with outages does.
    /// </summary>
    public async Task GraphChangedAsync(GraphSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        try
        {
            // A resolved incident's outages have ended: its impact is the record of what happened, not recomputed.
            foreach (var open in (await store.ListOpenAsync(snapshot.Name, cancellationToken)).Where(i => i.Status != IncidentStatus.Resolved))
            {
                await ChangeAsync(snapshot.Name, open.Id, (incident, now) =>
                {
                    // Outages of nodes the change removed no longer fail anything.
                    var outages = incident.Outages.Where(o => snapshot.Graph.FindNode(o.Node) is not null).ToList();
                    var impact = Compute(snapshot, outages, incident.ExpectedDuration, now, cancellationToken);
                    return Task.FromResult(ImpactChange.Between(incident.Impact, impact).IsEmpty
                        ? incident
                        : incident.WithUpdate(now, incident.Status,
                            $"The dependency graph changed (version {snapshot.Version}); the impact was computed again on it.", null, null, impact));
                }, UpdateEvents, cancellationToken);
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or VersionConflictException)
        {
            logger.LogWarning("Open incidents of graph {Graph} were not recomputed for version {Version}: {Reason}", snapshot.Name, snapshot.Version, e.Message);
        }
    }

    /// <summary>
    /// Before a graph is deleted: with <paramref name="force"/>, closes its open incidents without a review,
    /// recording <paramref name="reason"/>; without, refuses when any is open.
    /// </summary>
    public async Task AbandonOpenAsync(string graph, bool force, string reason, CancellationToken cancellationToken)
    {
        var open = await store.ListOpenAsync(graph, cancellationToken);
        if (open.Count > 0 && !force)
        {
            throw new GraphHasOpenIncidentsException(graph, open.Select(i => i.Id).ToList());
        }

        foreach (var incident in open)
        {
            await ChangeAsync(graph, incident.Id, (current, now) => Task.FromResult(current.Abandon(now, reason)),
                closed => [Event("incident.closed", new { closed.Id, Reason = reason, closed.Impact.Total, Counts = Counts(closed) })],
                cancellationToken);
        }
    }

    /// <summary>
    /// A deleted graph's incidents, its events up to <paramref name="upToEventId"/> (all when null), its status page,
    /// watches and webhooks go with it, so that a new graph of the same name starts clean.
    /// </summary>
    public async Task ForgetGraphAsync(string graph, long? upToEventId, CancellationToken cancellationToken)
    {
        await store.DeleteAllAsync(graph, cancellationToken);
        await eventStore.DeleteAllAsync(graph, upToEventId, cancellationToken);
        await records.DeleteAllAsync(graph, cancellationToken);
    }

    /// <summary>
    /// Applies a change the incident makes of itself, one at a time here and revision-checked in the store, with
    /// the events it causes stored in the same transaction.
    /// </summary>
    private async Task<Incident> ChangeAsync(
        string graph, string id, Func<Incident, DateTimeOffset, Task<Incident>> change, Func<Incident, IReadOnlyList<NewEvent>> eventsOf,
        CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync($"{graph}/{id}", cancellationToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                var incident = await GetAsync(graph, id, cancellationToken);
                var changed = await change(incident, clock.GetUtcNow());
                if (ReferenceEquals(changed, incident))
                {
                    return incident;
                }

                try
                {
                    await store.SaveAsync(changed, incident.Revision, eventsOf(changed), !ReferenceEquals(changed.Impact, incident.Impact), cancellationToken);
                    Remember($"{graph}/{id}", changed);
                    feed.Stored();
                    return changed;
                }
                catch (VersionConflictException) when (attempt < SaveAttempts)
                {
                    // Another instance changed it first: apply this change to what it left.
                }
            }
        }
    }

    /// <summary>
    /// The impact an update leaves the incident with, or null when it keeps the one it has. Resolution ends the clock:
    /// the impact is then what the outages did in the time they lasted, and who was not yet reached is spared (and
    /// told nothing); an update after resolution that reopens it starts the clock again.
    /// </summary>
    private async Task<IncidentImpact?> ImpactAfterAsync(
        Incident incident, IncidentStatus status, IReadOnlyList<IncidentOutage>? outages, TimeSpan? expected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var resolving = status == IncidentStatus.Resolved && incident.Status != IncidentStatus.Resolved;
        var reopening = status != IncidentStatus.Resolved && incident.Status == IncidentStatus.Resolved;
        if (!resolving && !reopening && outages is null && expected is null)
        {
            return null;
        }

        var snapshot = await catalog.GetAsync(incident.Graph, cancellationToken);
        if (status != IncidentStatus.Resolved)
        {
            return Compute(snapshot, outages ?? incident.Outages, expected ?? incident.ExpectedDuration, now, cancellationToken);
        }

        // Resolved already, and the outages corrected: they still ended when it was resolved.
        var endedAt = resolving ? now : incident.Updates.Last(u => u.Status == IncidentStatus.Resolved).At;
        return IncidentImpacts.Final(snapshot.Engine, snapshot.Version, outages ?? incident.Outages, incident.StartedAt, endedAt, now,
            options.Value.MaxLimit, cancellationToken);
    }

    /// <summary>The impact of the outages still failing: those that came back are recovered, until the resolution adds up what each did.</summary>
    private IncidentImpact Compute(GraphSnapshot snapshot, IReadOnlyList<IncidentOutage> outages, TimeSpan? expected, DateTimeOffset now, CancellationToken cancellationToken) =>
        IncidentImpacts.Current(snapshot.Engine, snapshot.Version, outages, expected, now, options.Value.MaxLimit, cancellationToken);

    private static string? Advice(string? text, List<string> problems)
    {
        var advice = text?.Trim();
        if (advice is not null && (advice.Length == 0 || advice.Length > 2000))
        {
            problems.Add("advice: 1 to 2,000 characters when given");
        }

        return advice;
    }

    private static List<IncidentOutage>? Outages(IReadOnlyList<OutageRequest>? requested, List<string> problems, bool required)
    {
        if (requested is null && !required)
        {
            return null;
        }

        // The parser leaves out entries without a node (and names them as problems): the ends go with those it keeps.
        var ends = (requested ?? []).Where(r => r?.Node is not null).Select(r => r.EndedAt).ToList();
        return ImpactRequests.ParseOutages(requested, problems, endings: true).Select((o, i) => new IncidentOutage(o.Node, o.State, ends[i])).ToList();
    }

    /// <summary>An outage ends between the incident's start and now: 400 naming each that does not.</summary>
    private static void CheckEnds(IReadOnlyList<IncidentOutage>? outages, DateTimeOffset startedAt, DateTimeOffset now)
    {
        var problems = new List<string>();
        for (var i = 0; i < (outages?.Count ?? 0); i++)
        {
            if (outages![i].EndedAt is { } ended && (ended < startedAt || ended > now))
            {
                problems.Add($"outages[{i}].endedAt: {ended:O} must lie between the incident's start ({startedAt:O}) and now");
            }
        }

        ApiProblem.ThrowIfAny(problems);
    }
}
