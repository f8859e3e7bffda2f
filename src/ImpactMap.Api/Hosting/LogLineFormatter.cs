using System.Collections.Concurrent;
using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace ImpactMap.Api.Hosting;

/// <summary>
/// The console line <c>[HH:mm:ss LVL] {Message:lj} {Properties:j}</c>, then the exception, written directly:
/// Serilog's template renderer spent half of each request line's cost finding and formatting the properties
/// that the message does not name, which request logging pays on every request.
/// </summary>
public sealed class LogLineFormatter : ITextFormatter
{
    // The property names each message template names, found once per template (templates are cached by Serilog).
    private static readonly ConcurrentDictionary<MessageTemplate, HashSet<string>> Named = new();
    private const int MaxTemplates = 1000;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var time = logEvent.Timestamp;
        output.Write('[');
        WriteTwoDigits(output, time.Hour);
        output.Write(':');
        WriteTwoDigits(output, time.Minute);
        output.Write(':');
        WriteTwoDigits(output, time.Second);
        output.Write(' ');
        output.Write(LevelOf(logEvent.Level));
        output.Write("] ");
        WriteMessage(logEvent, output);
        WriteProperties(logEvent, output);
        output.Write('\n');
        if (logEvent.Exception is { } exception)
        {
            output.Write(exception.ToString());
            output.Write('\n');
        }
    }

    /// <summary>The message as <c>:lj</c> writes it: strings as they are, other scalars as text, the rest as JSON.</summary>
    private static void WriteMessage(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is TextToken text)
            {
                output.Write(text.Text);
            }
            else if (token is PropertyToken property)
            {
                if (!logEvent.Properties.TryGetValue(property.PropertyName, out var value))
                {
                    output.Write(property.ToString());
                }
                else if (property.Alignment is { } alignment)
                {
                    var rendered = new StringWriter(CultureInfo.InvariantCulture);
                    WriteMessageValue(value, property.Format, rendered);
                    var padding = new string(' ', Math.Max(0, alignment.Width - rendered.GetStringBuilder().Length));
                    output.Write(alignment.Direction == AlignmentDirection.Left ? rendered + padding : padding + rendered);
                }
                else
                {
                    WriteMessageValue(value, property.Format, output);
                }
            }
        }
    }

    private static void WriteMessageValue(LogEventPropertyValue value, string? format, TextWriter output)
    {
        if (value is ScalarValue { Value: string literal })
        {
            output.Write(literal);
        }
        else if (value is ScalarValue scalar)
        {
            scalar.Render(output, format, CultureInfo.InvariantCulture);
        }
        else
        {
            WriteJson(value, output);
        }
    }

    /// <summary>The properties the message does not name, as a JSON object.</summary>
    private static void WriteProperties(LogEvent logEvent, TextWriter output)
    {
        if (Named.Count > MaxTemplates)
        {
            // Templates built from changing text would otherwise grow this without end.
            Named.Clear();
        }

        var named = Named.GetOrAdd(logEvent.MessageTemplate, template =>
            template.Tokens.OfType<PropertyToken>().Select(p => p.PropertyName).ToHashSet());
        output.Write(" {");
        var first = true;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (!named.Contains(name))
            {
                output.Write(first ? "" : ", ");
                first = false;
                JsonValueFormatter.WriteQuotedJsonString(name, output);
                output.Write(": ");
                WriteJson(value, output);
            }
        }

        output.Write('}');
    }

    /// <summary>JSON as the console sink lays it out: a space after each colon and comma, a structure's type last.</summary>
    private static void WriteJson(LogEventPropertyValue value, TextWriter output)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(scalar.Value, output);
                break;
            case SequenceValue sequence:
                output.Write('[');
                for (var i = 0; i < sequence.Elements.Count; i++)
                {
                    output.Write(i == 0 ? "" : ", ");
                    WriteJson(sequence.Elements[i], output);
                }

                output.Write(']');
                break;
            case StructureValue structure:
                output.Write('{');
                for (var i = 0; i < structure.Properties.Count; i++)
                {
                    output.Write(i == 0 ? "" : ", ");
                    JsonValueFormatter.WriteQuotedJsonString(structure.Properties[i].Name, output);
                    output.Write(": ");
                    WriteJson(structure.Properties[i].Value, output);
                }

                if (structure.TypeTag is { } type)
                {
                    output.Write(structure.Properties.Count == 0 ? "" : ", ");
                    output.Write("\"$type\": ");
                    JsonValueFormatter.WriteQuotedJsonString(type, output);
                }

                output.Write('}');
                break;
            case DictionaryValue dictionary:
                output.Write('{');
                var firstEntry = true;
                foreach (var (key, entry) in dictionary.Elements)
                {
                    output.Write(firstEntry ? "" : ", ");
                    firstEntry = false;
                    JsonValueFormatter.WriteQuotedJsonString(key.Value?.ToString() ?? "null", output);
                    output.Write(": ");
                    WriteJson(entry, output);
                }

                output.Write('}');
                break;
        }
    }

    private static void WriteScalar(object? value, TextWriter output)
    {
        switch (value)
        {
            case null:
                output.Write("null");
                break;
            case string text:
                JsonValueFormatter.WriteQuotedJsonString(text, output);
                break;
            case bool flag:
                output.Write(flag ? "true" : "false");
                break;
            case double or float:
                output.Write(((IFormattable)value).ToString("R", CultureInfo.InvariantCulture));
                break;
            case int or long or uint or ulong or short or ushort or byte or sbyte or decimal:
                output.Write(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case DateTime or DateTimeOffset:
                output.Write('"');
                output.Write(((IFormattable)value).ToString("O", CultureInfo.InvariantCulture));
                output.Write('"');
                break;
            default:
                JsonValueFormatter.WriteQuotedJsonString(value.ToString() ?? "", output);
                break;
        }
    }

    private static void WriteTwoDigits(TextWriter output, int value)
    {
        output.Write((char)('0' + value / 10));
        output.Write((char)('0' + value % 10));
    }

    private static string LevelOf(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };
}
