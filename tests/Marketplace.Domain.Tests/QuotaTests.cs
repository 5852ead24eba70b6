using Marketplace.Domain;
using Marketplace.Domain.Quota;

namespace Marketplace.Domain.Tests;

public class ReservationPolicyTests
{
    private static readonly DateOnly Deadline = new(2026, 3, 31);

    private static ReservationPolicy Policy(int region, int minimumBp = 1500, IReadOnlyList<BasisPoints>? curve = null) =>
        ReservationPolicy.Create(region, 2026, new BasisPoints(minimumBp), Deadline, true, new BasisPoints(1000), curve);

    [Theory]
    [InlineData(1499, false)]
    [InlineData(1500, true)]
    [InlineData(2250, true)]
    [InlineData(3000, true)]
    [InlineData(3001, false)]
    public void The_minimum_ratio_must_be_between_15_and_30_percent(int bp, bool accepted)
    {
        if (accepted) Assert.Equal(bp, Policy(520000, bp).MinimumRatio.Value);
        else Assert.Contains("15%到30%", Assert.Throws<DomainException>(() => Policy(520000, bp)).MessageZh);
    }

    [Fact]
    public void Policies_are_inherited_down_the_tree_unless_overridden()
    {
        int? Parent(int id) => id switch { 522701 => 522700, 522700 => 520000, 530102 => 530100, 530100 => 530000, _ => null };
        var province = Policy(520000, 1500);
        var prefecture = Policy(522700, 2000);
        Assert.Same(prefecture, ReservationPolicy.Resolve(522701, 2026, [province, prefecture], Parent));
        Assert.Same(prefecture, ReservationPolicy.Resolve(522700, 2026, [province, prefecture], Parent));
        Assert.Same(province, ReservationPolicy.Resolve(520000, 2026, [province, prefecture], Parent));
        Assert.Null(ReservationPolicy.Resolve(530102, 2026, [province, prefecture], Parent)); // another province
        Assert.Null(ReservationPolicy.Resolve(522701, 2027, [province, prefecture], Parent)); // another year
    }

    [Fact]
    public void The_linear_curve_expects_m_twelfths_and_ends_at_100_percent()
    {
        var curve = ReservationPolicy.LinearCurve;
        Assert.Equal(833, curve[0].Value);
        Assert.Equal(5000, curve[5].Value);
        Assert.Equal(10_000, curve[11].Value);
        Assert.Equal(new Money(50_000), Policy(520000).ExpectedBy(new Money(100_000), 6));
    }

    [Fact]
    public void A_custom_curve_must_have_twelve_non_decreasing_values_ending_at_100_percent()
    {
        BasisPoints[] Curve(params int[] v) => v.Select(x => new BasisPoints(x)).ToArray();
        var ok = Curve(0, 500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000);
        Assert.Equal(ok, Policy(520000, curve: ok).Curve);
        Assert.Contains("逐月不减", Assert.Throws<DomainException>(() => Policy(520000, curve: Curve(0, 500, 400, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000))).MessageZh);
        Assert.Contains("100%", Assert.Throws<DomainException>(() => Policy(520000, curve: Curve(0, 500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 9_999))).MessageZh);
        Assert.Contains("12", Assert.Throws<DomainException>(() => Policy(520000, curve: Curve(10_000))).MessageZh);
    }
}

public class FilingRulesTests
{
    private static readonly ReservationPolicy Policy = ReservationPolicy.Create(520000, 2026, new BasisPoints(2000), new DateOnly(2026, 3, 31), true, new BasisPoints(1000));

    private static FilingInput Own(string total = "1000000.00", int ratioBp = 2000, string? reason = null) =>
        new(1, CanteenArrangement.OwnCanteen, total, new BasisPoints(ratioBp), reason, null, null);

    [Fact]
    public void The_reserved_amount_is_the_ratio_of_the_total_rounded_up_to_the_fen()
    {
        var (filing, errors) = FilingRules.Validate(Own("100000.01", 2000), Policy);
        Assert.Empty(errors);
        Assert.Equal(new Money(2_000_001), filing!.Reserved); // 20% of ¥100,000.01 = ¥20,000.002 → ¥20,000.01
        Assert.False(filing.NeedsExemption);
    }

