using System.Net;
using System.Net.Http.Headers;
using ImpactMap.Api.Hosting;
using Microsoft.Extensions.Options;

namespace ImpactMap.Api.Watches;

/// <summary>What one poll of a supplier's page got: a new answer, or "not modified" (304 to our validators).</summary>
public sealed record SupplierAnswer(byte[]? Body, string? ETag, string? LastModified);

/// <summary>
/// Fetches a supplier's summary.json the careful way: conditional GET, a timeout over the whole poll,
/// redirects followed by hand (at most five, a loop refused, each hop checked as a target), and a body limit.
/// Every failure is a <see cref="SupplierPageException"/> with a reason a person can act on.
/// </summary>
public sealed class SupplierPageClient(IHttpClientFactory clients, IOptions<ImpactMapOptions> options)
{
    public const string ClientName = "watches";
    private const int MaxRedirects = 5;

    public async Task<SupplierAnswer> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        var watches = options.Value.Watches;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(watches.Timeout);
        var client = clients.CreateClient(ClientName);
        var seen = new HashSet<Uri>();
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (!seen.Add(url))
                {
                    throw new SupplierPageException($"redirects loop back to {url}");
                }

                if (OutboundTargets.ProblemOf(url.ToString(), watches.AllowPrivateTargets) is { } problem)
                {
                    throw new SupplierPageException($"{url} {problem}");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ImpactMap", "1.0"));
                if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }

                if (lastModified is not null && DateTimeOffset.TryParse(lastModified, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var since))
                {
                    request.Headers.IfModifiedSince = since;
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new SupplierAnswer(null, etag, lastModified);
                }

                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop == MaxRedirects)
                    {
                        throw new SupplierPageException($"more than {MaxRedirects} redirects");
                    }

                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new SupplierPageException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                if (response.Content.Headers.ContentLength > watches.MaxBodyBytes)
                {
                    throw new SupplierPageException($"the answer is {response.Content.Headers.ContentLength:N0} bytes, over the limit of {watches.MaxBodyBytes:N0}");
                }

                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                var body = await BoundedRead.BytesAsync(stream, watches.MaxBodyBytes,
                    () => new SupplierPageException($"the answer passed the limit of {watches.MaxBodyBytes:N0} bytes"), timeout.Token);
                return new SupplierAnswer(body, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SupplierPageException($"no answer within {watches.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new SupplierPageException($"could not be reached: {e.Message}");
        }
    }
}

/// <summary>A supplier's page could not be read, and why.</summary>
public sealed class SupplierPageException(string reason) : Exception(reason);
