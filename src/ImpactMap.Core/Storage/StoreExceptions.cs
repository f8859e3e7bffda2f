using System.Globalization;

namespace ImpactMap.Core.Storage;

/// <summary>Thrown when a write expected another version than the stored one.</summary>
public sealed class VersionConflictException(string graph, long? expected, long? actual)
    : Exception($"graph '{graph}' is at version {actual?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {expected?.ToString(CultureInfo.InvariantCulture) ?? "none"}")
{
    /// <summary>The version the store holds, or null when the graph does not exist.</summary>
    public long? Actual { get; } = actual;
}

/// <summary>Thrown when the store cannot be reached or does not answer in time.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
