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
    /// How long a probe may wait: the second. Measured here, the slowest probe during three 120 MB imports at
    /// once took 7 ms; only the very first call of a fresh process (its health pipeline compiled) took 300-400 ms, so
    /// that one is made before the watch starts.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _misses = [];
    private readonly Task _probing;

    public LivenessWatch(ApiServer server)
    {
        using (var warmUp = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) })
        {
            warmUp.GetAsync("/health/live").GetAwaiter().GetResult().EnsureSuccessStatusCode();
        }

        _probing = ProbeAsync(new HttpClient { BaseAddress = server.Address, Timeout = Patience });
    }

    public int Probes { get; private set; }

    /// <summary>The longest a probe took to be answered.</summary>
    public TimeSpan Slowest { get; private set; }

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
                var asked = clock.Elapsed;
                try
                {
                    using var response = await client.GetAsync("/health/live", _stop.Token);
                    Slowest = clock.Elapsed - asked > Slowest ? clock.Elapsed - asked : Slowest;
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
                _firstAnswered.TrySetResult();
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
        // A workload quicker than one probe still gets one, answered or missed, before the watch stops.
        await Task.WhenAny(_firstAnswered.Task, Task.Delay(Patience * 2));
        await _stop.CancelAsync();
        await _probing;
        _stop.Dispose();
    }
}
