namespace ImpactMap.Api.Tests;

/// <summary>A Server-Sent Events client for tests: reads one event at a time, with a deadline.</summary>
internal sealed class EventStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public sealed record Event(string Id, string Type, string Data);

    public static async Task<EventStream> OpenAsync(HttpClient client, string url, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.That(await reader.ReadLineAsync(), Is.EqualTo(": connected"), "the stream is open before anything happens");
        return new EventStream(response, reader);
    }

    public async Task<Event> NextAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? id = null, type = null, data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException();
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    return new Event(id!, type, data!);
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var (field, value) = (line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..]);
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data = value; break;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
