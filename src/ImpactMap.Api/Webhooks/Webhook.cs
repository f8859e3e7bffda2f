using System.Security.Cryptography;
using System.Text;

namespace ImpactMap.Api.Webhooks;

/// <summary>A subscription as stored: with its secret, and how far through the graph's events it has queued deliveries.</summary>
internal sealed record StoredWebhook(
    string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? Nodes, string Secret, DateTimeOffset CreatedAt, long Cursor, bool Failing,
    DateTimeOffset? FailingSince);

/// <summary>A delivery as stored, in the outbox until it is delivered or given up, then in the log.</summary>
internal sealed record StoredDelivery(
    string MessageId, long Event, string Type, string? Node, string Body, DateTimeOffset CreatedAt, int Attempts, int? LastStatus, string? LastError,
    DateTimeOffset? LastAttemptAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, bool Failed)
{
    public string Status => DeliveredAt is not null ? "delivered" : Failed ? "failed" : "pending";
}

/// <summary>The Standard Webhooks signature: <c>v1,</c> then base64 HMAC-SHA256 of "id.timestamp.body" under the secret's key.</summary>
public static class WebhookSignature
{
    private const string Prefix = "whsec_";

    /// <summary>A new secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64.</summary>
    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a secret given by a subscriber is usable: the whsec_ form with at least 24 bytes of key, or 24 to 200 characters of its own.</summary>
    public static bool IsUsable(string secret) => KeyOf(secret) is { Length: >= 24 and <= 200 };

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        using var hmac = new HMACSHA256(KeyOf(secret));
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));
    }

    private static byte[] KeyOf(string secret)
    {
        if (secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromBase64String(secret[Prefix.Length..]);
            }
            catch (FormatException)
            {
                return [];
            }
        }

        return Encoding.UTF8.GetBytes(secret);
    }
}