    [Fact]
    public void A_ratio_below_the_minimum_needs_a_reason_and_then_an_exemption()
    {
        var (_, errors) = FilingRules.Validate(Own(ratioBp: 1000), Policy);
        Assert.Contains("ExemptionReason", errors.Keys);
        var (filing, ok) = FilingRules.Validate(Own(ratioBp: 1000, reason: "食堂主要供应外地职工"), Policy);
        Assert.Empty(ok);
        Assert.True(filing!.NeedsExemption);
        Assert.Equal("食堂主要供应外地职工", filing.ExemptionReason);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("1.234")]
    public void The_canteen_total_must_be_a_positive_amount(string total) =>
        Assert.Contains("CanteenTotalYuan", FilingRules.Validate(Own(total), Policy).Errors.Keys);

    [Fact]
    public void A_ratio_above_100_percent_is_refused() =>
        Assert.Contains("Ratio", FilingRules.Validate(Own(ratioBp: 10_001), Policy).Errors.Keys);

    [Fact]
    public void A_unit_without_a_canteen_has_no_requirement()
    {
        var (filing, errors) = FilingRules.Validate(new FilingInput(1, CanteenArrangement.NoCanteen, "999", new BasisPoints(5000), null, null, null), Policy);
        Assert.Empty(errors);
        Assert.False(filing!.HasRequirement);
        Assert.Equal(Money.Zero, filing.Reserved);
    }

    [Fact]
    public void An_outsourced_canteen_files_and_names_its_catering_operator()
    {
        var input = new FilingInput(1, CanteenArrangement.Outsourced, "500000", new BasisPoints(2500), null, null, null);
        Assert.Contains("CateringOperator", FilingRules.Validate(input, Policy).Errors.Keys);
        var (filing, _) = FilingRules.Validate(input with { CateringOperator = "黔南膳食服务有限公司" }, Policy);
        Assert.Equal(new Money(12_500_000), filing!.Reserved);
        Assert.Equal("黔南膳食服务有限公司", filing.CateringOperator);
    }

    [Fact]
    public void A_unit_sharing_a_canteen_links_to_the_host_that_files()
    {
        var input = new FilingInput(7, CanteenArrangement.SharedWithHost, null, new BasisPoints(0), null, null, 7);
        Assert.Contains("HostUnitId", FilingRules.Validate(input, Policy).Errors.Keys);          // not itself
        Assert.Contains("HostUnitId", FilingRules.Validate(input with { HostUnitId = null }, Policy).Errors.Keys);
        var (filing, errors) = FilingRules.Validate(input with { HostUnitId = 3 }, Policy);
        Assert.Empty(errors);
        Assert.Equal(3, filing!.HostUnitId);
        Assert.False(filing.HasRequirement);
    }

    [Fact]
    public void The_workflow_submits_returns_with_a_reason_and_approves()
    {
        Assert.Equal(FilingStatus.Submitted, FilingWorkflow.Apply(FilingStatus.Draft, FilingAction.Submit, Roles.Buyer, null));
        Assert.Throws<DomainException>(() => FilingWorkflow.Apply(FilingStatus.Submitted, FilingAction.Return, Roles.FinanceBureau, " "));
        Assert.Equal(FilingStatus.Returned, FilingWorkflow.Apply(FilingStatus.Submitted, FilingAction.Return, Roles.FinanceBureau, "总额与上年差异过大"));
        Assert.Equal(FilingStatus.Submitted, FilingWorkflow.Apply(FilingStatus.Returned, FilingAction.Submit, Roles.Buyer, null));
        Assert.Equal(FilingStatus.Approved, FilingWorkflow.Apply(FilingStatus.Submitted, FilingAction.Approve, Roles.FinanceBureau, null));
        Assert.Throws<ForbiddenException>(() => FilingWorkflow.Apply(FilingStatus.Submitted, FilingAction.Approve, Roles.Buyer, null));
        Assert.Throws<DomainException>(() => FilingWorkflow.Apply(FilingStatus.Approved, FilingAction.Submit, Roles.Buyer, null));
        Assert.Throws<DomainException>(() => FilingWorkflow.Apply(FilingStatus.Draft, FilingAction.Approve, Roles.FinanceBureau, null));
    }

