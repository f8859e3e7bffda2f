using ImpactMap.Core.Catalog;

namespace ImpactMap.Api.Events;

/// <summary>
/// Wakes this instance's event streams and webhook senders at once when a change stored its events (each in the
/// change's own transaction); they also poll the store, for events other instances wrote.
/// </summary>
public sealed class EventFeed : IEventPublisher
{
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public void Stored() =>
        Interlocked.Exchange(ref _published, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until something is stored here, or the timeout passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Volatile.Read(ref _published).Task.WaitAsync(timeout, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
}
