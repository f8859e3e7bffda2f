using System.Diagnostics;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// Gives back to the system the memory a large whole-graph write used for a moment. Reading a 30 MB document,
/// building its graph and dropping the version it replaced leaves hundreds of megabytes free inside the process,
/// which the GC keeps for reuse rather than returning (bench/README.md, Memory): a service replaced ten times
/// sat at 830 MB holding 300 MB of live data. One compacting, decommitting collection a moment after such a
/// write (when readers of the old version are done), at most one at a time, returns it. Small writes never
/// trigger it, so a steady stream of edits pays nothing.
/// </summary>
public sealed class MemoryReclaimer(ILogger<MemoryReclaimer> logger)
{
    /// <summary>Writes of at least this many nodes and dependencies together are followed by a collection.</summary>
    public const int LargeWriteItems = 100_000;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private int _scheduled;

    /// <summary>Told after a whole graph of <paramref name="items"/> nodes and dependencies was written.</summary>
    public void AfterWrite(int items)
    {
        if (items < LargeWriteItems || Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(Settle);
            // Cleared before collecting: a write landing during the collection schedules the next one.
            Volatile.Write(ref _scheduled, 0);
            var before = Environment.WorkingSet;
            var watch = Stopwatch.StartNew();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            logger.LogDebug("Reclaimed memory after a large write: {Before} MB resident before, {After} MB after, in {Elapsed} ms",
                before >> 20, Environment.WorkingSet >> 20, watch.ElapsedMilliseconds);
        });
    }
}
