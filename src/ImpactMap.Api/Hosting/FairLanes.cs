using System.Collections.Concurrent;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// Background work per item (a webhook subscription, a watch), each item in a lane of its own, so that a slow one
/// delays only itself: 12 webhooks of one graph pointing at a receiver that hangs once held another graph's healthy
/// webhook for 120 s, and 40 slow pages of one graph stopped another graph's watch for a minute, when each round
/// served every item before the next began. One graph runs at most <paramref name="perGraph"/> lanes at once, so its
/// slow items wait for each other and never for another graph's.
/// </summary>
public sealed class FairLanes(int perGraph)
{
    private readonly ConcurrentDictionary<(string Graph, string Id), Task> _running = new();
    private readonly Dictionary<string, int> _perGraph = new(StringComparer.Ordinal);

    /// <summary>Whether any lane is running.</summary>
    public bool Busy => !_running.IsEmpty;

    /// <summary>Starts the item's work unless it is running already or its graph has all its lanes busy.</summary>
    public bool TryStart(string graph, string id, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var key = (graph, id);
        lock (_perGraph)
        {
            if (_running.ContainsKey(key) || _perGraph.GetValueOrDefault(graph) >= perGraph)
            {
                return false;
            }

            _perGraph[graph] = _perGraph.GetValueOrDefault(graph) + 1;
            // Registered before it runs, so that the same item is never started twice.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _running[key] = start.Task.ContinueWith(_ => RunAsync(key, work, cancellationToken), TaskScheduler.Default).Unwrap();
            start.SetResult();
        }

        return true;
    }

    /// <summary>Every lane's end, for a shutdown that lets them finish.</summary>
    public Task WhenAllAsync() => Task.WhenAll(_running.Values);

    private async Task RunAsync((string Graph, string Id) key, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
        }
        finally
        {
            lock (_perGraph)
            {
                _running.TryRemove(key, out _);
                if (--_perGraph[key.Graph] == 0)
                {
                    _perGraph.Remove(key.Graph);
                }
            }
        }
    }
}
