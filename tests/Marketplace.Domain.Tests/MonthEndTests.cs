using Marketplace.Domain.Quota;

namespace Marketplace.Domain.Tests;

public class MonthEndTests
{
    // Linear curve: June expects 50%; threshold 10 points.
    private static readonly ReservationPolicy Policy =
        ReservationPolicy.Create(520000, 2026, new BasisPoints(1500), new DateOnly(2026, 3, 31), true, new BasisPoints(1000));

    private static UnitMonthFacts Facts(long reservedYuan, long completedYuan, int previousBehind = 0, CanteenArrangement? arrangement = CanteenArrangement.OwnCanteen, bool submitted = true) =>
        new(1, submitted, arrangement, Money.FromYuan(reservedYuan), Money.FromYuan(reservedYuan / 2), Money.FromYuan(completedYuan), previousBehind);

    [Fact]
    public void Exactly_on_the_threshold_is_not_an_alert_one_fen_less_is()
    {
        // Reserved 1,200,000: June expects 50% = 600,000; 40% completion is exactly 10 points behind.
        var onTheLine = MonthEndRules.Evaluate(Facts(1_200_000, 480_000), Policy, 6);
        Assert.Equal(1000, onTheLine.LagPoints);
        Assert.Equal(StandingStatus.OnTrack, onTheLine.Status);
        Assert.Null(onTheLine.Alert);

        var oneFenShort = MonthEndRules.Evaluate(Facts(1_200_000, 480_000) with { CompletedThroughMonth = new Money(48_000_000 - 1) }, Policy, 6);
        Assert.Equal(StandingStatus.Lagging, oneFenShort.Status);
        Assert.Equal(AlertKind.Lagging, oneFenShort.Alert);
        Assert.Equal(1001, oneFenShort.LagPoints); // completion rounds down: a unit is never shown further along than it is
    }

    [Fact]
    public void A_lagging_alert_states_completion_expected_shortfall_and_what_to_buy_per_remaining_month()
    {
        var s = MonthEndRules.Evaluate(Facts(1_200_000, 300_000), Policy, 6);
        Assert.Equal(2500, s.Completion.Value);
        Assert.Equal(5000, s.ExpectedShare.Value);
        Assert.Equal(Money.FromYuan(600_000), s.Expected);
        Assert.Equal(Money.FromYuan(300_000), s.Shortfall);
        Assert.Equal(Money.FromYuan(150_000), s.NeededPerRemainingMonth); // 900,000 over 6 months
        var (title, body) = MonthEndRules.Describe(AlertKind.Lagging, 2026, 6, s);
        Assert.Contains("进度落后", title);
        Assert.Contains("25%", body);
        Assert.Contains("50%", body);
        Assert.Contains("¥300,000.00", body);
        Assert.Contains("¥150,000.00", body);
    }

    [Fact]
    public void Two_consecutive_months_behind_escalate_onto_the_report_and_catching_up_resets_the_count()
    {
        var first = MonthEndRules.Evaluate(Facts(1_200_000, 100_000, previousBehind: 0), Policy, 5);
        Assert.Equal((1, false), (first.MonthsBehind, first.Escalated));
        var second = MonthEndRules.Evaluate(Facts(1_200_000, 100_000, previousBehind: first.MonthsBehind), Policy, 6);
        Assert.Equal((2, true), (second.MonthsBehind, second.Escalated));
        var caughtUp = MonthEndRules.Evaluate(Facts(1_200_000, 700_000, previousBehind: second.MonthsBehind), Policy, 7);
        Assert.Equal((0, false, StandingStatus.OnTrack), (caughtUp.MonthsBehind, caughtUp.Escalated, caughtUp.Status));
    }

    [Fact]
    public void No_filing_is_an_alert_only_after_the_deadline_and_escalates_like_lagging()
    {
        var beforeDeadline = MonthEndRules.Evaluate(Facts(0, 0, arrangement: null, submitted: false), Policy, 2);
        Assert.Equal(StandingStatus.NotFiled, beforeDeadline.Status);
        Assert.Null(beforeDeadline.Alert);
        var march = MonthEndRules.Evaluate(Facts(0, 0, arrangement: null, submitted: false), Policy, 3); // deadline day is the month's last: on time
        Assert.Null(march.Alert);
        var april = MonthEndRules.Evaluate(Facts(0, 0, arrangement: null, submitted: false), Policy, 4);
        Assert.Equal((AlertKind.NotFiled, 1, false), (april.Alert, april.MonthsBehind, april.Escalated));
        var may = MonthEndRules.Evaluate(Facts(0, 0, arrangement: null, submitted: false, previousBehind: 1), Policy, 5);
        Assert.True(may.Escalated);
        Assert.Contains("未填报", MonthEndRules.Describe(AlertKind.NotFiled, 2026, 5, may).Title);
    }

