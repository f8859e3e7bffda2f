using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Incidents;

/// <summary>Where an incident stands: the statuses of updates, then closed once reviewed.</summary>
public enum IncidentStatus
{
    /// <summary>Looking for the cause.</summary>
    Investigating,

    /// <summary>The cause is known.</summary>
    Identified,

    /// <summary>A fix is in; watching.</summary>
    Monitoring,

    /// <summary>Service is restored; the review is due.</summary>
    Resolved,

    /// <summary>Reviewed and closed; no more updates.</summary>
    Closed,
}

/// <summary>The wire names of <see cref="IncidentStatus"/>.</summary>
public static class IncidentStatuses
{
    /// <summary>The wire name: investigating, identified, monitoring, resolved, closed.</summary>
    public static string ToWire(this IncidentStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Parses a wire name; false for anything else.</summary>
    public static bool TryParse(string? text, out IncidentStatus status)
    {
        foreach (var candidate in Enum.GetValues<IncidentStatus>())
        {
            if (candidate.ToWire() == text)
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

/// <summary>A failing node of an incident; <paramref name="EndedAt"/> once it came back, which may be before the incident is resolved.</summary>
public sealed record IncidentOutage(string Node, NodeState State, DateTimeOffset? EndedAt = null);

/// <summary>One step of an explaining chain, with the name and kind it had when the impact was computed.</summary>
/// <param name="Lost">When this node depends on the step before it through a group of alternatives: what of the group was lost.</param>
public sealed record PartyStep(string Id, string Name, string Kind, LostAlternatives? Lost = null);

/// <summary>Alternatives of one group that were hit together: their names, and how many the group has.</summary>
public sealed record LostAlternatives(string Group, IReadOnlyList<string> Names, int GroupSize);

/// <summary>A step of an incident's explaining chains, named as it was then; <paramref name="Parent"/> is the step before it, -1 at an origin.</summary>
public sealed record ChainLink(string Id, string Name, string Kind, int Parent, LostAlternatives? Lost = null);

/// <summary>A party the incident reaches, as known when the impact was computed.</summary>
/// <param name="Path">From an origin to this party, in incidents stored before chains were kept as <see cref="IncidentImpact.Chains"/>; null since.</param>
/// <param name="Step">This party's step in <see cref="IncidentImpact.Chains"/>; -1 in incidents stored before.</param>
/// <param name="Letter">What its letters need, from its attributes then: contact, timeZone, advice, audience; null in incidents stored before.</param>
/// <param name="EndAt">Once the outages that hit it ended: how long after the start its impact ended; null while they last.</param>
public sealed record AffectedParty(
    string Id, string Name, string Kind, NodeState State, int Depth, IReadOnlyList<PartyStep>? Path, TimeSpan ImpactAt, int Step = -1,
    PartyLetter? Letter = null, TimeSpan? EndAt = null)
{
    /// <summary>Whether its time has come <paramref name="elapsed"/> after the outage began.</summary>
    public bool IsHitAfter(TimeSpan elapsed) => ImpactAt <= elapsed;

    /// <summary>Told only its own supplier and the origin, not the internal components between: a customer, or audience external.</summary>
    public bool IsExternal => Letter?.Audience is { } audience ? audience == "external" : Kind == Node.Customer;
}

/// <summary>The attributes of a party that its letters use.</summary>
/// <param name="Language">The language its letters are written in: <c>nl</c> or <c>en</c> (the default).</param>
public sealed record PartyLetter(string? Contact, string? TimeZone, string? Advice, string? Audience, string? Language = null)
{
    /// <summary>From a node's attributes: <c>contact</c>, <c>timeZone</c>, <c>advice</c>, <c>audience</c>, <c>language</c>; null when it has none of them.</summary>
    public static PartyLetter? Of(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        string? Get(string key) => node.Attributes.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var letter = new PartyLetter(Get("contact"), Get("timeZone"), Get("advice"), Get("audience"), Get("language")?.ToLowerInvariant());
        return letter == new PartyLetter(null, null, null, null) ? null : letter;
    }
}

/// <summary>The impact an incident recorded: what was known, of which graph version, and when.</summary>
/// <param name="Affected">The parties listed, by depth then id: the first ones, when <paramref name="Truncated"/>.</param>
/// <param name="Total">How many parties are affected, listed or not.</param>
/// <param name="AllCounts">Affected parties by state, listed or not; absent in incidents stored before it was kept.</param>
/// <param name="Chains">
/// Every party's explaining chain as one forest of steps, shared where chains share a beginning: linear in the
/// parties, where a chain per party grows with the square of the depth. Absent in incidents stored before.
/// </param>
/// <param name="Spared">
/// Once the outage ended (the incident resolved): the parties it would have hit had it lasted, whose time had not
/// come, each with the state and time it would have been hit; spared by their tolerance, told nothing. Null while
/// the clock runs, and in incidents resolved before this was kept.
/// </param>
/// <param name="Timeline">
/// Every affected party, listed or not, counted by when its time comes and in which state: what the counts of
/// parties hit so far are read from at any moment. Absent in incidents stored before it was kept.
/// </param>
public sealed record IncidentImpact(
    long GraphVersion,
    DateTimeOffset ComputedAt,
    IReadOnlyList<AffectedParty> Affected,
    IReadOnlyList<AffectedParty> Origins,
    int Total,
    bool Truncated,
    StateCounts? AllCounts = null,
    IReadOnlyList<ChainLink>? Chains = null,
    IReadOnlyList<AffectedParty>? Spared = null,
    IReadOnlyList<TimedCount>? Timeline = null)
{
    /// <summary>
    /// The parties whose time has come <paramref name="elapsed"/> after the outage began, by state: from the timeline
    /// over all of them, or, in incidents stored before it was kept, from the parties listed.
    /// </summary>
    public StateCounts CountsAfter(TimeSpan elapsed)
    {
        if (Timeline is null)
        {
            var hit = Affected.Where(a => a.IsHitAfter(elapsed)).ToList();
            return new StateCounts(hit.Count(a => a.State == NodeState.Down), hit.Count(a => a.State == NodeState.Degraded), hit.Count(a => a.State == NodeState.AtRisk));
        }

        return CountsIn(Timeline, elapsed);
    }

    /// <summary>The timeline's parties whose time has come <paramref name="elapsed"/> after the start, by state.</summary>
    public static StateCounts CountsIn(IReadOnlyList<TimedCount> timeline, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        int down = 0, degraded = 0, atRisk = 0;
        foreach (var entry in timeline.TakeWhile(t => t.At <= elapsed))
        {
            switch (entry.State)
            {
                case NodeState.Down: down += entry.Count; break;
                case NodeState.Degraded: degraded += entry.Count; break;
                default: atRisk += entry.Count; break;
            }
        }

        return new StateCounts(down, degraded, atRisk);
    }

    /// <summary>When the next party's time comes after <paramref name="elapsed"/>, if any does.</summary>
    public TimeSpan? NextHitAfter(TimeSpan elapsed) =>
        Timeline is null
            ? Affected.Where(a => a.ImpactAt > elapsed).Select(a => (TimeSpan?)a.ImpactAt).Min()
            : Timeline.FirstOrDefault(t => t.At > elapsed)?.At;

    /// <summary>A party's chain from an origin to it.</summary>
    public IReadOnlyList<PartyStep> PathOf(AffectedParty party)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (party.Path is not null)
        {
            return party.Path;
        }

        var path = new List<PartyStep>(party.Depth + 1);
        for (var step = party.Step; step >= 0; step = Chains![step].Parent)
        {
            var link = Chains![step];
            path.Add(new PartyStep(link.Id, link.Name, link.Kind, link.Lost));
        }

        path.Reverse();
        return path;
    }

    /// <summary>The node before a party on its chain; null for an origin no other origin made worse.</summary>
    public string? ViaOf(AffectedParty party)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (party.Path is not null)
        {
            return party.Path.Count > 1 ? party.Path[^2].Id : null;
        }

        var parent = Chains![party.Step].Parent;
        return parent < 0 ? null : Chains[parent].Id;
    }

    /// <summary>How many ids a party's chain holds: one more than its depth.</summary>
    public static long PathLength(AffectedParty party) => (party?.Depth ?? 0) + 1L;

    /// <summary>Affected parties by state, over all of them.</summary>
    public (int Down, int Degraded, int AtRisk) Counts => AllCounts is { } all
        ? (all.Down, all.Degraded, all.AtRisk)
        : (Affected.Count(a => a.State == NodeState.Down), Affected.Count(a => a.State == NodeState.Degraded), Affected.Count(a => a.State == NodeState.AtRisk));
}

/// <summary>Who an update's change of outages newly reached, who recovered, and whose state changed.</summary>
public sealed record ImpactChange(
    IReadOnlyList<string> BecameAffected,
    IReadOnlyList<string> Recovered,
    IReadOnlyList<string> Worsened,
    IReadOnlyList<string> Improved)
{
    /// <summary>Whether nobody became affected, recovered, worsened or improved.</summary>
    public bool IsEmpty => BecameAffected.Count == 0 && Recovered.Count == 0 && Worsened.Count == 0 && Improved.Count == 0;

    /// <summary>The difference between two impacts, each list in ordinal id order.</summary>
    public static ImpactChange Between(IncidentImpact before, IncidentImpact after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.Affected.ToDictionary(a => a.Id, a => a.State, StringComparer.Ordinal);
        var now = after.Affected.ToDictionary(a => a.Id, a => a.State, StringComparer.Ordinal);
        static List<string> Sorted(IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList();
        return new ImpactChange(
            Sorted(now.Keys.Where(id => !old.ContainsKey(id))),
            Sorted(old.Keys.Where(id => !now.ContainsKey(id))),
            Sorted(now.Where(p => old.TryGetValue(p.Key, out var s) && p.Value > s).Select(p => p.Key)),
            Sorted(now.Where(p => old.TryGetValue(p.Key, out var s) && p.Value < s).Select(p => p.Key)));
    }
}

/// <summary>A timestamped status update; when it changed the outages, what that did.</summary>
/// <param name="Source">Where the update came from, so that it is made once: a supplier's update carried over from its status page, or a request sent with an Idempotency-Key.</param>
public sealed record IncidentUpdate(
    int Sequence,
    DateTimeOffset At,
    IncidentStatus Status,
    string Message,
    IReadOnlyList<IncidentOutage>? Outages,
    ImpactChange? Change,
    string? Source = null);

/// <summary>An action that keeps it from happening again.</summary>
public sealed record PreventionAction(string Action, string Owner, DateOnly Due);

/// <summary>The post-incident review: concrete cause, lessons, and actions with owners and dates.</summary>
/// <param name="Author">The id of the API key that gave it; null in reviews stored before authors were kept.</param>
/// <param name="Revision">1 for the first review of an incident, one more for each later one.</param>
public sealed record IncidentReview(
    string WhatHappened, string WhatWeLearned, IReadOnlyList<PreventionAction> Prevention, DateTimeOffset AcceptedAt, string? Author = null, int Revision = 1);

/// <summary>An outage followed from opening to its closed review.</summary>
/// <param name="Revision">Moves up with every change; stores check it so no update is lost.</param>
/// <param name="EarlierReviews">Reviews a later one replaced, oldest first: kept, never overwritten.</param>
/// <param name="Advice">What affected parties may do meanwhile, for letters to parties without advice of their own.</param>
public sealed record Incident(
    string Id,
    string Graph,
    string Title,
    IncidentStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan? ExpectedDuration,
    IReadOnlyList<IncidentOutage> Outages,
    IncidentImpact Impact,
    IReadOnlyList<IncidentUpdate> Updates,
    IncidentReview? Review,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    long Revision,
    IReadOnlyList<IncidentReview>? EarlierReviews = null,
    string? Advice = null)
{
    /// <summary>
    /// How far into the outage the parties hit were told (by the opening, an update or <see cref="TellHits"/>): a party
    /// whose time came after it has not yet been told it is hit. Null in incidents stored before: told at opening.
    /// </summary>
    public TimeSpan? ToldUntil { get; init; }

    /// <summary>The parties whose time came after <see cref="ToldUntil"/> and by <paramref name="now"/>, while the clock runs; with the incident that remembers they were told.</summary>
    public (Incident Told, IReadOnlyList<AffectedParty> NewlyHit) TellHits(DateTimeOffset now)
    {
        var told = ToldUntil ?? OpenedAt - StartedAt;
        var elapsed = now - StartedAt;
        if (!IsRunning || Impact.NextHitAfter(told) is not { } next || next > elapsed)
        {
            return (this, []);
        }

        var newlyHit = Impact.Affected.Where(p => p.ImpactAt > told && p.ImpactAt <= elapsed).ToList();
        return (this with { ToldUntil = elapsed, Revision = Revision + 1 }, newlyHit);
    }

    /// <summary>The latest update, if any.</summary>
    public IncidentUpdate? LatestUpdate => Updates.Count == 0 ? null : Updates[^1];

    /// <summary>Whether the clock still runs: not resolved or closed, so parties whose time has not come are expected, not hit.</summary>
    public bool IsRunning => Status is not (IncidentStatus.Resolved or IncidentStatus.Closed);

    /// <summary>Whether <paramref name="party"/> is hit at <paramref name="now"/>: its time has come, or the outage ended (every party of a final impact was hit).</summary>
    public bool IsHit(AffectedParty party, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(party);
        return !IsRunning || party.IsHitAfter(now - StartedAt);
    }

    /// <summary>While the clock runs: the parties hit by the expected end if nothing is restored, by state; null once resolved.</summary>
    public StateCounts? ExpectedCounts =>
        IsRunning ? new StateCounts(Impact.Counts.Down, Impact.Counts.Degraded, Impact.Counts.AtRisk) : null;

    /// <summary>The parties hit at <paramref name="now"/>, by state; once resolved, all of its final impact.</summary>
    public StateCounts HitCounts(DateTimeOffset now)
    {
        var (down, degraded, atRisk) = Impact.Counts;
        return IsRunning ? Impact.CountsAfter(now - StartedAt) : new StateCounts(down, degraded, atRisk);
    }

    /// <summary>Whether an update from <paramref name="source"/> (a supplier's update, a request) is carried already.</summary>
    public bool Carries(string? source) => source is not null && Updates.Any(u => u.Source == source);

    /// <summary>
    /// The incident after a status update; with <paramref name="outages"/> or <paramref name="expectedDuration"/>
    /// the update carries <paramref name="impact"/>, computed for them, and what changed.
    /// </summary>
    /// <exception cref="IncidentClosedException">The incident is closed.</exception>
    /// <exception cref="ArgumentException">The status is closed: an incident closes only once reviewed, with <see cref="Close"/>.</exception>
    public Incident WithUpdate(
        DateTimeOffset at, IncidentStatus status, string message, IReadOnlyList<IncidentOutage>? outages, TimeSpan? expectedDuration,
        IncidentImpact? impact, string? source = null)
    {
        RequireOpen();
        if (status == IncidentStatus.Closed)
        {
            throw new ArgumentException("an update cannot close an incident; close it once reviewed", nameof(status));
        }

        var change = impact is null ? null : ImpactChange.Between(Impact, impact);
        if (change is not null && impact!.Spared is { Count: > 0 } spared)
        {
            // Parties whose time never came were spared, not recovered: they are listed as such.
            var sparedIds = spared.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            change = change with { Recovered = change.Recovered.Where(id => !sparedIds.Contains(id)).ToList() };
        }

        return this with
        {
            Status = status,
            Outages = outages ?? Outages,
            ExpectedDuration = expectedDuration ?? ExpectedDuration,
            Impact = impact ?? Impact,
            Updates = [.. Updates, new IncidentUpdate(Updates.Count + 1, at, status, message, outages, change, source)],
            Revision = Revision + 1,
            ToldUntil = at - StartedAt,
        };
    }

    /// <summary>
    /// The incident with <paramref name="review"/>, already accepted by <see cref="ReviewPolicy"/>, as its next
    /// review revision: a review comes once the incident is resolved, and a later one is kept beside the earlier
    /// (<see cref="EarlierReviews"/>), never written over it.
    /// </summary>
    /// <exception cref="IncidentClosedException">The incident is closed.</exception>
    /// <exception cref="IncidentNotReadyException">The incident is not resolved.</exception>
    public Incident WithReview(IncidentReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        RequireOpen();
        if (Status != IncidentStatus.Resolved)
        {
            throw new IncidentNotReadyException(Graph, Id, "reviewed", [$"it is {Status.ToWire()}, not resolved: post an update with status resolved first"]);
        }

        return this with
        {
            Review = review with { Revision = (Review?.Revision ?? 0) + 1 },
            EarlierReviews = Review is null ? EarlierReviews : [.. EarlierReviews ?? [], Review],
            Revision = Revision + 1,
        };
    }

    /// <summary>The incident closed at <paramref name="at"/>, once resolved and reviewed; closing a closed incident changes nothing.</summary>
    /// <exception cref="IncidentNotReadyException">It is not resolved, or has no accepted review: each named.</exception>
    public Incident Close(DateTimeOffset at)
    {
        if (Status == IncidentStatus.Closed)
        {
            return this;
        }

        var missing = new List<string>();
        if (Status != IncidentStatus.Resolved)
        {
            missing.Add($"it is {Status.ToWire()}, not resolved: post an update with status resolved");
        }

        if (Review is null)
        {
            missing.Add("it has no accepted review: PUT …/review with what happened, what was learned and how it will not happen again");
        }

        return missing.Count > 0
            ? throw new IncidentNotReadyException(Graph, Id, "closed", missing)
            : this with { Status = IncidentStatus.Closed, ClosedAt = at, Revision = Revision + 1 };
    }

    /// <summary>
    /// The incident closed without a review because its graph is being deleted: the reason is recorded as its
    /// last update. Only for that: every other close needs a review.
    /// </summary>
    /// <exception cref="IncidentClosedException">The incident is closed already.</exception>
    public Incident Abandon(DateTimeOffset at, string reason)
    {
        RequireOpen();
        return this with
        {
            Status = IncidentStatus.Closed,
            ClosedAt = at,
            Updates = [.. Updates, new IncidentUpdate(Updates.Count + 1, at, IncidentStatus.Closed, reason, null, null)],
            Revision = Revision + 1,
        };
    }

    private void RequireOpen()
    {
        if (Status == IncidentStatus.Closed)
        {
            throw new IncidentClosedException(Graph, Id);
        }
    }
}
