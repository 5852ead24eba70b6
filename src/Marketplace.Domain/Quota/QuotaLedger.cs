namespace Marketplace.Domain.Quota;

/// <summary>
/// The event contract the buying side publishes (through its outbox) and the ledger consumes. An order is Completed
/// when it is accepted, paid and evaluated; the paid amount counts, in the year of acceptance.
/// </summary>
public sealed record OrderCompleted(long OrderId, int BudgetUnitId, Money Paid, DateOnly AcceptedOn);

/// <summary>A full or partial refund of a completed order. It reduces the year the order was credited to.</summary>
public sealed record OrderRefunded(long OrderId, long RefundId, int BudgetUnitId, Money Refunded, DateOnly OrderAcceptedOn, DateOnly RefundedOn);

public enum LedgerEntryKind
{
    OrderCredit = 1,
    RefundDebit = 2,
    Adjustment = 3,
}

/// <summary>One immutable ledger line. <see cref="SourceKey"/> is unique: the same event can never count twice.</summary>
public sealed record LedgerLine(int BudgetUnitId, int Year, LedgerEntryKind Kind, Money Amount, DateOnly On, string SourceKey, long? OrderId, string? Reason);

/// <summary>
/// 预留份额台账: turns events into ledger lines. The ledger is append-only: corrections are new lines (an adjustment
/// with a reason), never edits.
/// </summary>
public static class QuotaLedger
{
    public static LedgerLine Credit(OrderCompleted e)
    {
        if (e.Paid.Fen <= 0) throw new DomainException("完成订单的支付金额须大于0", "A completed order's paid amount must be above 0.");
        return new LedgerLine(e.BudgetUnitId, e.AcceptedOn.Year, LedgerEntryKind.OrderCredit, e.Paid, e.AcceptedOn, $"order:{e.OrderId}:completed", e.OrderId, null);
    }

    public static LedgerLine Debit(OrderRefunded e)
    {
        if (e.Refunded.Fen <= 0) throw new DomainException("退款金额须大于0", "A refund must be above 0.");
        return new LedgerLine(e.BudgetUnitId, e.OrderAcceptedOn.Year, LedgerEntryKind.RefundDebit, new Money(-e.Refunded.Fen), e.RefundedOn,
            $"order:{e.OrderId}:refund:{e.RefundId}", e.OrderId, null);
    }

    /// <summary>A finance bureau's manual line (e.g. purchases through the platform's mini-program), with a mandatory reason.</summary>
    public static LedgerLine Adjustment(int unitId, int year, Money amount, DateOnly on, string? reason, Guid id)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new DomainException("手工调整须说明原因", "A manual adjustment needs a reason.");
        if (amount.Fen == 0) throw new DomainException("调整金额不能为0", "An adjustment cannot be zero.");
        if (on.Year != year) throw new DomainException("调整日期须在所调整的年度内", "The adjustment date must fall in the year it adjusts.");
        return new LedgerLine(unitId, year, LedgerEntryKind.Adjustment, amount, on, $"adjust:{id:N}", null, reason.Trim());
    }
}

/// <summary>One month of a unit's progress: plan and actual, cumulative, and the expected share from the curve.</summary>
public sealed record MonthProgress(int Month, Money Planned, Money Actual, Money CumulativePlanned, Money CumulativeActual, Money Expected);

public sealed record YearProgress(
    Money Reserved, Money Completed, BasisPoints Completion, BasisPoints Expected, int LagPoints, bool Alert,
    Money NeededPerRemainingMonth, IReadOnlyList<MonthProgress> Months);

public static class Progress
{
    /// <summary>
    /// A unit's progress through the end of <paramref name="throughMonth"/>: completion and expected share in basis
    /// points, the lag in basis points (positive = behind), whether it exceeds the alert threshold, and what is needed
    /// in each remaining month to finish the year's reserved amount.
    /// </summary>
    public static YearProgress Compute(Money reserved, MonthlyPlan? plan, IEnumerable<LedgerLine> lines, ReservationPolicy policy, int throughMonth)
    {
        if (throughMonth is < 0 or > 12) throw new ArgumentOutOfRangeException(nameof(throughMonth));
        var byMonth = new long[13];
        foreach (var line in lines.Where(l => l.Year == policy.Year)) byMonth[line.On.Year == policy.Year ? line.On.Month : 12] += line.Amount.Fen;
        var months = new List<MonthProgress>(12);
        long cumulativeActual = 0, cumulativePlanned = 0;
        for (var m = 1; m <= 12; m++)
        {
            var planned = plan?.Months[m - 1] ?? Money.Zero;
            cumulativeActual += byMonth[m];
            cumulativePlanned += planned.Fen;
            months.Add(new MonthProgress(m, planned, new Money(byMonth[m]), new Money(cumulativePlanned), new Money(cumulativeActual), policy.ExpectedBy(reserved, m)));
        }
        var completed = throughMonth == 0 ? Money.Zero : months[throughMonth - 1].CumulativeActual;
        var completion = Share(completed, reserved);
        var expected = throughMonth == 0 ? new BasisPoints(0) : policy.Curve[throughMonth - 1];
        var lag = expected.Value - completion.Value;
        var remainingMonths = 12 - throughMonth;
        var remaining = Math.Max(0, reserved.Fen - completed.Fen);
        var needed = remainingMonths == 0 ? new Money(remaining) : new Money((remaining + remainingMonths - 1) / remainingMonths);
        return new YearProgress(reserved, completed, completion, expected, lag, reserved.Fen > 0 && lag > policy.AlertThreshold.Value, needed, months);
    }

    /// <summary>part / whole in basis points, rounded down (a unit is never shown as further along than it is).</summary>
    public static BasisPoints Share(Money part, Money whole) =>
        whole.Fen <= 0 ? new BasisPoints(part.Fen > 0 ? BasisPoints.Whole : 0)
            : new BasisPoints((int)Math.Clamp(part.Fen * BasisPoints.Whole / whole.Fen, int.MinValue, int.MaxValue));
}
