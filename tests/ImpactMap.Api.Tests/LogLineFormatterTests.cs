using ImpactMap.Api.Hosting;
using Serilog;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.SystemConsole.Themes;

namespace ImpactMap.Api.Tests;

/// <summary>The lean console formatter against the console sink's own rendering of the template it replaces.</summary>
[NonParallelizable]
public class LogLineFormatterTests
{
    private const string Template = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    private static IEnumerable<TestCaseData> Events()
    {
        var parser = new MessageTemplateParser();
        var at = new DateTimeOffset(2026, 12, 3, 9, 5, 7, TimeSpan.Zero);
        LogEvent Event(LogEventLevel level, string template, Exception? exception, params (string, LogEventPropertyValue)[] properties) =>
            new(at, level, exception, parser.Parse(template), properties.Select(p => new LogEventProperty(p.Item1, p.Item2)));

        yield return new TestCaseData(Event(LogEventLevel.Information, "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms", null,
            ("RequestMethod", new ScalarValue("GET")), ("RequestPath", new ScalarValue("/v1/graphs/g")), ("StatusCode", new ScalarValue(404)),
            ("Elapsed", new ScalarValue(0.123456)), ("Route", new ScalarValue("/v1/graphs/{graph}")), ("Graph", new ScalarValue("g \"quoted\"\n")),
            ("SourceContext", new ScalarValue("ImpactMap.Api.RequestLog")))).SetName("a request line");
        yield return new TestCaseData(Event(LogEventLevel.Warning, "Stored {Count} of {Total}, {Done} with {Parts}", null,
            ("Count", new ScalarValue(3)), ("Total", new ScalarValue(null)), ("Done", new ScalarValue(true)),
            ("Parts", new SequenceValue([new ScalarValue("a"), new ScalarValue(2)])),
            ("Shape", new StructureValue([new LogEventProperty("x", new ScalarValue(1.5))], "Point")),
            ("Names", new DictionaryValue([new(new ScalarValue("k"), new ScalarValue("v"))])))).SetName("scalars, a sequence, a structure and a dictionary");
        yield return new TestCaseData(Event(LogEventLevel.Error, "Failed for {Graph}, {Missing} left", new InvalidOperationException("boom"),
            ("Graph", new ScalarValue("g")), ("SourceContext", new ScalarValue("ImpactMap")))).SetName("an error with an exception and a property the event lacks");
        yield return new TestCaseData(Event(LogEventLevel.Debug, "Padded {Name,10}|{Count,-6}|", null,
            ("Name", new ScalarValue("pad")), ("Count", new ScalarValue(42)), ("SourceContext", new ScalarValue("ImpactMap")))).SetName("aligned properties");
        yield return new TestCaseData(Event(LogEventLevel.Verbose, "Nothing else {Only}", null, ("Only", new ScalarValue("x")))).SetName("no properties beside the message's");
        yield return new TestCaseData(Event(LogEventLevel.Fatal, "At {When}", null,
            ("When", new ScalarValue(at)), ("Then", new ScalarValue(at.UtcDateTime)), ("Ratio", new ScalarValue(1.0 / 3)), ("Small", new ScalarValue(2.5f)),
            ("Money", new ScalarValue(12.50m)), ("Id", new ScalarValue(Guid.Empty)), ("Letter", new ScalarValue('x')),
            ("Nested", new SequenceValue([new StructureValue([]), new SequenceValue([])])))).SetName("dates, numbers, other scalars and empty nested values");
    }

    [TestCaseSource(nameof(Events))]
    public void Writes_the_line_Serilogs_template_renderer_writes(LogEvent logEvent)
    {
        Assert.That(Written(logger => logger.WriteTo.Console(new LogLineFormatter()), logEvent),
            Is.EqualTo(Written(logger => logger.WriteTo.Console(outputTemplate: Template, theme: ConsoleTheme.None, formatProvider: System.Globalization.CultureInfo.InvariantCulture), logEvent)));
    }

    /// <summary>What a console sink so configured writes for the event (the console's output caught for the while).</summary>
    private static string Written(Func<LoggerConfiguration, LoggerConfiguration> sink, LogEvent logEvent)
    {
        var console = Console.Out;
        var caught = new StringWriter();
        Console.SetOut(caught);
        try
        {
            using (var logger = sink(new LoggerConfiguration().MinimumLevel.Verbose()).CreateLogger())
            {
                logger.Write(logEvent);
            }

            return caught.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal);
        }
        finally
        {
            Console.SetOut(console);
        }
    }
}
