using System.Xml;

namespace ImpactMap.Core.Model;

/// <summary>ISO-8601 durations (<c>PT15M</c>, <c>P1DT2H</c>) as used on the wire.</summary>
public static class Durations
{
    /// <summary>Parses an ISO-8601 duration; false for anything else, negative ones included.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith('P'))
        {
            return false;
        }

        try
        {
            duration = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>The ISO-8601 form of a duration, e.g. <c>PT2H30M</c>.</summary>
    public static string Format(TimeSpan duration) => XmlConvert.ToString(duration);
}
