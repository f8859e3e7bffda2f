using System.Diagnostics;
using ImpactMap.Tests.Shared;

namespace ImpactMap.Api.Tests;

/// <summary>
/// Asks a service's /health/live every 200 ms while a hostile workload runs beside it, and remembers every probe
/// that went unanswered within <see cref="Patience"/>: a process that died, or one too busy to answer.
/// </summary>
public sealed class LivenessWatch : IAsyncDisposable
{
    /// <summary>
    /// How long a probe may wait. The service answers in milliseconds; the margin is for a CI machine whose two
    /// cores the test itself keeps busy, so that only a stalled or dead process fails the watch.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _misses = [];
    private readonly Task _probing;

    public LivenessWatch(ApiServer server)
    {
        _probing = ProbeAsync(new HttpClient { BaseAddress = server.Address, Timeout = Patience });
    }

    public int Probes { get; private set; }

    /// <summary>Every probe that failed, with when and why.</summary>
    public IReadOnlyList<string> Misses
    {
        get
        {
            lock (_misses)
            {
                return [.. _misses];
            }
        }
    }

    private async Task ProbeAsync(HttpClient client)
    {
        using (client)
        {
            var clock = Stopwatch.StartNew();
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/health/live", _stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        Miss($"{clock.Elapsed.TotalSeconds:F1} s: {(int)response.StatusCode}");
                    }
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    Miss($"{clock.Elapsed.TotalSeconds:F1} s: {e.GetType().Name} {e.Message}");
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Probes++;
                try
                {
                    await Task.Delay(200, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void Miss(string what)
    {
        lock (_misses)
        {
            _misses.Add(what);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _probing;
        _stop.Dispose();
    }
}
