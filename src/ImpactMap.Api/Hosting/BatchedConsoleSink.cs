using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// Log lines to standard output in batches: one write and one wake-up of the writing thread per batch, where
/// the console sink behind an async queue paid both per line, which request logging pays on every request.
/// </summary>
public sealed class BatchedConsoleSink : IBatchedLogEventSink, IDisposable
{
    private readonly LogLineFormatter _formatter = new();
    private readonly StreamWriter _output = new(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            _formatter.Format(logEvent, _output);
        }

        _output.Flush();
        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _output.Dispose();
}

public static class BatchedConsoleSinkConfiguration
{
    /// <summary>
    /// <c>"WriteTo": [{"Name": "BatchedConsole"}]</c>: lines reach standard output at most <paramref name="period"/>
    /// late (the first of a quiet spell at once); past <paramref name="queueLimit"/> waiting lines, new ones are
    /// dropped rather than holding up requests.
    /// </summary>
    public static LoggerConfiguration BatchedConsole(this LoggerSinkConfiguration sinks, string period = "00:00:00.050", int queueLimit = 100_000) =>
        sinks.Sink(new BatchedConsoleSink(), new BatchingOptions
        {
            BatchSizeLimit = 1000,
            BufferingTimeLimit = TimeSpan.Parse(period, System.Globalization.CultureInfo.InvariantCulture),
            EagerlyEmitFirstEvent = true,
            QueueLimit = queueLimit,
        });
}
