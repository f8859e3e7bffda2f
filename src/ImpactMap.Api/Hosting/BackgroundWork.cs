namespace ImpactMap.Api.Hosting;

/// <summary>What the service's own background work (watch polls, webhook deliveries) shares: who holds a lease, and how long to wait after a failure.</summary>
public static class BackgroundWork
{
    /// <summary>This process's name as a lease holder: machine, process and a random part, so that a restarted process is another holder.</summary>
    public static readonly string LeaseHolder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Doubling from <paramref name="first"/> with each failure in a row up to <paramref name="most"/>, times a
    /// jitter of 0.75 to 1.25, so that what failed together does not retry together.
    /// </summary>
    public static TimeSpan Backoff(TimeSpan first, int failures, TimeSpan most)
    {
        var delay = TimeSpan.FromTicks((long)Math.Min(first.Ticks * Math.Pow(2, Math.Min(failures - 1, 20)), most.Ticks));
        return delay * (0.75 + Random.Shared.NextDouble() * 0.5);
    }
}
