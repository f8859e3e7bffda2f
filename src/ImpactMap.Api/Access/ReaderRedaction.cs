using System.Text.RegularExpressions;

namespace ImpactMap.Api.Access;

/// <summary>
/// What readers see of outbound addresses: a webhook or watch URL without its path, query or credentials (a Slack
/// or Teams webhook carries its token in the path), and errors without the addresses a name resolved to, which map
/// the inside of a network. Writers and admins, who set these addresses, see them whole.
/// </summary>
public static partial class ReaderRedaction
{
    /// <summary>Whether this request's caller sees addresses only redacted.</summary>
    public static bool Applies(HttpContext context) => AccessControl.CallerOf(context).Role < ApiRole.Editor;

    /// <summary>scheme://host[:port]/… for an address with more than its host.</summary>
    public static string Url(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "…";
        }

        var bare = uri.GetLeftPart(UriPartial.Authority).Replace($"{uri.UserInfo}@", "", StringComparison.Ordinal);
        return uri.PathAndQuery is "/" or "" && uri.UserInfo.Length == 0 ? bare + "/" : bare + "/…";
    }

    /// <summary>The message with each IPv4 or IPv6 address in it replaced by "an address".</summary>
    public static string? Error(string? message) => message is null ? null : Address().Replace(message, "an address");

    [GeneratedRegex(@"\[?(?:\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b)\]?(?::\d+)?")]
    private static partial Regex Address();
}
