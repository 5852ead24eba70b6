using System.Globalization;

namespace Marketplace.Domain;

/// <summary>An amount of renminbi held as whole fen (分). Never a float: 0.1 + 0.2 must be 0.3.</summary>
public readonly record struct Money(long Fen) : IComparable<Money>
{
    public static readonly Money Zero = new(0);

    public static Money FromYuan(long yuan, int fen = 0) => new(checked(yuan * 100 + fen));

    /// <summary>Parses a yuan amount as typed by a person: "12", "12.8", "12.80", "¥1,234.50", "１２．８" (full-width).</summary>
    /// <remarks>More than two decimal places is an error rather than a silent rounding.</remarks>
    public static bool TryParseYuan(string? text, out Money money)
    {
        money = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().TrimStart('¥', '￥').Trim();
        if (s.EndsWith('元')) s = s[..^1].Trim();
        s = NumberText.Normalize(s);
        var negative = s.StartsWith('-');
        if (negative) s = s[1..];
        var parts = s.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || parts[0].Length > 15) return false;
        if (!parts[0].All(char.IsAsciiDigit)) return false;
        var frac = parts.Length == 2 ? parts[1] : "";
        if ((parts.Length == 2 && frac.Length == 0) || frac.Length > 2 || !frac.All(char.IsAsciiDigit)) return false;
        var fen = long.Parse(parts[0], CultureInfo.InvariantCulture) * 100
                  + (frac.Length == 0 ? 0 : int.Parse(frac.PadRight(2, '0'), CultureInfo.InvariantCulture));
        money = new Money(negative ? -fen : fen);
        return true;
    }

    public static Money operator +(Money a, Money b) => new(checked(a.Fen + b.Fen));
    public static Money operator -(Money a, Money b) => new(checked(a.Fen - b.Fen));
    public static Money operator *(Money a, long quantity) => new(checked(a.Fen * quantity));
    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    /// <summary>Yuan with two decimals and no symbol, e.g. "1234.50" (for form inputs).</summary>
    public string ToYuanString()
    {
        var abs = Math.Abs(Fen);
        return (Fen < 0 ? "-" : "") + (abs / 100).ToString(CultureInfo.InvariantCulture) + "." + (abs % 100).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>Display form, e.g. "¥1,234.50".</summary>
    public override string ToString()
    {
        var abs = Math.Abs(Fen);
        return (Fen < 0 ? "-" : "") + "¥" + (abs / 100).ToString("#,0", CultureInfo.InvariantCulture) + "." + (abs % 100).ToString("00", CultureInfo.InvariantCulture);
    }
}
