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

    /// <summary>Reads of at least this many characters (an import's files) are followed by a collection.</summary>
    public const long LargeReadChars = 16L * 1024 * 1024;

    /// <summary>Told after a whole graph of <paramref name="items"/> nodes and dependencies was written.</summary>
    public void AfterWrite(int items)
    {
        if (items >= LargeWriteItems)
        {
            Schedule();
        }
    }

    /// <summary>
    /// Told before a request reads up to <paramref name="bytes"/> of text: when the heap still holds a large read
    /// before it (an import right after another), that is collected first, so two never stand side by side
    /// (933 MB for two 125 MB imports in a row, 562 MB for one).
    /// </summary>
    public void BeforeLargeRead(long bytes)
    {
        if (bytes >= LargeReadChars && GC.GetTotalMemory(forceFullCollection: false) > 2 * bytes)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>Told after a request read <paramref name="chars"/> characters of text it no longer needs.</summary>
    public void AfterLargeRead(long chars)
    {
        if (chars >= LargeReadChars)
        {
            Schedule();
        }
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
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
