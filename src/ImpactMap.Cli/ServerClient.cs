using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ImpactMap.Cli;

/// <summary>The service refused a request (4xx/5xx), or could not be reached; Message is what to tell the user.</summary>
public sealed class ServerRefusedException(string message) : Exception(message);

/// <summary>The ImpactMap API over HTTP, with the key in X-Api-Key; every refusal becomes its problem's detail.</summary>
public sealed class ServerClient(Uri url, string? apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = url, Timeout = TimeSpan.FromMinutes(30) };

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await SendTextAsync(HttpMethod.Get, path, null, "application/json", cancellationToken)).RootElement;

    public async Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await SendTextAsync(HttpMethod.Post, path, JsonContent(body), "application/json", cancellationToken)).RootElement;

    public Task<string> SendTextAsync(HttpMethod method, string path, HttpContent? content, string accept, CancellationToken cancellationToken) =>
        SendAsync(method, path, content, accept, r => r.Content.ReadAsStringAsync(cancellationToken), cancellationToken);

    public Task<byte[]> GetBytesAsync(string path, string accept, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, accept, r => r.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken);

    /// <summary>The response as a stream, for the event stream; the caller disposes it.</summary>
    public async Task<Stream> OpenStreamAsync(string path, string accept, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null, accept);
        var response = await Reach(() => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken));
        await ThrowIfRefusedAsync(response, cancellationToken);
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    public static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, string accept, Func<HttpResponseMessage, Task<T>> read, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, content, accept);
        using var response = await Reach(() => _http.SendAsync(request, cancellationToken));
        await ThrowIfRefusedAsync(response, cancellationToken);
        return await read(response);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content, string accept)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return request;
    }

    private async Task<HttpResponseMessage> Reach(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new ServerRefusedException($"Cannot reach ImpactMap at {_http.BaseAddress}: {e.Message}");
        }
    }

    private static async Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? detail = null;
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        }
        catch (JsonException)
        {
            // Not a problem document: say what the status says.
        }

        throw new ServerRefusedException($"{(int)response.StatusCode} {response.ReasonPhrase}: {detail ?? body}");
    }

    public void Dispose() => _http.Dispose();
}
