using System.Diagnostics;

namespace ImpactMap.Tests.Shared;

/// <summary>Waiting for what the service does by itself (polls, deliveries): checks often, fails naming what did not happen.</summary>
public static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="within"/>; returns how long it took.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
            {
                Assert.Fail($"not within {within.TotalSeconds} s: {what}");
            }

            await Task.Delay(50);
        }

        return clock.Elapsed;
    }
}
