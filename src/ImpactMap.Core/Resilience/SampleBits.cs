namespace ImpactMap.Core.Resilience;

/// <summary>
/// The functions' values for 64 failure sets at once, one bit each: a function is the word of the sets in
/// which it holds. Evaluating the cone once this way settles 64 samples, with the analysis's own rules.
/// </summary>
internal readonly struct SampleBits(int variables) : IFailureAlgebra<ulong>
{
    /// <summary>For each variable, the sets in which it has failed.</summary>
    public ulong[] Failed { get; } = new ulong[variables];

    public ulong Never => 0;

    public ulong Always => ulong.MaxValue;

    public ulong Variable(int v) => Failed[v];

    public ulong Or(ulong a, ulong b) => a | b;

    public ulong And(ulong a, ulong b) => a & b;

    public bool Same(ulong a, ulong b) => a == b;
}
