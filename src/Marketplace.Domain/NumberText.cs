using System.Text;
using System.Text.RegularExpressions;

namespace Marketplace.Domain;

/// <summary>
/// Numbers as people type them in China: full-width digits and signs from an input method (５０, １２．５, －３),
/// thousands separators in their proper places (1,000 or 1，000), surrounding spaces. Anything else is left as typed,
/// so the strict parsers after it refuse it (1,0 or 5O are not numbers).
/// </summary>
public static partial class NumberText
{
    [GeneratedRegex(@"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex Grouped();

    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            sb.Append(c switch
            {
                >= '０' and <= '９' => (char)('0' + (c - '０')),
                '．' or '。' => '.',
                '，' => ',',
                '－' or '−' => '-',
                '＋' => '+',
                '％' => '%',
                '　' => ' ',
                _ => c,
            });
        }
        var s = sb.ToString().Trim();
        return Grouped().IsMatch(s) ? s.Replace(",", "") : s;
    }

    /// <summary>A whole number within [min, max], after <see cref="Normalize"/>.</summary>
    public static bool TryParseWhole(string? text, long min, long max, out long value)
    {
        value = 0;
        var s = Normalize(text);
        return s.Length is > 0 and <= 20 && long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value)
               && value >= min && value <= max;
    }
}
