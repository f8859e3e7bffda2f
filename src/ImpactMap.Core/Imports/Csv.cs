using ImpactMap.Core.Documents;
using System.Text;

namespace ImpactMap.Core.Imports;

/// <summary>One data row of a CSV file: its fields by header name, and where it came from.</summary>
public sealed record CsvRow(string Source, int Line, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>The field, or null when the column is missing or the cell empty.</summary>
    public string? this[string column] => Fields.TryGetValue(column, out var value) && value.Length > 0 ? value : null;

    /// <summary>"nodes.csv:14", as import warnings name places.</summary>
    public string Place => $"{Source}:{Line}";
}

/// <summary>A file of an import cannot be read: which file, which line, what.</summary>
public sealed class UnreadableFileException(string source, int line, string problem) : Exception($"{source}:{line}: {problem}")
{
    /// <summary>The file.</summary>
    public string File { get; } = source;

    /// <summary>The line (1 is the header).</summary>
    public int Line { get; } = line;

    /// <summary>What is wrong there.</summary>
    public string Problem { get; } = problem;
}

/// <summary>RFC 4180 CSV with a header row: UTF-8 with or without BOM, comma or semicolon (told by the header).</summary>
public static class Csv
{
    /// <summary>
    /// The header, and the data rows (blank lines skipped) read as they are enumerated, so that an import keeps only
    /// what it uses; <see cref="UnreadableFileException"/> naming the line that breaks.
    /// </summary>
    public static (IReadOnlyList<string> Header, IEnumerable<CsvRow> Rows) Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimStart('\uFEFF');
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var firstLine = end < 0 ? text : text[..end];
        var separator = firstLine.Contains(';', StringComparison.Ordinal) && !firstLine.Contains(',', StringComparison.Ordinal) ? ';' : ',';
        var records = Records(text, separator, source);
        var first = records.FirstOrDefault();
        if (first.Fields is null)
        {
            throw new UnreadableFileException(source, 1, "the file is empty: a header row is required");
        }

        var header = first.Fields.Select(h => h.Trim()).ToList();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UnreadableFileException(source, 1, $"the column '{duplicate.Key}' appears twice");
        }

        return (header, Rows(records.Skip(1), header, source));
    }

    private static IEnumerable<CsvRow> Rows(IEnumerable<(int Line, List<string> Fields)> records, List<string> header, string source)
    {
        foreach (var (line, fields) in records)
        {
            if (fields is [""])
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                throw new UnreadableFileException(source, line, $"{fields.Count} fields where the header has {header.Count}");
            }

            var row = new Dictionary<string, string>(header.Count, StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = SpreadsheetCells.Unguard(fields[i]);
            }

            yield return new CsvRow(source, line, row);
        }
    }

    private static IEnumerable<(int Line, List<string> Fields)> Records(string text, char separator, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                yield return (start, fields);
                fields = [];
                start = ++line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new UnreadableFileException(source, start, "a quoted field is not closed");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
