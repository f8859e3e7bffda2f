namespace ImpactMap.Core.Documents;

/// <summary>
/// CSV cells that a spreadsheet would run as a formula (OWASP's CSV injection rule): a cell starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return, after any apostrophes, is written with one more
/// apostrophe in front, which spreadsheets show as text. Reading takes that one apostrophe off again, so a value
/// survives export and import exactly, whatever it starts with.
/// </summary>
public static class SpreadsheetCells
{
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>The cell as written to CSV.</summary>
    public static string Guard(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return NeedsGuard(value) ? "'" + value : value;
    }

    /// <summary>The value of a cell that <see cref="Guard"/> wrote.</summary>
    public static string Unguard(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.StartsWith('\'') && NeedsGuard(cell[1..]) ? cell[1..] : cell;
    }

    private static bool NeedsGuard(string value)
    {
        var first = value.AsSpan().TrimStart('\'');
        return first.Length > 0 && Triggers.Contains(first[0]);
    }
}
