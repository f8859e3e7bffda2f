using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImpactMap.Api.Tests;

/// <summary>
/// A webhook receiver as a subscriber would write one, on loopback: verifies each Standard Webhooks signature
/// with the secret (computed here independently of the service), de-duplicates on webhook-id, and keeps what
/// arrived. It can be told to answer 500.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonElement> _unique = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _arrivedAt = new();
    private int _received, _badSignatures;
    private volatile bool _failing, _hanging;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>The signing secret the subscription answered with.</summary>
    public string? Secret { get; set; }

    public int Received => Volatile.Read(ref _received);

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Each delivery once, by webhook-id.</summary>
    public IReadOnlyDictionary<string, JsonElement> Unique => _unique;

    public bool Failing { set => _failing = value; }

    /// <summary>Never answers: each delivery waits until the sender gives up.</summary>
    public bool Hanging { set => _hanging = value; }

    /// <summary>When each delivery first arrived, by webhook-id.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> ArrivedAt => _arrivedAt;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Address = new Uri(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _received);
        if (_hanging)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.NoContent();
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signatures = context.Request.Headers["webhook-signature"].ToString().Split(' ');
        if (!Verifies(id, timestamp, body, signatures))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (_failing)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        _arrivedAt.TryAdd(id, DateTimeOffset.UtcNow);
        _unique.TryAdd(id, JsonSerializer.Deserialize<JsonElement>(body));
        return Results.NoContent();
    }

    private bool Verifies(string id, string timestamp, string body, string[] signatures)
    {
        if (Secret is null || id.Length == 0 || !long.TryParse(timestamp, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var key = Secret.StartsWith("whsec_", StringComparison.Ordinal) ? Convert.FromBase64String(Secret["whsec_".Length..]) : Encoding.UTF8.GetBytes(Secret);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatures.Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
                                   && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
