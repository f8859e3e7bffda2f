using System.Diagnostics;
using ImpactMap.Api.Hosting;
using Serilog;

namespace ImpactMap.Bench;

/// <summary>
/// The CPU one request log line costs the process, all threads counted: Serilog's console sink behind its
/// async queue with the output template the service used to ship, the same with <see cref="LogLineFormatter"/>,
/// and <see cref="BatchedConsoleSink"/> as shipped. Lines go to standard output (redirect it to a file).
/// </summary>
internal static class LogRun
{
    public static int Run(int lines)
    {
        foreach (var (name, sink) in new (string, Func<LoggerConfiguration, LoggerConfiguration>)[]
        {
            ("console sink, output template, async queue", c => c.WriteTo.Async(a => a.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}"), blockWhenFull: true)),
            ("console sink, LogLineFormatter, async queue", c => c.WriteTo.Async(a => a.Console(new LogLineFormatter()), blockWhenFull: true)),
            ("BatchedConsole (as shipped)", c => c.WriteTo.BatchedConsole(queueLimit: lines)),
        })
        {
            var logger = sink(new LoggerConfiguration().MinimumLevel.Information()).CreateLogger();
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            // Request-like lines from 8 threads at once, with the properties the service's request lines carry.
            Parallel.For(0, 8, t =>
            {
                var request = logger.ForContext("SourceContext", "ImpactMap.Api.RequestLog").ForContext("RequestId", "0HNQHA1PTF6GG:00000001")
                    .ForContext("ConnectionId", "0HNQHA1PTF6GG").ForContext("Route", "/v1/graphs/{graph}/nodes/{id}/impact").ForContext("Graph", "cloud-region");
                for (var i = 0; i < lines / 8; i++)
                {
                    request.Information("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms", "GET", "/v1/graphs/cloud-region/nodes/aws-eu-west-1/impact", 200, 0.1234 * i);
                }
            });
            logger.Dispose();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - before;
            Console.Error.WriteLine($"| {name} | {cpu.TotalMilliseconds * 1000 / lines:0.0} µs | {watch.Elapsed.TotalMilliseconds:N0} ms |");
        }

        return 0;
    }
}
