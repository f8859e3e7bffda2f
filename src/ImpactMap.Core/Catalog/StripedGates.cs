namespace ImpactMap.Core.Catalog;

/// <summary>
/// One-at-a-time per key, with a fixed number of gates: keys are hashed onto them, so memory stays bounded
/// however many keys a long-running service sees. Two keys sharing a gate only wait for each other. A holder
/// must not take another gate of the same instance.
/// </summary>
public sealed class StripedGates
{
    private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for the gate of <paramref name="key"/>; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var gate = GateOf(key);
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    /// <summary>When the gate of <paramref name="key"/> is held, waits until it is released; does not take it.</summary>
    /// <returns>Whether it waited.</returns>
    public async Task<bool> WaitWhileHeldAsync(string key, CancellationToken cancellationToken)
    {
        var gate = GateOf(key);
        if (gate.CurrentCount > 0)
        {
            return false;
        }

        await gate.WaitAsync(cancellationToken);
        gate.Release();
        return true;
    }

    private SemaphoreSlim GateOf(string key) => _gates[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % _gates.Length];

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
