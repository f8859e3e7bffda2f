using System.Net;
using System.Net.Sockets;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// Where the service may send requests of its own (watches, webhooks): http(s) only, and not to private,
/// loopback or link-local addresses unless allowed, checked on the address actually connected to, after DNS
/// resolution, so that a name re-pointed at 169.254.169.254 after it was accepted is still refused.
/// </summary>
public static class OutboundTargets
{
    /// <summary>Why an address is not to be reached from here, or null when it may be.</summary>
    public static string? WhyRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b switch
            {
                [10, ..] or [172, >= 16 and <= 31, ..] or [192, 168, ..] => "private",
                [169, 254, ..] => "link-local",
                [100, >= 64 and <= 127, ..] => "shared (carrier-grade NAT)",
                [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] or [198, 18 or 19, ..] or [192, 0, 0, _] => "reserved",
                [0, ..] or [>= 224, ..] => "non-unicast",
                _ => null,
            };
        }

        return address.IsIPv6LinkLocal ? "link-local"
            : address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal ? "private"
            : address.IsIPv6Multicast || address.Equals(IPAddress.IPv6None) ? "non-unicast"
            : null;
    }

    /// <summary>A URL's problem as a target (not absolute http(s), credentials in it, a refused literal address), or null.</summary>
    public static string? ProblemOf(string? url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return "must be an absolute http or https address";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry credentials";
        }

        return !allowPrivate && IPAddress.TryParse(uri.DnsSafeHost, out var literal) && WhyRefused(literal) is { } why
            ? $"is a {why} address, which is refused (see AllowPrivateTargets)"
            : !allowPrivate && uri.IsLoopback ? "is a loopback address, which is refused (see AllowPrivateTargets)" : null;
    }

    /// <summary>A handler that connects only to allowed addresses, follows no redirects itself and keeps no cookies.</summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = addresses.Where(a => allowPrivate || WhyRefused(a) is null).ToArray();
            if (allowed.Length == 0)
            {
                var why = addresses.Length == 0 ? "resolves to no address" : $"resolves to a {WhyRefused(addresses[0])} address ({addresses[0]}), which is refused";
                throw new HttpRequestException($"{context.DnsEndPoint.Host} {why}");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
