using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImpactMap.Api.Tests;

/// <summary>
/// A stand-in for a supplier's Statuspage (not the real service, which cannot be reached from here): serves
/// recorded payloads in the public API's format from Statuspage/*.json, with ETags, and can turn hostile
/// (huge, slow, malformed, redirecting in a loop) on request. Counts the polls it answers.
/// </summary>
public sealed class StandInStatuspage : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _summary = "operational.json";
    private volatile string _mode = "normal";
    private int _polls;
    private readonly System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> _pollTimes = new();

    private StandInStatuspage(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>How many times summary.json was asked for, 304s included.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>When each poll of summary.json arrived.</summary>
    public IReadOnlyList<DateTimeOffset> PollTimes => [.. _pollTimes];

    /// <summary>How long every answer waits before it is sent (a slow page that does answer).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<StandInStatuspage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new StandInStatuspage(app);
        app.MapGet("/api/v2/summary.json", standIn.SummaryAsync);
        app.MapGet("/api/v2/incidents.json", () => Results.Bytes(File.ReadAllBytes(Recorded("incidents.json")), "application/json"));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{(n + 1) % 2}"));
        await app.StartAsync();
        standIn.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return standIn;
    }

    /// <summary>Serves this recorded summary from now on: operational, partial-outage, major-outage, maintenance, recovery, unmapped-incident.</summary>
    public void Serve(string recorded)
    {
        _written = null;
        _summary = recorded + ".json";
    }

    /// <summary>Serves this summary, written by the test (times relative to now), from now on.</summary>
    public void ServeWritten(string json) => _written = System.Text.Encoding.UTF8.GetBytes(json);

    private volatile byte[]? _written;

    /// <summary>normal, huge (2 MB), slow (30 s), malformed (cut-off JSON), loop (redirects that come back), html (a 200 that is not JSON).</summary>
    public void Behave(string mode) => _mode = mode;

    private async Task SummaryAsync(HttpContext context)
    {
        Interlocked.Increment(ref _polls);
        _pollTimes.Enqueue(DateTimeOffset.UtcNow);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        switch (_mode)
        {
            case "huge":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"page\":{\"name\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}");
                return;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case "malformed":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"page\":{\"name\":\"Acme Cloud\"},\n\"components\":[{\"id\":\"8l4ygp009s5s\",");
                return;
            case "loop":
                context.Response.Redirect("/loop/0");
                return;
        }

        var body = _written ?? await File.ReadAllBytesAsync(Recorded(_summary));
        var etag = $"\"{Convert.ToHexString(SHA256.HashData(body))[..16]}\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body);
    }

    private static string Recorded(string file) => Path.Combine(AppContext.BaseDirectory, "Statuspage", file);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
