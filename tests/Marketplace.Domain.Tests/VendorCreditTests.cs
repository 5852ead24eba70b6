using Marketplace.Domain.Credit;

namespace Marketplace.Domain.Tests;

public class VendorCreditTests
{
    /// <summary>n orders, all paid, shipped and invoiced on time, accepted and evaluated 5/5/5, nothing refunded.</summary>
    private static CreditFacts Perfect(int n) => new()
    {
        PaidOrders = n, PaidFen = n * 10_000L, EvaluatedOrders = n, QualitySum = 5L * n, DeliverySum = 5L * n, ServiceSum = 5L * n,
        ShipmentsDue = n, InvoicesDue = n, AcceptedOrders = n,
    };

    [Fact]
    public void A_vendor_without_orders_is_new_and_has_nothing_against_it()
    {
        var r = CreditPolicy.Evaluate(new CreditFacts());
        Assert.Equal(CreditGrade.New, r.Grade);
        Assert.Equal(1000, r.ScoreTenths);
        Assert.All(r.Components, c => Assert.Null(c.AdviceZh));
    }

    [Theory]
    [InlineData(4, CreditGrade.New)]
    [InlineData(5, CreditGrade.A)]
    public void Grading_starts_at_the_minimum_number_of_paid_orders(int orders, CreditGrade expected) =>
        Assert.Equal(expected, CreditPolicy.Evaluate(Perfect(orders)).Grade);

    [Fact]
    public void A_perfect_record_scores_100_with_every_part_at_its_maximum()
    {
        var r = CreditPolicy.Evaluate(Perfect(40));
        Assert.Equal(1000, r.ScoreTenths);
        Assert.Equal(CreditGrade.A, r.Grade);
        Assert.Equal(100m, r.Components.Sum(c => c.Max));
        Assert.All(r.Components, c => Assert.Equal(c.Max, c.Points));
    }

    [Fact]
    public void One_bad_review_among_hundreds_barely_moves_the_score()
    {
        var f = Perfect(300) with { QualitySum = 5L * 299 + 1, DeliverySum = 5L * 299 + 1, ServiceSum = 5L * 299 + 1 };
        var r = CreditPolicy.Evaluate(f);
        // Mean = (3 × 1496) / 900 = 4.98667: 40 × 3.98667 / 4 = 39.87 → 99.9
        Assert.Equal(999, r.ScoreTenths);
        Assert.Equal(CreditGrade.A, r.Grade);
        Assert.NotNull(r.Components.Single(c => c.Key == "evaluation").AdviceZh);
    }

    [Fact]
    public void Everything_refunded_loses_the_refund_and_acceptance_parts()
    {
        var f = Perfect(10) with { RefundedFen = 100_000, AcceptedWithRefundRequest = 10 };
        var r = CreditPolicy.Evaluate(f);
        Assert.Equal(0m, r.Components.Single(c => c.Key == "refunds").Points);
        Assert.Equal(0m, r.Components.Single(c => c.Key == "acceptance").Points);
        Assert.Equal(700, r.ScoreTenths);
        Assert.Equal(CreditGrade.C, r.Grade);
        Assert.Contains("100.0%", r.Components.Single(c => c.Key == "refunds").AdviceZh);
    }

    [Theory]
    [InlineData(0, 20.0)]
    [InlineData(1_000, 19.0)]   // 1% refunded: one point off
    [InlineData(20_000, 0.0)]   // a fifth: all of it
    [InlineData(50_000, 0.0)]
    public void Refunds_cost_a_point_per_percent_of_the_money(long refundedFen, double expected) =>
        Assert.Equal((decimal)expected, CreditPolicy.Evaluate(Perfect(10) with { RefundedFen = refundedFen }).Components.Single(c => c.Key == "refunds").Points);

    [Fact]
    public void Late_shipments_and_invoices_cost_their_share_and_say_how_many()
    {
        var r = CreditPolicy.Evaluate(Perfect(20) with { ShipmentsLate = 5, InvoicesLate = 2 });
        Assert.Equal(15m, r.Components.Single(c => c.Key == "shipping").Points);
        Assert.Equal(9m, r.Components.Single(c => c.Key == "invoices").Points);
        Assert.Equal(940, r.ScoreTenths);
        Assert.Contains("5", r.Components.Single(c => c.Key == "shipping").AdviceZh);
        Assert.Contains("48", r.Components.Single(c => c.Key == "shipping").AdviceEn);
    }

