using System.Globalization;

namespace Marketplace.Domain;

/// <summary>A ratio in basis points: 10000 = 100%, 1500 = 15%. Integral so that policy comparisons are exact.</summary>
public readonly record struct BasisPoints(int Value) : IComparable<BasisPoints>
{
    public const int Whole = 10_000;

    public static BasisPoints FromPercent(decimal percent)
    {
        var bp = percent * 100m;
        if (bp != decimal.Truncate(bp)) throw new ArgumentException("A ratio has at most two decimal places of a percent.", nameof(percent));
        return new BasisPoints(checked((int)bp));
    }

    /// <summary>The share of an amount, rounded up to the fen (a reserved amount is never under-stated).</summary>
    public Money ApplyRoundingUp(Money amount)
    {
        if (amount.Fen < 0) throw new ArgumentOutOfRangeException(nameof(amount), "Amount must not be negative.");
        var product = checked(amount.Fen * Value);
        return new Money(product / Whole + (product % Whole == 0 ? 0 : 1));
    }

    public int CompareTo(BasisPoints other) => Value.CompareTo(other.Value);
    public static bool operator <(BasisPoints a, BasisPoints b) => a.Value < b.Value;
    public static bool operator >(BasisPoints a, BasisPoints b) => a.Value > b.Value;
    public static bool operator <=(BasisPoints a, BasisPoints b) => a.Value <= b.Value;
    public static bool operator >=(BasisPoints a, BasisPoints b) => a.Value >= b.Value;

    public override string ToString() => (Value / 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
