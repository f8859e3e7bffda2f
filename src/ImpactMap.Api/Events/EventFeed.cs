using System.Text.Json;
using ImpactMap.Core.Catalog;
using ImpactMap.Core.Storage;

namespace ImpactMap.Api.Events;

/// <summary>
/// Publishes events into the store (so every instance and every reconnecting client sees them) and wakes
/// this instance's event streams at once; streams also poll, for events other instances wrote.
/// </summary>
public sealed class EventFeed(IEventStore store, ILogger<EventFeed> logger) : IEventPublisher
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Appends an event after the change it reports has been stored. A failure here is logged, not thrown:
    /// the change stands, and its client was already owed a success.
    /// </summary>
    public async Task PublishAsync(string graph, string type, object payload, CancellationToken cancellationToken)
    {
        try
        {
            await store.AppendAsync(graph, type, Serialize(payload), cancellationToken);
            Notify();
        }
        catch (StoreUnavailableException e)
        {
            logger.LogWarning("Event {Type} for graph {Graph} was not recorded: {Reason}", type, graph, e.Message);
        }
    }

    /// <summary>An event's payload as the feed stores it.</summary>
    public static string Serialize(object payload) => JsonSerializer.Serialize(payload, Json);

    /// <summary>Wakes this instance's streams and senders: an event was stored here, by the feed or with the change it reports.</summary>
    public void Notify() =>
        Interlocked.Exchange(ref _published, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until something is published here, or the timeout passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Volatile.Read(ref _published).Task.WaitAsync(timeout, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
}