    [Fact]
    public void Lost_disputes_and_upheld_complaints_are_penalties_and_the_score_never_goes_below_zero()
    {
        var r = CreditPolicy.Evaluate(Perfect(10) with { DisputesLost = 2, ComplaintsUpheld = 1 });
        Assert.Equal(1000 - 60 - 50, r.ScoreTenths);
        Assert.Equal(CreditGrade.B, r.Grade);
        var worst = CreditPolicy.Evaluate(new CreditFacts
        {
            PaidOrders = 10, PaidFen = 1000, RefundedFen = 1000, EvaluatedOrders = 10, QualitySum = 10, DeliverySum = 10, ServiceSum = 10,
            ShipmentsDue = 10, ShipmentsLate = 10, InvoicesDue = 10, InvoicesLate = 10, AcceptedOrders = 10, AcceptedWithRefundRequest = 10,
            DisputesLost = 5, ComplaintsUpheld = 5,
        });
        Assert.Equal(0, worst.ScoreTenths);
        Assert.Equal(CreditGrade.D, worst.Grade);
    }

    [Theory]
    [InlineData(1000, CreditGrade.A)]
    [InlineData(900, CreditGrade.A)]
    [InlineData(899, CreditGrade.B)]
    [InlineData(800, CreditGrade.B)]
    [InlineData(799, CreditGrade.C)]
    [InlineData(650, CreditGrade.C)]
    [InlineData(649, CreditGrade.D)]
    [InlineData(0, CreditGrade.D)]
    public void Grade_boundaries(int tenths, CreditGrade expected) => Assert.Equal(expected, CreditPolicy.GradeOf(tenths));

    [Fact]
    public void Shipment_and_invoice_deadlines()
    {
        var paid = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal((true, false), CreditPolicy.Shipment(paid, paid.AddHours(48), paid.AddDays(30)));
        Assert.Equal((true, true), CreditPolicy.Shipment(paid, paid.AddHours(48).AddSeconds(1), paid.AddDays(30)));
        Assert.Equal((false, false), CreditPolicy.Shipment(paid, null, paid.AddHours(47)));
        Assert.Equal((true, true), CreditPolicy.Shipment(paid, null, paid.AddHours(49)));
        Assert.Equal((true, false), CreditPolicy.Invoice(paid, paid.AddDays(7), paid.AddDays(30)));
        Assert.Equal((true, true), CreditPolicy.Invoice(paid, null, paid.AddDays(8)));
        Assert.Equal((false, false), CreditPolicy.Invoice(paid, null, paid.AddDays(6)));
    }

    [Fact]
    public void Better_grades_get_a_small_relevance_boost_and_the_rest_none()
    {
        Assert.True(CreditPolicy.RelevanceBoost(CreditGrade.A) > CreditPolicy.RelevanceBoost(CreditGrade.B));
        Assert.True(CreditPolicy.RelevanceBoost(CreditGrade.B) > 1f);
        Assert.Equal(1f, CreditPolicy.RelevanceBoost(CreditGrade.C));
        Assert.Equal(1f, CreditPolicy.RelevanceBoost(CreditGrade.New));
        Assert.True(CreditPolicy.RelevanceBoost(CreditGrade.A) <= 1.1f);
    }
}

public class ComplaintRulesTests
{
    [Theory]
    [InlineData(Orders.OrderStatus.PendingPayment)]
    [InlineData(Orders.OrderStatus.Cancelled)]
    public void Unpaid_orders_cannot_be_complained_about(Orders.OrderStatus status) =>
        Assert.Throws<DomainException>(() => ComplaintRules.CheckFiling(status, false, "迟迟未发货"));

    [Fact]
    public void A_complaint_needs_a_reason_within_the_limit_and_one_open_at_a_time()
    {
        ComplaintRules.CheckFiling(Orders.OrderStatus.Paid, false, "迟迟未发货");
        Assert.Throws<DomainException>(() => ComplaintRules.CheckFiling(Orders.OrderStatus.Paid, false, " "));
        Assert.Throws<DomainException>(() => ComplaintRules.CheckFiling(Orders.OrderStatus.Paid, false, new string('字', 501)));
        Assert.Throws<DomainException>(() => ComplaintRules.CheckFiling(Orders.OrderStatus.Completed, true, "又来了"));
    }

    [Fact]
    public void Only_an_open_complaint_is_ruled_on_and_a_ruling_gives_its_reason()
    {
        Assert.Equal(ComplaintStatus.Upheld, ComplaintRules.Rule(ComplaintStatus.Open, true, "属实"));
        Assert.Equal(ComplaintStatus.Dismissed, ComplaintRules.Rule(ComplaintStatus.Open, false, "不属实"));
        Assert.Throws<DomainException>(() => ComplaintRules.Rule(ComplaintStatus.Open, true, ""));
        Assert.Throws<DomainException>(() => ComplaintRules.Rule(ComplaintStatus.Upheld, false, "改判"));
    }
}
