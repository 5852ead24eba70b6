namespace Marketplace.Domain.Quota;

/// <summary>What a month-end (or mid-month) run raises for a unit. One per unit, year, month and kind, ever.</summary>
public enum AlertKind
{
    Lagging = 1,       // 进度落后: completion behind the expected curve by more than the region's threshold
    NotFiled = 2,      // 未填报: no filing submitted after the region's deadline
    EarlyWarning = 3,  // 预警提示: mid-month, projected from the month-to-date run rate to miss the month
}

/// <summary>Where a unit stands at the end of a month.</summary>
public enum StandingStatus
{
    OnTrack = 1,
    Lagging = 2,
    NotFiled = 3,  // nothing submitted (an alert once the deadline has passed)
    Pending = 4,   // submitted or returned, not yet in force
    Exempt = 5,    // 无食堂: no requirement
    Shared = 6,    // 共用食堂: counted through its host unit
    NoPolicy = 7,  // the region has no policy for the year yet
}

/// <summary>What the month-end run knows of one unit: its filing state, the filing in force and its purchases.</summary>
public sealed record UnitMonthFacts(
    int UnitId,
    bool EverSubmitted,
    CanteenArrangement? InForce,
    Money Reserved,
    Money PlannedThroughMonth,
    Money CompletedThroughMonth,
    int PreviousMonthsBehind);

public sealed record Standing(
    StandingStatus Status, Money Reserved, Money Completed, Money Planned, Money Expected,
    BasisPoints Completion, BasisPoints ExpectedShare, int LagPoints, Money Shortfall, Money NeededPerRemainingMonth,
    int MonthsBehind, bool Escalated, Money ForecastYearEnd, bool ProjectedToMissYear, AlertKind? Alert);

/// <summary>
/// Month-end rules (月度进度预警): completion through the end of a closed month against the region's expected
/// curve (时间进度); an alert when the lag is strictly above the threshold; escalation onto the bureau's 通报 list
/// after two or more consecutive months behind; a year-end forecast from the run rate.
/// </summary>
public static class MonthEndRules
{
    /// <summary>Consecutive months behind (lagging or not filed) that put a unit on the 通报 list.</summary>
    public const int EscalateAfterMonths = 2;

    public static Standing Evaluate(UnitMonthFacts f, ReservationPolicy? policy, int month)
    {
        if (month is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(month));
        if (policy is null) return Empty(StandingStatus.NoPolicy, f);
        switch (f.InForce)
        {
            case CanteenArrangement.NoCanteen: return Empty(StandingStatus.Exempt, f);
            case CanteenArrangement.SharedWithHost: return Empty(StandingStatus.Shared, f);
            case null:
            {
                var overdue = LastDayOf(policy.Year, month) > policy.FilingDeadline;
                if (f.EverSubmitted) return Empty(StandingStatus.Pending, f);
                var behind = overdue ? f.PreviousMonthsBehind + 1 : 0;
                return Empty(StandingStatus.NotFiled, f) with
                {
                    MonthsBehind = behind, Escalated = behind >= EscalateAfterMonths, Alert = overdue ? AlertKind.NotFiled : null,
                };
            }
        }

        var reserved = f.Reserved;
        if (reserved.Fen <= 0) return Empty(StandingStatus.OnTrack, f);
        var completed = f.CompletedThroughMonth;
        var completion = Progress.Share(completed, reserved);
        var expectedShare = policy.Curve[month - 1];
        var expected = policy.ExpectedBy(reserved, month);
        var lag = expectedShare.Value - completion.Value;
        var lagging = lag > policy.AlertThreshold.Value;
        var months = lagging ? f.PreviousMonthsBehind + 1 : 0;
        var forecast = Forecast(completed, month);
        return new Standing(lagging ? StandingStatus.Lagging : StandingStatus.OnTrack, reserved, completed, f.PlannedThroughMonth, expected,
            completion, expectedShare, lag, Shortfall(expected, completed), NeededPerRemainingMonth(reserved, completed, month),
            months, months >= EscalateAfterMonths, forecast, forecast < reserved, lagging ? AlertKind.Lagging : null);
    }

    /// <summary>What is missing to reach the expected amount (never negative).</summary>
    public static Money Shortfall(Money expected, Money completed) => new(Math.Max(0, expected.Fen - completed.Fen));