    [Fact]
    public void A_filing_is_late_after_the_deadline_day_in_china_time()
    {
        var deadline = new DateOnly(2026, 3, 31);
        Assert.False(FilingWorkflow.IsLate(new DateTime(2026, 3, 31, 15, 59, 0, DateTimeKind.Utc), deadline)); // 23:59 CST
        Assert.True(FilingWorkflow.IsLate(new DateTime(2026, 3, 31, 16, 0, 0, DateTimeKind.Utc), deadline));   // 00:00 CST, 1 April
    }
}

public class MonthlyPlanTests
{
    [Fact]
    public void The_twelve_months_must_add_up_exactly_to_the_reserved_amount()
    {
        var reserved = new Money(1_200_000);
        var months = Enumerable.Repeat(new Money(100_000), 12).ToList();
        Assert.Equal(reserved, MonthlyPlan.Create(reserved, months).CumulativeThrough(12));
        months[3] = new Money(99_999);
        var ex = Assert.Throws<DomainException>(() => MonthlyPlan.Create(reserved, months));
        Assert.Contains("¥0.01", ex.MessageZh);
        Assert.Throws<DomainException>(() => MonthlyPlan.Create(reserved, months.Take(11).ToList()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(1_200_005)]
    [InlineData(987_654_321)]
    public void Spreading_evenly_and_following_the_curve_always_sum_exactly(long fen)
    {
        var reserved = new Money(fen);
        var even = MonthlyPlan.SpreadEvenly(reserved);
        Assert.Equal(reserved, even.CumulativeThrough(12));
        Assert.True(even.Months.Max(m => m.Fen) - even.Months.Min(m => m.Fen) <= 1);
        var policy = ReservationPolicy.Create(520000, 2026, new BasisPoints(1500), new DateOnly(2026, 3, 31), true, new BasisPoints(1000),
            [.. new[] { 0, 0, 500, 1500, 2500, 3500, 4500, 5500, 6500, 8000, 9000, 10_000 }.Select(v => new BasisPoints(v))]);
        var curved = MonthlyPlan.FollowCurve(reserved, policy);
        Assert.Equal(reserved, curved.CumulativeThrough(12));
        Assert.Equal(Money.Zero, curved.Months[0]);
    }
}

public class QuotaLedgerTests
{
    private static readonly ReservationPolicy Policy = ReservationPolicy.Create(520000, 2026, new BasisPoints(1500), new DateOnly(2026, 3, 31), true, new BasisPoints(1000));

    [Fact]
    public void Credits_and_refunds_carry_a_unique_source_key_traceable_to_the_order()
    {
        var credit = QuotaLedger.Credit(new OrderCompleted(42, 7, new Money(10_000), new DateOnly(2026, 5, 3)));
        var debit = QuotaLedger.Debit(new OrderRefunded(42, 1, 7, new Money(2_500), new DateOnly(2026, 5, 3), new DateOnly(2026, 5, 9)));
        var debit2 = QuotaLedger.Debit(new OrderRefunded(42, 2, 7, new Money(500), new DateOnly(2026, 5, 3), new DateOnly(2026, 5, 10)));
        Assert.Equal("order:42:completed", credit.SourceKey);
        Assert.Equal(42, debit.OrderId);
        Assert.Equal(new Money(-2_500), debit.Amount);
        Assert.NotEqual(debit.SourceKey, debit2.SourceKey); // two partial refunds are two lines
    }

    [Fact]
    public void An_order_counts_in_the_year_it_was_accepted_and_its_refund_reduces_that_year()
    {
        var credit = QuotaLedger.Credit(new OrderCompleted(1, 7, new Money(10_000), new DateOnly(2026, 12, 31)));
        var refund = QuotaLedger.Debit(new OrderRefunded(1, 1, 7, new Money(10_000), new DateOnly(2026, 12, 31), new DateOnly(2027, 1, 5)));
        Assert.Equal(2026, credit.Year);
        Assert.Equal(2026, refund.Year);
    }

    [Fact]
    public void Adjustments_need_a_reason_and_a_date_in_their_year()
    {
        Assert.Throws<DomainException>(() => QuotaLedger.Adjustment(7, 2026, new Money(100), new DateOnly(2026, 6, 1), " ", Guid.NewGuid()));
        Assert.Throws<DomainException>(() => QuotaLedger.Adjustment(7, 2026, new Money(100), new DateOnly(2025, 6, 1), "小程序采购", Guid.NewGuid()));
        Assert.Equal(LedgerEntryKind.Adjustment, QuotaLedger.Adjustment(7, 2026, new Money(-100), new DateOnly(2026, 6, 1), "小程序采购", Guid.NewGuid()).Kind);
    }

    [Fact]
    public void Progress_shows_completion_expected_share_lag_and_what_each_remaining_month_needs()
    {
        var reserved = new Money(1_200_000);
        var lines = new[]
        {
            QuotaLedger.Credit(new OrderCompleted(1, 7, new Money(200_000), new DateOnly(2026, 2, 10))),
            QuotaLedger.Credit(new OrderCompleted(2, 7, new Money(100_000), new DateOnly(2026, 5, 20))),
            QuotaLedger.Debit(new OrderRefunded(2, 1, 7, new Money(40_000), new DateOnly(2026, 5, 20), new DateOnly(2026, 5, 28))),
            QuotaLedger.Credit(new OrderCompleted(3, 7, new Money(999_999), new DateOnly(2025, 12, 30))), // last year's
        };
        var p = Progress.Compute(reserved, MonthlyPlan.SpreadEvenly(reserved), lines, Policy, throughMonth: 6);
        Assert.Equal(new Money(260_000), p.Completed);
        Assert.Equal(2166, p.Completion.Value);          // 21.66%
        Assert.Equal(5000, p.Expected.Value);            // June expects 6/12
        Assert.Equal(2834, p.LagPoints);                 // 28.34 points behind
        Assert.True(p.Alert);                            // more than the 10-point threshold
        Assert.Equal(new Money(156_667), p.NeededPerRemainingMonth); // ¥9,400 over 6 months, rounded up
        Assert.Equal(new Money(60_000), p.Months[4].Actual);         // May: credit minus refund
        Assert.Equal(new Money(600_000), p.Months[5].CumulativePlanned);
    }
}

public class DisclosureTests
{
    private static Domain.Quota.Disclosure.Row R(int key, int units, bool published = false) => new(key, units, published);

    [Fact]
    public void Rows_of_at_least_the_minimum_are_shown_when_nothing_is_small()
    {
        Assert.Empty(Domain.Quota.Disclosure.Suppressed([R(1, 3), R(2, 10), R(3, 40)], false));
    }

    [Fact]
    public void A_small_row_is_hidden_and_so_is_the_next_smallest_so_the_total_cannot_give_it_away()
    {
        var hidden = Domain.Quota.Disclosure.Suppressed([R(1, 2), R(2, 10), R(3, 40), R(4, 5)], false);
        Assert.Equal([1, 4], hidden.Order());
    }

    [Fact]
    public void Hidden_rows_together_cover_at_least_the_minimum()
    {
        // Two single units: both hidden, but together only 2 < 3, so a third row goes too.
        var hidden = Domain.Quota.Disclosure.Suppressed([R(1, 1), R(2, 1), R(3, 8), R(4, 20)], false);
        Assert.Equal([1, 2, 3], hidden.Order());
    }

    [Fact]
    public void Published_regions_are_shown_as_they_are_and_empty_rows_expose_nothing()
    {
        Assert.Empty(Domain.Quota.Disclosure.Suppressed([R(1, 1, published: true), R(2, 0), R(3, 9)], false));
        Assert.Equal([2, 3], Domain.Quota.Disclosure.Suppressed([R(1, 1, published: true), R(2, 2), R(3, 9), R(4, 9)], false).Order());
    }

    [Fact]
    public void Under_a_hidden_total_every_unpublished_row_is_hidden()
    {
        Assert.Equal([1, 2], Domain.Quota.Disclosure.Suppressed([R(1, 1), R(2, 1), R(3, 1, published: true)], true).Order());
        Assert.False(Domain.Quota.Disclosure.TotalShown(2, false));
        Assert.True(Domain.Quota.Disclosure.TotalShown(2, true));
        Assert.True(Domain.Quota.Disclosure.TotalShown(3, false));
    }
}
