namespace ImpactMap.Api.Hosting;

/// <summary>The <c>ImpactMap</c> configuration section.</summary>
public sealed class ImpactMapOptions
{
    public const string Section = "ImpactMap";

    /// <summary><c>embedded</c> (SQLite, the default) or <c>neo4j</c>.</summary>
    public string Store { get; set; } = "embedded";

    /// <summary>Where the embedded store keeps its file.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>A folder of graph documents loaded into an empty store at start; empty turns it off.</summary>
    public string? SampleGraphs { get; set; } = "graphs";

    /// <summary>
    /// The service's address as the outside world reaches it (https://impactmap.example.com), for absolute links in
    /// what it publishes (status pages, their feeds); without it those links are paths. Never taken from Host.
    /// </summary>
    public string? PublicUrl { get; set; }

    public const long DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>The largest request body on every route but PUT of a whole graph.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>The largest graph document accepted by PUT.</summary>
    public long MaxDocumentBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The most text the files of one import may hold together, unpacked, however well they compress. Imports read
    /// their files whole, and UTF-8 text is twice its size as .NET strings: 128 MB keeps an import under about 600 MB
    /// of memory, and holds four times the CSV export of the 1,000,000-dependency bench graph (30 MB).
    /// </summary>
    public long MaxImportBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>How long an impact or analysis query may compute before it is stopped with 503.</summary>
    public TimeSpan QueryBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest maxDepth a query may ask for.</summary>
    public int MaxDepth { get; set; } = 1000;

    /// <summary>The largest limit of affected nodes one impact answer lists.</summary>
    public int MaxLimit { get; set; } = 100_000;

    /// <summary>
    /// How long a read may answer from the graph version it last saw without asking the store (0: ask every
    /// time). Other instances' writes reach this instance's readers at most this late; its own at once. One
    /// second keeps polling dashboards off the store (a round trip per read costs most of a small query).
    /// </summary>
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most node ids the chains (paths) of one answer may hold together; more is refused with 400.</summary>
    public long MaxPathIds { get; set; } = 5_000_000;

    /// <summary>How often open incidents are looked at for parties whose time has come, so the feed and webhooks tell them (ImpactMap:IncidentClockInterval).</summary>
    public TimeSpan IncidentClockInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most node ids the chains of one page of notices may hold together: a page holds fewer notices than
    /// its limit when their chains are longer (its Link names the rest). Each notice costs more than its ids
    /// (its chain as steps, in JSON and in Markdown), so this is smaller than <see cref="MaxPathIds"/>.
    /// </summary>
    public long MaxNoticePathIds { get; set; } = 500_000;

    /// <summary>How incident letters are signed and told: <c>ImpactMap:Notices</c>.</summary>
    public NoticeOptions Notices { get; set; } = new();

    /// <summary>Following suppliers' status pages: <c>ImpactMap:Watches</c>.</summary>
    public WatchOptions Watches { get; set; } = new();

    /// <summary>How long answers to an Idempotency-Key are kept: <c>ImpactMap:Idempotency</c>.</summary>
    public Access.IdempotencyOptions Idempotency { get; set; } = new();

    /// <summary>How much heavy work runs at once: <c>ImpactMap:Work</c>.</summary>
    public Access.WorkOptions Work { get; set; } = new();

    /// <summary>Pushing notices: <c>ImpactMap:Webhooks</c>.</summary>
    public WebhookOptions Webhooks { get; set; } = new();
}

/// <summary><c>ImpactMap:Watches</c>: how suppliers' status pages are polled.</summary>
public sealed class WatchOptions
{
    /// <summary>The shortest interval a watch may ask for: a supplier's page is polled no more often.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one poll may take, redirects included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a failing watch waits between polls: the backoff doubles from its interval up to this.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest answer read from a supplier's page.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether a watch may poll a private, loopback or link-local address (tests, and suppliers on the same network).</summary>
    public bool AllowPrivateTargets { get; set; }
}

/// <summary><c>ImpactMap:Webhooks</c>: how notices are pushed.</summary>
public sealed class WebhookOptions
{
    /// <summary>How long a delivery is retried before its subscription is marked failing.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a webhook may target a private, loopback or link-local address.</summary>
    public bool AllowPrivateTargets { get; set; }
}

/// <summary>
/// <c>ImpactMap:Notices</c>: <c>From</c>, the sender and where replies go ("Bank incident desk
/// &lt;incidents@bank.example&gt;"), and <c>FullChains</c>; each may be set per graph under <c>Graphs:{graph}</c>.
/// </summary>
public sealed class NoticeOptions
{
    public string? From { get; set; }

    /// <summary>Tell external parties every component of their chain, not only their own supplier and the origin.</summary>
    public bool FullChains { get; set; }

    public Dictionary<string, GraphNoticeOptions> Graphs { get; set; } = [];

    /// <summary>The settings for one graph's letters: its own where it has them, else these.</summary>
    public Core.Incidents.LetterSettings For(string graph) =>
        Graphs.TryGetValue(graph, out var own)
            ? new(own.From ?? From, own.FullChains ?? FullChains)
            : new(From, FullChains);
}

/// <summary><c>ImpactMap:Notices:Graphs:{graph}</c>.</summary>
public sealed class GraphNoticeOptions
{
    public string? From { get; set; }

    public bool? FullChains { get; set; }
}
