namespace Marketplace.Domain.Quota;

/// <summary>分月采购计划: twelve planned amounts that add up exactly to the year's reserved amount.</summary>
public sealed record MonthlyPlan
{
    public IReadOnlyList<Money> Months { get; }

    private MonthlyPlan(IReadOnlyList<Money> months) => Months = months;

    public static MonthlyPlan Create(Money reserved, IReadOnlyList<Money> months)
    {
        if (months.Count != 12) throw new DomainException("分月计划须有12个月", "A monthly plan has 12 months.");
        if (months.Any(m => m.Fen < 0)) throw new DomainException("每月计划金额不能为负", "A monthly amount cannot be negative.");
        var sum = months.Aggregate(Money.Zero, (a, m) => a + m);
        if (sum != reserved)
            throw new DomainException($"12个月计划合计{sum}，须等于预留份额{reserved}（相差{reserved - sum}）",
                $"The 12 months add up to {sum}; they must equal the reserved amount {reserved} (off by {reserved - sum}).");
        return new MonthlyPlan(months.ToList());
    }

    /// <summary>Equal months; the fen that do not divide go to the last months, one each.</summary>
    public static MonthlyPlan SpreadEvenly(Money reserved)
    {
        var each = reserved.Fen / 12;
        var rest = reserved.Fen % 12;
        return Create(reserved, Enumerable.Range(0, 12).Select(i => new Money(each + (i >= 12 - rest ? 1 : 0))).ToList());
    }

    /// <summary>Months that follow the region's expected-progress curve: each month is the step of the cumulative curve.</summary>
    public static MonthlyPlan FollowCurve(Money reserved, ReservationPolicy policy)
    {
        var months = new List<Money>(12);
        var previous = Money.Zero;
        for (var m = 1; m <= 12; m++)
        {
            var cumulative = m == 12 ? reserved : new Money(reserved.Fen * policy.Curve[m - 1].Value / BasisPoints.Whole);
            months.Add(cumulative - previous);
            previous = cumulative;
        }
        return Create(reserved, months);
    }

    public Money CumulativeThrough(int month) => Months.Take(month).Aggregate(Money.Zero, (a, m) => a + m);
}
