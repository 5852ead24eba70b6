namespace Marketplace.Domain.Quota;

/// <summary>
/// A region's reserved-share policy for one year (预留份额政策), set by its finance bureau and inherited by the
/// regions below unless one of them sets its own.
/// </summary>
public sealed record ReservationPolicy
{
    public static readonly BasisPoints LowestMinimum = new(1_500);   // 15%
    public static readonly BasisPoints HighestMinimum = new(3_000);  // 30%

    public int RegionId { get; }
    public int Year { get; }
    public BasisPoints MinimumRatio { get; }
    public DateOnly FilingDeadline { get; }
    public bool UnionPurchasesCount { get; }
    /// <summary>A unit is alerted when its completion lags the expected progress by more than this.</summary>
    public BasisPoints AlertThreshold { get; }
    /// <summary>Expected cumulative share of the year's reserved amount at the end of each month (12 values, last 100%).</summary>
    public IReadOnlyList<BasisPoints> Curve { get; }

    private ReservationPolicy(int regionId, int year, BasisPoints minimum, DateOnly deadline, bool union, BasisPoints threshold, IReadOnlyList<BasisPoints> curve)
    {
        RegionId = regionId; Year = year; MinimumRatio = minimum; FilingDeadline = deadline;
        UnionPurchasesCount = union; AlertThreshold = threshold; Curve = curve;
    }

    /// <summary>Month m expects m/12 of the year's amount (rounded to the basis point; December is exactly 100%).</summary>
    public static IReadOnlyList<BasisPoints> LinearCurve { get; } =
        Enumerable.Range(1, 12).Select(m => new BasisPoints((int)Math.Round(m * 10_000m / 12, MidpointRounding.AwayFromZero))).ToList();

    public static ReservationPolicy Create(int regionId, int year, BasisPoints minimum, DateOnly deadline, bool unionPurchasesCount,
        BasisPoints alertThreshold, IReadOnlyList<BasisPoints>? curve = null)
    {
        if (!RegionCode.IsValid(regionId)) throw new DomainException("地区代码无效", "Not a valid region code.");
        if (year is < 2020 or > 2100) throw new DomainException("年度无效", "Not a valid year.");
        if (minimum < LowestMinimum || minimum > HighestMinimum)
            throw new DomainException($"最低预留比例须在15%到30%之间（当前{minimum}）", $"The minimum reserved ratio must be between 15% and 30% (was {minimum}).");
        if (alertThreshold.Value is <= 0 or > 10_000)
            throw new DomainException("预警阈值须在0%到100%之间", "The alert threshold must be above 0% and at most 100%.");
        if (deadline.Year is < 2020 or > 2100) throw new DomainException("填报截止日期无效", "Not a valid filing deadline.");
        curve ??= LinearCurve;
        if (curve.Count != 12) throw new DomainException("进度曲线须有12个月的累计比例", "The progress curve needs 12 cumulative monthly values.");
        for (var m = 0; m < 12; m++)
        {
            if (curve[m].Value is < 0 or > 10_000) throw new DomainException("进度曲线的比例须在0%到100%之间", "Curve values must be between 0% and 100%.");
            if (m > 0 && curve[m] < curve[m - 1])
                throw new DomainException($"进度曲线须逐月不减（{m + 1}月小于{m}月）", $"The curve must not decrease (month {m + 1} is below month {m}).");
        }
        if (curve[11].Value != 10_000) throw new DomainException("进度曲线12月须为100%", "The curve must end at 100% in December.");
        return new ReservationPolicy(regionId, year, minimum, deadline, unionPurchasesCount, alertThreshold, curve.ToList());
    }

    /// <summary>
    /// The policy in force for a region: its own for that year, else the nearest ancestor's. Null when no region up
    /// the tree has one.
    /// </summary>
    public static ReservationPolicy? Resolve(int regionId, int year, IEnumerable<ReservationPolicy> policies, Func<int, int?> parentOf)
    {
        var byRegion = policies.Where(p => p.Year == year).ToDictionary(p => p.RegionId);
        for (int? r = regionId; r is { } id; r = parentOf(id))
            if (byRegion.TryGetValue(id, out var policy)) return policy;
        return null;
    }

    /// <summary>The amount expected to be done by the end of a month (1–12), from the curve, rounded up to the fen.</summary>
    public Money ExpectedBy(Money reserved, int month)
    {
        if (month is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(month));
        return Curve[month - 1].ApplyRoundingUp(reserved);
    }
}
