using System.Security.Cryptography;
using System.Text;

namespace ImpactMap.Api.Access;

/// <summary>What a key may do; each role includes the ones below it.</summary>
public enum ApiRole
{
    /// <summary>Reads and impact queries.</summary>
    Reader = 1,

    /// <summary>Also changes to graphs and incidents.</summary>
    Editor = 2,

    /// <summary>Also creating and deleting graphs.</summary>
    Admin = 3,
}

/// <summary>One configured key: <c>ImpactMap:ApiKeys:N:Id</c>, <c>:Sha256</c>, <c>:Role</c>, <c>:Graphs:M</c>.</summary>
public sealed class ApiKeyOptions
{
    public string Id { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the key; the key itself is never configured or logged.</summary>
    public string Sha256 { get; set; } = "";

    public ApiRole Role { get; set; } = ApiRole.Reader;

    /// <summary>When set, the only graphs this key can see; others answer as if they did not exist.</summary>
    public List<string>? Graphs { get; set; }
}

/// <summary>Who is calling: the key's id (never the key), its role, and the graphs it may see (null: all).</summary>
public sealed record Caller(string KeyId, ApiRole Role, IReadOnlySet<string>? Graphs)
{
    public static readonly Caller Open = new("open", ApiRole.Admin, null);

    public bool MaySee(string graph) => Graphs is null || Graphs.Contains(graph);
}

/// <summary>The configured keys, checked by hash in constant time.</summary>
public sealed class ApiKeys
{
    private readonly List<(byte[] Hash, Caller Caller)> _keys;

    public ApiKeys(IConfiguration configuration)
    {
        var configured = configuration.GetSection("ImpactMap:ApiKeys").Get<List<ApiKeyOptions>>() ?? [];
        _keys = configured.Select(k => (Parse(k), new Caller(
            string.IsNullOrWhiteSpace(k.Id) ? throw new InvalidOperationException("every ImpactMap:ApiKeys entry needs an Id") : k.Id,
            k.Role,
            k.Graphs is { Count: > 0 } ? k.Graphs.ToHashSet(StringComparer.Ordinal) : null))).ToList();
    }

    /// <summary>With no keys configured the service is open, and listens on loopback only.</summary>
    public bool AreConfigured => _keys.Count > 0;

    /// <summary>The caller for a presented key, or null. Every configured hash is compared, in constant time each.</summary>
    public Caller? Find(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        Caller? found = null;
        foreach (var (expected, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                found = caller;
            }
        }

        return found;
    }

    private static byte[] Parse(ApiKeyOptions key)
    {
        try
        {
            var hash = Convert.FromHexString(key.Sha256);
            return hash.Length == 32 ? hash : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"ImpactMap:ApiKeys '{key.Id}': Sha256 must be 64 hex characters, the SHA-256 of the key");
        }
    }
}