    [Fact]
    public void Submitted_but_not_yet_approved_no_canteen_shared_and_no_policy_raise_nothing()
    {
        Assert.Equal(StandingStatus.Pending, MonthEndRules.Evaluate(Facts(0, 0, arrangement: null, submitted: true), Policy, 6).Status);
        var exempt = MonthEndRules.Evaluate(Facts(0, 0, arrangement: CanteenArrangement.NoCanteen), Policy, 6);
        Assert.Equal((StandingStatus.Exempt, (AlertKind?)null), (exempt.Status, exempt.Alert));
        var shared = MonthEndRules.Evaluate(Facts(0, 5_000, arrangement: CanteenArrangement.SharedWithHost), Policy, 6);
        Assert.Equal((StandingStatus.Shared, (AlertKind?)null), (shared.Status, shared.Alert));
        Assert.Equal(StandingStatus.NoPolicy, MonthEndRules.Evaluate(Facts(1_200_000, 0), null, 6).Status);
    }

    [Fact]
    public void A_refund_that_drops_a_unit_under_the_line_raises_the_alert()
    {
        Assert.Null(MonthEndRules.Evaluate(Facts(1_200_000, 500_000), Policy, 6).Alert);
        Assert.Equal(AlertKind.Lagging, MonthEndRules.Evaluate(Facts(1_200_000, 500_000 - 30_000), Policy, 6).Alert);
    }

    [Theory]
    [InlineData(300_000, 6, 600_000)]   // 50,000 a month → 600,000 by December
    [InlineData(0, 3, 0)]
    [InlineData(1_100_000, 11, 1_200_000)]
    [InlineData(1_000, 12, 1_000)]
    public void The_year_end_forecast_follows_the_run_rate(long completed, int month, long forecast) =>
        Assert.Equal(Money.FromYuan(forecast), MonthEndRules.Forecast(Money.FromYuan(completed), month));

    [Fact]
    public void The_forecast_marks_units_projected_to_miss_the_year()
    {
        Assert.True(MonthEndRules.Evaluate(Facts(1_200_000, 550_000), Policy, 6).ProjectedToMissYear);   // 1.1M < 1.2M
        Assert.False(MonthEndRules.Evaluate(Facts(1_200_000, 600_000), Policy, 6).ProjectedToMissYear);
    }

    [Fact]
    public void Needed_per_month_rounds_up_and_December_needs_all_that_is_left()
    {
        Assert.Equal(new Money(34), MonthEndRules.NeededPerRemainingMonth(new Money(100), Money.Zero, 9)); // 100 fen over 3 months
        Assert.Equal(new Money(70), MonthEndRules.NeededPerRemainingMonth(new Money(100), new Money(30), 12));
        Assert.Equal(Money.Zero, MonthEndRules.NeededPerRemainingMonth(new Money(100), new Money(130), 6));
    }

    [Fact]
    public void The_early_warning_projects_the_month_to_date_run_rate_to_the_month_end()
    {
        var reserved = Money.FromYuan(1_200_000);
        // June expects 600,000; 10 points of slack means under 480,000 projected is behind.
        // Before June 500,000 done; by the 20th 40,000 more → 500,000 + 60,000 = 560,000: fine.
        Assert.False(MonthEndRules.ProjectedToMissMonth(reserved, Money.FromYuan(500_000), Money.FromYuan(40_000), 2026, 6, 20, Policy));
        // Before June 400,000; by the 20th 40,000 → 460,000 projected: behind by more than 10 points.
        Assert.True(MonthEndRules.ProjectedToMissMonth(reserved, Money.FromYuan(400_000), Money.FromYuan(40_000), 2026, 6, 20, Policy));
        Assert.False(MonthEndRules.ProjectedToMissMonth(Money.Zero, Money.Zero, Money.Zero, 2026, 6, 20, Policy));
    }

    [Fact]
    public void Lines_dated_after_the_year_count_in_December()
    {
        Assert.Equal(5, MonthEndRules.BucketMonth(2026, new DateOnly(2026, 5, 31)));
        Assert.Equal(12, MonthEndRules.BucketMonth(2026, new DateOnly(2027, 1, 3)));
    }
}

public class ChinaTimeTests
{
    [Theory]
    [InlineData("2026-06-30T15:59:59Z", 2026, 6, 30, 6)]  // 23:59:59 in Beijing: still June
    [InlineData("2026-06-30T16:00:00Z", 2026, 7, 1, 7)]   // midnight in Beijing: July
    [InlineData("2026-12-31T16:30:00Z", 2027, 1, 1, 12)]  // a 2026 line dated in 2027 counts in December
    public void An_instant_falls_on_its_day_in_Beijing_and_counts_in_that_month(string utc, int y, int m, int d, int bucket)
    {
        var instant = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var day = ChinaTime.DateOf(instant);
        Assert.Equal(new DateOnly(y, m, d), day);
        Assert.Equal(bucket, MonthEndRules.BucketMonth(2026, day));
    }
}
