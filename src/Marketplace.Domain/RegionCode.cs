namespace Marketplace.Domain;

public enum RegionLevel
{
    Province = 1,
    City = 2,
    County = 3,
}

/// <summary>
/// Rules of the six-digit statistical division codes (e.g. 522701 = 贵州省/黔南州/都匀市).
/// A region's subtree is a contiguous code range, which lets "everything under this region" be one range predicate.
/// </summary>
public static class RegionCode
{
    public static bool IsValid(int code) => code is >= 110000 and <= 829999;

    public static RegionLevel LevelOf(int code)
    {
        if (!IsValid(code)) throw new ArgumentOutOfRangeException(nameof(code), code, "Not a six-digit division code.");
        if (code % 10000 == 0) return RegionLevel.Province;
        if (code % 100 == 0) return RegionLevel.City;
        return RegionLevel.County;
    }

    public static int ProvinceOf(int code) => code / 10000 * 10000;

    /// <summary>Inclusive code range covering the region and everything under it.</summary>
    public static (int From, int To) SubtreeRange(int code) => LevelOf(code) switch
    {
        RegionLevel.Province => (code, code + 9999),
        RegionLevel.City => (code, code + 99),
        _ => (code, code),
    };

    public static bool Contains(int ancestor, int code)
    {
        var (from, to) = SubtreeRange(ancestor);
        return code >= from && code <= to;
    }

    public static string Format(int code) => code.ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
}
