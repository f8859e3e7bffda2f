namespace ImpactMap.Storage.Neo4j;

/// <summary>Where Neo4j is and how to talk to it: the <c>ImpactMap:Neo4j</c> configuration section, bound as it is.</summary>
public sealed class Neo4jStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "ImpactMap:Neo4j";

    /// <summary>The HTTP address, e.g. http://localhost:7474.</summary>
    public Uri Url { get; set; } = new("http://localhost:7474");

    /// <summary>The database (4.x and 5.x; 3.x has one).</summary>
    public string Database { get; set; } = "neo4j";

    /// <summary>Basic authentication, when set.</summary>
    public string? User { get; set; }

    /// <summary>The password for <see cref="User"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Rows per UNWIND statement in a bulk import.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>Node positions per request when a whole graph is read: each answer holds those nodes and their dependencies.</summary>
    public int ReadPageNodes { get; set; } = 50_000;

    /// <summary>How long one read may take, each try; reads are retried on transient failures.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a read may take in all, its retries included.</summary>
    public TimeSpan ReadBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one write request may take; writes are never retried by the HTTP client.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