    /// <summary>The rest of the year's amount spread over the months left, rounded up to the fen (all of it in December).</summary>
    public static Money NeededPerRemainingMonth(Money reserved, Money completed, int throughMonth)
    {
        var remaining = Math.Max(0, reserved.Fen - completed.Fen);
        var monthsLeft = 12 - throughMonth;
        return monthsLeft <= 0 ? new Money(remaining) : new Money((remaining + monthsLeft - 1) / monthsLeft);
    }

    /// <summary>Year-end forecast from the run rate: what was bought per month so far, times twelve.</summary>
    public static Money Forecast(Money completedThroughMonth, int month) =>
        month <= 0 ? Money.Zero : new Money(Math.Max(0, completedThroughMonth.Fen) * 12 / month);

    /// <summary>
    /// Mid-month heads-up: the month-to-date purchases, projected to the month's end at the same daily rate, added to
    /// what was done before the month. True when that projection would still leave the unit behind by more than the
    /// threshold at the month's end.
    /// </summary>
    public static bool ProjectedToMissMonth(Money reserved, Money beforeMonth, Money monthToDate, int year, int month, int dayOfMonth, ReservationPolicy policy)
    {
        if (reserved.Fen <= 0) return false;
        var days = DateTime.DaysInMonth(year, month);
        if (dayOfMonth is < 1 || dayOfMonth > days) throw new ArgumentOutOfRangeException(nameof(dayOfMonth));
        var projected = new Money(beforeMonth.Fen + Math.Max(0, monthToDate.Fen) * days / dayOfMonth);
        return policy.Curve[month - 1].Value - Progress.Share(projected, reserved).Value > policy.AlertThreshold.Value;
    }

    public static DateOnly LastDayOf(int year, int month) => new(year, month, DateTime.DaysInMonth(year, month));

    /// <summary>The month a ledger line counts in for a year: its own month, or December for a line dated after the year (a late refund).</summary>
    public static int BucketMonth(int year, DateOnly on) => on.Year == year ? on.Month : on.Year > year ? 12 : 1;

    private static Standing Empty(StandingStatus status, UnitMonthFacts f) =>
        new(status, f.Reserved, f.CompletedThroughMonth, f.PlannedThroughMonth, Money.Zero, new BasisPoints(0), new BasisPoints(0), 0,
            Money.Zero, Money.Zero, 0, false, Money.Zero, false, null);

    /// <summary>The alert text a unit reads, in Chinese then English (the notification and e-mail body).</summary>
    public static (string Title, string Body) Describe(AlertKind kind, int year, int month, Standing s)
    {
        var period = $"{year}年{month}月";
        return kind switch
        {
            AlertKind.Lagging => ($"{period}预留份额采购进度落后 / Reserved-share purchases behind in {year}-{month:00}",
                $"截至{period}底，贵单位完成{s.Completed}（完成率{s.Completion}），时间进度{s.ExpectedShare}，差额{s.Shortfall}。" +
                $"为完成全年预留份额{s.Reserved}，此后每月需采购{s.NeededPerRemainingMonth}。" +
                (s.Escalated ? $"已连续{s.MonthsBehind}个月落后，已列入财政部门通报名单。" : "") +
                $" / By the end of {year}-{month:00} your unit completed {s.Completed} ({s.Completion}) against an expected {s.ExpectedShare}; " +
                $"{s.Shortfall} short. To finish the year's {s.Reserved}, buy {s.NeededPerRemainingMonth} in each remaining month." +
                (s.Escalated ? $" Behind for {s.MonthsBehind} months in a row: listed in the finance bureau's report." : "")),
            AlertKind.NotFiled => ($"{year}年度预留份额未填报 / The {year} reserved share has not been filed",
                $"填报截止日期已过，贵单位尚未提交{year}年度预留份额填报，请尽快填报。" +
                (s.Escalated ? $"已连续{s.MonthsBehind}个月未填报，已列入财政部门通报名单。" : "") +
                $" / The filing deadline has passed and your unit has not filed its {year} reserved share; please file now." +
                (s.Escalated ? $" Not filed for {s.MonthsBehind} months in a row: listed in the finance bureau's report." : "")),
            _ => ($"{period}采购进度预警提示 / Heads-up: {year}-{month:00} purchases on course to fall behind",
                $"按本月至今的采购速度，贵单位{period}底的完成率将低于时间进度{s.ExpectedShare}超过预警阈值。本月至今已完成{s.Completed}，" +
                $"全年预留份额{s.Reserved}。 / At this month's rate so far your unit will end {year}-{month:00} behind the expected " +
                $"{s.ExpectedShare} by more than the threshold. Completed so far {s.Completed} of the year's {s.Reserved}."),
        };
    }
}
