using System.Text.RegularExpressions;
using ImpactMap.Api.Events;
using ImpactMap.Api.Hosting;
using ImpactMap.Api.Impact;
using ImpactMap.Api.Incidents;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Incidents;
using ImpactMap.Core.Maintenance;
using ImpactMap.Core.Model;
using ImpactMap.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Maintenance;

/// <summary>A window as shown: the window, its impact for its length, its conflicts, and how many its length spares.</summary>
public sealed record MaintenanceView(MaintenanceWindow Window, IncidentImpact Impact, int SparedByLength, IReadOnlyList<MaintenanceConflict> Conflicts);

/// <summary>
/// Keeps a graph's maintenance windows (records in the store, so every instance shares them and they outlive
/// restarts), works out each one's impact and conflicts against the graph as it is now, and tells the feed.
/// </summary>
public sealed partial class MaintenanceService(
    GraphCatalog catalog, IRecordStore records, IIncidentStore incidents, IEventStore events, EventFeed feed, TimeProvider clock,
    IOptions<ImpactMapOptions> options)
{
    internal const string Collection = "maintenances";

    /// <summary>The most windows a graph keeps, cancelled and completed ones included.</summary>
    public const int MaxWindows = 500;

    /// <summary>The longest window: a month.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    private const int ListedInList = 100;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    /// <summary>A window as the request describes it (checked: 400 naming every problem), not yet stored.</summary>
    public async Task<MaintenanceWindow> ReadAsync(string graph, string id, MaintenanceRequest body, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!IdPattern().IsMatch(id))
        {
            problems.Add($"id: 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, not '{GraphValidator.Shorten(id)}'");
        }

        var title = body.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200)
        {
            problems.Add("title: 1 to 200 characters are required");
        }

        var outages = ImpactRequests.ParseOutages(body.Outages, problems);
        if (body.Window is not { Start: { } start, End: { } end })
        {
            problems.Add("window: start and end are required");
            start = end = default;
        }
        else if (end <= start || end - start > MaxLength)
        {
            problems.Add($"window: end must come after start, and within {MaxLength.TotalDays} days of it");
        }

        var advice = body.Advice?.Trim();
        if (advice is not null && (advice.Length == 0 || advice.Length > 2000))
        {
            problems.Add("advice: 1 to 2,000 characters when given");
        }

        ApiProblem.ThrowIfAny(problems);
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var unknown = outages.Select(o => o.Node).Where(n => snapshot.Graph.FindNode(n) is null).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new Core.Engine.UnknownNodeException(unknown, snapshot.Graph);
        }

        var now = clock.GetUtcNow();
        return new MaintenanceWindow(id, graph, title!, outages.Select(o => new IncidentOutage(o.Node, o.State)).ToList(), start, end, body.Notify ?? false, now, now,
            Advice: advice);
    }

    /// <summary>
    /// Stores a window (new, or changing the one of that id, which keeps its creation time and origin). With
    /// <paramref name="strict"/>, one with conflicts is refused with 409 naming them, and nothing changes.
    /// </summary>
    public async Task<(MaintenanceView View, bool Created)> PutAsync(MaintenanceWindow proposed, bool strict, CancellationToken cancellationToken)
    {
        var existing = await records.GetAsync(proposed.Graph, Collection, proposed.Id, cancellationToken);
        var before = existing is null ? null : StoredJson.Read<MaintenanceWindow>(existing);
        var window = before is null ? proposed : proposed with
        {
            CreatedAt = before.CreatedAt,
            Origin = proposed.Origin ?? before.Origin,
            // The feed heard of its start already, unless the change moved it back into the future.
            Told = proposed.StatusAt(clock.GetUtcNow()) == MaintenanceStatus.Scheduled ? MaintenanceStatus.Scheduled : before.Told,
        };
        if (existing is null && (await records.ListAsync(proposed.Graph, Collection, "", MaxWindows, cancellationToken)).Count >= MaxWindows)
        {
            throw new ApiProblem(StatusCodes.Status409Conflict, "Too many maintenance windows",
                $"Graph '{proposed.Graph}' keeps at most {MaxWindows} maintenance windows: cancel and delete old ones first.");
        }

        var view = await ViewAsync(window, cancellationToken);
        if (strict && view.Conflicts.Count > 0)
        {
            throw new ApiProblem(StatusCodes.Status409Conflict, "Maintenance conflicts",
                $"The window conflicts with {string.Join(", ", view.Conflicts.Select(c => $"{c.Kind} '{c.With}' ({c.Total} {(c.Total == 1 ? "party" : "parties")} worse together)"))}; nothing was stored.",
                new Dictionary<string, object?> { ["conflicts"] = view.Conflicts.Select(MaintenanceEndpoints.Conflict).ToList() });
        }

        await records.PutAsync(window.Graph, Collection, window.Id, StoredJson.Write(window), existing?.Revision ?? 0, cancellationToken);
        await TellAsync(window, existing is null ? "maintenance.scheduled" : "maintenance.updated", view, cancellationToken);
        return (view, existing is null);
    }

    /// <summary>What a proposed window would do, without storing it: its impact and conflicts (a stored window of the same id is left out of them).</summary>
    public Task<MaintenanceView> CheckAsync(MaintenanceWindow proposed, CancellationToken cancellationToken) => ViewAsync(proposed, cancellationToken);

    /// <summary>Cancels a window: kept, status cancelled; cancelling it again changes nothing.</summary>
    public async Task<MaintenanceView> CancelAsync(string graph, string id, CancellationToken cancellationToken)
    {
        var (window, revision) = await GetAsync(graph, id, cancellationToken);
        if (window.Cancelled)
        {
            return await ViewAsync(window, cancellationToken);
        }

        var cancelled = window with { Cancelled = true, UpdatedAt = clock.GetUtcNow(), Told = MaintenanceStatus.Cancelled };
        await records.PutAsync(graph, Collection, id, StoredJson.Write(cancelled), revision, cancellationToken);
        var view = await ViewAsync(cancelled, cancellationToken);
        await TellAsync(cancelled, "maintenance.cancelled", view, cancellationToken);
        return view;
    }

    /// <summary>A window with its impact and conflicts now; 404 when there is none.</summary>
    public async Task<MaintenanceView> FindAsync(string graph, string id, CancellationToken cancellationToken) =>
        await ViewAsync((await GetAsync(graph, id, cancellationToken)).Window, cancellationToken);

    /// <summary>A graph's windows, soonest first, optionally of one status, each with its impact and conflicts.</summary>
    public async Task<IReadOnlyList<MaintenanceView>> ListAsync(string graph, string? status, CancellationToken cancellationToken)
    {
        MaintenanceStatus? wanted = null;
        if (status is not null)
        {
            wanted = Enum.GetValues<MaintenanceStatus>().Cast<MaintenanceStatus?>().FirstOrDefault(s => s!.Value.ToWire() == status)
                     ?? throw ApiProblem.BadRequest($"status must be scheduled, in-progress, completed or cancelled, not '{GraphValidator.Shorten(status)}'.");
        }

        await catalog.GetAsync(graph, cancellationToken);
        var now = clock.GetUtcNow();
        var windows = (await WindowsAsync(graph, cancellationToken)).Where(w => wanted is null || w.StatusAt(now) == wanted).OrderBy(w => w.Start).ToList();
        var context = await ContextAsync(graph, cancellationToken);
        return windows.Select(w => View(w, context, ListedInList)).ToList();
    }

    /// <summary>Refuses, with 409 naming them, to delete a graph whose windows lie ahead, unless <paramref name="force"/>.</summary>
    public async Task RefuseDeletingScheduledAsync(string graph, bool force, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ahead = (await WindowsAsync(graph, cancellationToken)).Where(w => w.IsAhead(now)).Select(w => w.Id).ToList();
        if (ahead.Count > 0 && !force)
        {
            throw new ApiProblem(StatusCodes.Status409Conflict, "Conflict",
                $"Graph '{graph}' has {ahead.Count} maintenance window(s) scheduled or in progress: {string.Join(", ", ahead.Take(10))}{(ahead.Count > 10 ? ", ..." : "")}. "
                + "Cancel them, or delete with force=true.",
                new Dictionary<string, object?> { ["maintenances"] = ahead });
        }
    }

    /// <summary>Letters for a window's parties (those it reaches in its length), of a phase (by default the one it is in), a page at a time.</summary>
    public async Task<(MaintenanceWindow Window, IReadOnlyList<Notice> Notices)> NoticesAsync(
        string graph, string id, string? phase, string? language, IReadOnlySet<string>? nodes, int limit, CancellationToken cancellationToken)
    {
        var (window, _) = await GetAsync(graph, id, cancellationToken);
        var chosen = phase ?? MaintenanceNotices.PhaseOf(window.StatusAt(clock.GetUtcNow()));
        if (chosen is null)
        {
            return (window, []);
        }

        var impact = Impact(await catalog.GetAsync(graph, cancellationToken), window);
        var parties = impact.Affected.Where(p => nodes is null || nodes.Contains(p.Id)).Take(limit);
        return (window, MaintenanceNotices.For(window, impact, parties, chosen, options.Value.Notices.For(graph), language));
    }

    /// <summary>
    /// Tells the feed of each window whose status the clock moved since it was last told (started, completed); revision
    /// checked, so of several instances one tells.
    /// </summary>
    public async Task TellStatusChangesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var after = "";
        while (true)
        {
            var page = await records.ListAsync(null, Collection, after, 500, cancellationToken);
            foreach (var record in page)
            {
                var window = StoredJson.Read<MaintenanceWindow>(record);
                var status = window.StatusAt(now);
                if (status == window.Told || status is MaintenanceStatus.Scheduled or MaintenanceStatus.Cancelled)
                {
                    continue;
                }

                var told = window with { Told = status };
                try
                {
                    await records.PutAsync(record.Graph, Collection, record.Id, StoredJson.Write(told), record.Revision, cancellationToken);
                }
                catch (VersionConflictException)
                {
                    continue; // another instance told it, or the window changed: the next round looks again
                }

                var view = await ViewAsync(told, cancellationToken);
                await TellAsync(told, status == MaintenanceStatus.InProgress ? "maintenance.started" : "maintenance.completed", view, cancellationToken);
            }

            if (page.Count < 500)
            {
                return;
            }

            after = page[^1].Id;
        }
    }

    /// <summary>
    /// The windows, not cancelled, that reach one of <paramref name="components"/> (as outage or affected party) in their
    /// length, the latest to start first, at most <paramref name="max"/>; with the nodes each reaches.
    /// </summary>
    public async Task<IReadOnlyList<(MaintenanceWindow Window, IReadOnlyList<string> Reached)>> ReachingAsync(
        string graph, IReadOnlySet<string> components, int max, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        var reaching = new List<(MaintenanceWindow, IReadOnlyList<string>)>();
        foreach (var window in (await WindowsAsync(graph, cancellationToken)).Where(w => !w.Cancelled).OrderByDescending(w => w.Start))
        {
            var impact = Impact(snapshot, window);
            var reached = impact.Origins.Concat(impact.Affected).Select(p => p.Id).Where(components.Contains).ToList();
            if (reached.Count > 0)
            {
                reaching.Add((window, reached));
                if (reaching.Count == max)
                {
                    break;
                }
            }
        }

        return reaching;
    }

    /// <summary>
    /// Makes the windows a watch keeps follow the supplier's announced maintenances: a new one scheduled, a moved or
    /// changed one changed, one no longer announced cancelled before it starts, or ended now when it was under way (the
    /// supplier finished early). Each window's id comes from the watch and the supplier's id, so a poll repeated on any
    /// instance finds it; unchanged windows are not written.
    /// </summary>
    public async Task FollowSupplierAsync(string graph, string watch, IReadOnlyList<Core.Watches.PlannedWork> announced, CancellationToken cancellationToken)
    {
        var origin = $"watch:{watch}";
        var now = clock.GetUtcNow();
        var kept = (await WindowsAsync(graph, cancellationToken)).Where(w => w.Origin == origin).ToDictionary(w => w.Source ?? w.Id, StringComparer.Ordinal);
        foreach (var work in announced)
        {
            var window = new MaintenanceWindow(WindowId(watch, work.Source), graph, work.Title.Length > 200 ? work.Title[..199] + "…" : work.Title, work.Outages,
                work.Start, work.End, Notify: true, now, now, Origin: origin, Source: work.Source);
            if (kept.TryGetValue(work.Source, out var known) && !known.Cancelled && known.Title == window.Title && known.Start == window.Start && known.End == window.End
                && known.Outages.SequenceEqual(window.Outages))
            {
                continue;
            }

            await PutAsync(window, strict: false, cancellationToken);
        }

        var still = announced.Select(w => w.Source).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in kept.Values.Where(w => !still.Contains(w.Source ?? w.Id) && w.IsAhead(now)))
        {
            if (gone.StatusAt(now) == MaintenanceStatus.Scheduled)
            {
                await CancelAsync(graph, gone.Id, cancellationToken);
            }
            else
            {
                await PutAsync(gone with { End = now, UpdatedAt = now }, strict: false, cancellationToken);
            }
        }
    }

    /// <summary>The id of a window a watch keeps: the watch's and the supplier's, in the characters ids allow.</summary>
    private static string WindowId(string watch, string source)
    {
        var id = $"w-{watch}-{new string(source.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray())}";
        return id.Length <= 100 ? id : $"w-{watch}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..16]}";
    }

    private async Task<(MaintenanceWindow Window, long Revision)> GetAsync(string graph, string id, CancellationToken cancellationToken)
    {
        await catalog.GetAsync(graph, cancellationToken);
        var record = await records.GetAsync(graph, Collection, id, cancellationToken)
                     ?? throw new ApiProblem(StatusCodes.Status404NotFound, "Not found", $"Graph '{graph}' has no maintenance window '{GraphValidator.Shorten(id)}'.");
        return (StoredJson.Read<MaintenanceWindow>(record), record.Revision);
    }

    private async Task<List<MaintenanceWindow>> WindowsAsync(string graph, CancellationToken cancellationToken) =>
        (await records.ListAsync(graph, Collection, "", MaxWindows, cancellationToken)).Select(StoredJson.Read<MaintenanceWindow>).ToList();

    private sealed record Context(GraphSnapshot Snapshot, List<MaintenanceWindow> Windows, IReadOnlyList<IncidentSummary> Open, MaintenanceConflicts Conflicts);

    private async Task<Context> ContextAsync(string graph, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(graph, cancellationToken);
        return new Context(snapshot, await WindowsAsync(graph, cancellationToken), await incidents.ListAsync(graph, null, openOnly: true, cancellationToken),
            new MaintenanceConflicts(snapshot.Engine));
    }

    private async Task<MaintenanceView> ViewAsync(MaintenanceWindow window, CancellationToken cancellationToken) =>
        View(window, await ContextAsync(window.Graph, cancellationToken), IncidentPages.DefaultLimit);

    /// <summary>
    /// The window against the graph now: its impact (outages of nodes since removed fail nothing), and, while it lies
    /// ahead, its conflicts with every other window ahead that overlaps it and with every open incident.
    /// </summary>
    private MaintenanceView View(MaintenanceWindow window, Context context, int limit)
    {
        var graph = context.Snapshot.Graph;
        var present = window with { Outages = window.Outages.Where(o => graph.FindNode(o.Node) is not null).ToList() };
        var impact = Impact(context.Snapshot, present, limit);
        var lasting = present.Outages.Count == 0 ? 0
            : context.Snapshot.Engine.Impact(new Core.Engine.ImpactQuery(present.Outages.Select(o => new Core.Engine.Outage(o.Node, o.State)).ToList(), Limit: 0)
            {
                IncludePaths = false,
            }).Total;
        var conflicts = new List<MaintenanceConflict>();
        if (present.IsAhead(clock.GetUtcNow()) && present.Outages.Count > 0)
        {
            foreach (var other in context.Windows.Where(w => w.Id != window.Id && w.IsAhead(clock.GetUtcNow())))
            {
                var otherPresent = other with { Outages = other.Outages.Where(o => graph.FindNode(o.Node) is not null).ToList() };
                if (context.Conflicts.Between(present, otherPresent) is { } conflict)
                {
                    conflicts.Add(conflict);
                }
            }

            foreach (var incident in context.Open)
            {
                var incidentPresent = incident with { Outages = incident.Outages.Where(o => graph.FindNode(o.Node) is not null).ToList() };
                if (context.Conflicts.Between(present, incidentPresent) is { } conflict)
                {
                    conflicts.Add(conflict);
                }
            }
        }

        return new MaintenanceView(window, impact, lasting - impact.Total, conflicts);
    }

    private IncidentImpact Impact(GraphSnapshot snapshot, MaintenanceWindow window, int? limit = null)
    {
        var present = window.Outages.Where(o => snapshot.Graph.FindNode(o.Node) is not null).ToList();
        return present.Count == 0
            ? new IncidentImpact(snapshot.Version, window.UpdatedAt, [], [], 0, false, new Core.Engine.StateCounts(0, 0, 0), [])
            : IncidentImpacts.Compute(snapshot.Engine, snapshot.Version, present, window.Length, clock.GetUtcNow(), limit ?? options.Value.MaxLimit);
    }

    private async Task TellAsync(MaintenanceWindow window, string type, MaintenanceView view, CancellationToken cancellationToken)
    {
        var counts = view.Impact.Counts;
        await events.AppendAsync(window.Graph, type, StoredJson.Write(new
        {
            window.Id, window.Title, Status = window.StatusAt(clock.GetUtcNow()).ToWire(), window.Start, window.End, window.Notify, window.Origin,
            view.Impact.Total, Counts = new ImpactCounts(counts.Down, counts.Degraded, counts.AtRisk),
            Conflicts = view.Conflicts.Count, ConflictsWith = view.Conflicts.Select(c => c.With).ToList(),
        }), cancellationToken);
        feed.Stored();
    }
}
