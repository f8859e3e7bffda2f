using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using ImpactMap.Core.Watches;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Watches;

/// <summary>A watch as stored: its settings in wire form, and the key that keeps a re-created watch's incidents apart from an earlier one's.</summary>
internal sealed record StoredWatch(string Url, string Interval, IReadOnlyList<WatchedComponent> Components, IReadOnlyDictionary<string, string> States, string Key)
{
    public WatchSettings Settings => new(Url, Durations.TryParse(Interval, out var interval) ? interval : TimeSpan.FromMinutes(1), Components,
        States.ToDictionary(p => p.Key, p => NodeStates.TryParse(p.Value, out var state) ? state : NodeState.Up, StringComparer.Ordinal));
}

/// <summary>Keeps watches (settings in one record, how they are doing in another, written by the poller) and checks what is asked of them.</summary>
public sealed class WatchService(GraphCatalog catalog, IRecordStore records, TimeProvider clock, IOptions<ImpactMapOptions> options)
{
    internal const string Collection = "watches", StateCollection = "watch-state";
    private const int MaxComponents = 100, MaxWatches = 1000;

    public async Task<(WatchResponse Watch, bool Created)> PutAsync(string graph, string id, WatchRequest body, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var watches = options.Value.Watches;
        var problems = new List<string>();
        if (!Identifier.IsValid(id))
        {
            problems.Add($"watch: the id must be {Identifier.Rule}");
        }

        if (OutboundTargets.ProblemOf(body.Url, watches.AllowPrivateTargets) is { } urlProblem)
        {
            problems.Add($"url: {urlProblem}");
        }

        var interval = ImpactRequests.ParseDuration(body.Interval ?? "PT1M", "interval", problems);
        if (interval < watches.MinInterval)
        {
            problems.Add($"interval: at least {Durations.Format(watches.MinInterval)} (ImpactMap:Watches:MinInterval); a supplier's page is not polled more often");
        }

        if (body.Components is not { Count: > 0 and <= MaxComponents })
        {
            problems.Add($"components: 1 to {MaxComponents} of {{component, node}}");
        }

        foreach (var (component, index) in (body.Components ?? []).Select((c, i) => (c, i)).Take(MaxComponents))
        {
            if (component?.Component is not { Length: > 0 and <= 200 })
            {
                problems.Add($"components[{index}].component: the supplier's component id or exact name, 1 to 200 characters");
            }

            if (component?.Node is null || snapshot.Graph.FindNode(component.Node) is null)
            {
                problems.Add($"components[{index}].node: unknown node '{GraphValidator.Shorten(component?.Node)}'");
            }
        }

        foreach (var (status, state) in body.States ?? new Dictionary<string, string>())
        {
            if (status.Length is 0 or > 100 || !NodeStates.TryParse(state, out _))
            {
                problems.Add($"states.{GraphValidator.Shorten(status)}: must map a status to up, at-risk, degraded or down, not '{GraphValidator.Shorten(state)}'");
            }
        }

        ApiProblem.ThrowIfAny(problems);
        var existing = await records.GetAsync(graph, Collection, id, cancellationToken);
        if (existing is null && (await records.ListAsync(graph, Collection, "", MaxWatches, cancellationToken)).Count >= MaxWatches)
        {
            throw ApiProblem.Conflict($"Graph '{graph}' has {MaxWatches:N0} watches, the most it may have.");
        }

        var key = existing is null ? Guid.NewGuid().ToString("N")[..6] : Read(existing).Key;
        var stored = new StoredWatch(body.Url!.TrimEnd('/'), Durations.Format(interval!.Value),
            body.Components!.Select(c => new WatchedComponent(c.Component!, c.Node!)).ToList(),
            new Dictionary<string, string>(body.States ?? new Dictionary<string, string>(), StringComparer.Ordinal), key);
        await records.PutAsync(graph, Collection, id, StoredJson.Write(stored), existing?.Revision ?? 0, cancellationToken);
        if (existing is null)
        {
            await records.PutAsync(graph, StateCollection, id, StoredJson.Write(WatchState.New(clock.GetUtcNow())), null, cancellationToken);
        }
        else
        {
            // New settings are polled at once rather than after the old interval.
            await ChangeStateAsync(graph, id, s => s with { NextPollAt = clock.GetUtcNow(), ETag = null, LastModified = null }, cancellationToken);
        }

        return (await GetAsync(graph, id, cancellationToken), existing is null);
    }

    public async Task<WatchResponse> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        var record = await records.GetAsync(graph, Collection, id, cancellationToken) ?? throw NotFound(graph, id);
        var state = await records.GetAsync(graph, StateCollection, id, cancellationToken);
        return Response(record, state);
    }

    public async Task<IReadOnlyList<WatchResponse>> ListAsync(string graph, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        var states = (await records.ListAsync(graph, StateCollection, "", MaxWatches, cancellationToken)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        return (await records.ListAsync(graph, Collection, "", MaxWatches, cancellationToken))
            .Select(r => Response(r, states.GetValueOrDefault(r.Id))).ToList();
    }

    public async Task DeleteAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        if (!await records.DeleteAsync(graph, Collection, id, cancellationToken))
        {
            throw NotFound(graph, id);
        }

        await records.DeleteAsync(graph, StateCollection, id, cancellationToken);
    }

    /// <summary>Changes a watch's state under its revision; false when another writer came first or the watch is gone.</summary>
    internal async Task<bool> ChangeStateAsync(string graph, string id, Func<WatchState, WatchState> change, CancellationToken cancellationToken)
    {
        var record = await records.GetAsync(graph, StateCollection, id, cancellationToken);
        if (record is null)
        {
            return false;
        }

        try
        {
            await records.PutAsync(graph, StateCollection, id, StoredJson.Write(change(ReadState(record))), record.Revision, cancellationToken);
            return true;
        }
        catch (VersionConflictException)
        {
            return false;
        }
    }

    internal static StoredWatch Read(StoredRecord record) => StoredJson.Read<StoredWatch>(record);

    internal static WatchState ReadState(StoredRecord record) => StoredJson.Read<WatchState>(record);

    private WatchResponse Response(StoredRecord record, StoredRecord? stateRecord)
    {
        var watch = Read(record);
        var state = stateRecord is null ? WatchState.New(clock.GetUtcNow()) : ReadState(stateRecord);
        var status = state.IsStale ? "stale" : state.ConsecutiveFailures > 0 ? "unhealthy" : state.LastSuccess is null ? "pending" : "healthy";
        return new WatchResponse(record.Graph, record.Id, watch.Url, watch.Interval,
            watch.Components.Select(c => new WatchComponentRequest(c.Component, c.Node)).ToList(), watch.States,
            new WatchHealthResponse(status, state.LastPoll, state.LastSuccess, state.ConsecutiveFailures, state.IsStale, state.Problem, state.NextPollAt, state.PageName),
            state.Incident);
    }

    private static ApiProblem NotFound(string graph, string id) =>
        new(StatusCodes.Status404NotFound, "Not found", $"Graph '{graph}' has no watch '{GraphValidator.Shorten(id)}'.");
}
