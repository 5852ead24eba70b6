using Marketplace.Domain;
using Marketplace.Domain.Orders;

namespace Marketplace.Domain.Tests;

public class OrderStateMachineTests
{
    private static readonly string[] Actors = [Roles.Buyer, Roles.Vendor, Roles.FinanceBureau, Roles.PlatformAdmin, OrderActors.System];

    /// <summary>The whole allowed table; every other (state, action, actor) is refused.</summary>
    private static readonly (OrderStatus From, OrderAction Action, string[] Roles, OrderStatus To)[] Allowed =
    [
        (OrderStatus.PendingPayment, OrderAction.ConfirmPayment, [Roles.Vendor, OrderActors.System], OrderStatus.Paid),
        (OrderStatus.PendingPayment, OrderAction.Cancel, [Roles.Buyer, OrderActors.System], OrderStatus.Cancelled),
        (OrderStatus.Paid, OrderAction.Ship, [Roles.Vendor], OrderStatus.Shipped),
        (OrderStatus.Shipped, OrderAction.ConfirmDelivery, [Roles.Buyer, Roles.Vendor], OrderStatus.Delivered),
        (OrderStatus.Delivered, OrderAction.Accept, [Roles.Buyer], OrderStatus.Accepted),
        (OrderStatus.Accepted, OrderAction.Evaluate, [Roles.Buyer], OrderStatus.Completed),
        (OrderStatus.Delivered, OrderAction.RefundInFull, [OrderActors.System], OrderStatus.Refunded),
        (OrderStatus.Accepted, OrderAction.RefundInFull, [OrderActors.System], OrderStatus.Refunded),
        (OrderStatus.Completed, OrderAction.RefundInFull, [OrderActors.System], OrderStatus.Refunded),
    ];

    private static readonly OrderFacts AllFacts = new(true, new Shipment("顺丰速运", "SF1234567890"), new Evaluation(5, 4, 5, "新鲜"));

    [Fact]
    public void Every_state_action_and_actor_combination_follows_the_table()
    {
        var count = 0;
        foreach (var from in Enum.GetValues<OrderStatus>())
        foreach (var action in Enum.GetValues<OrderAction>())
        foreach (var actor in Actors)
        {
            count++;
            var rule = Allowed.FirstOrDefault(r => r.From == from && r.Action == action && r.Roles.Contains(actor));
            if (rule == default)
                Assert.ThrowsAny<DomainException>(() => OrderStateMachine.Apply(from, action, actor, AllFacts, "超时未支付"));
            else
            {
                var t = OrderStateMachine.Apply(from, action, actor, AllFacts, "超时未支付");
                Assert.Equal((from, rule.To, action, actor), (t.From, t.To, t.Action, t.ActorRole));
            }
        }
        Assert.Equal(8 * 7 * 5, count);
    }

    [Fact]
    public void Wrong_actor_is_forbidden_and_wrong_state_is_a_refused_request()
    {
        Assert.Throws<ForbiddenException>(() => OrderStateMachine.Apply(OrderStatus.Paid, OrderAction.Ship, Roles.Buyer, AllFacts));
        var ex = Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.Paid, OrderAction.Cancel, Roles.Buyer, AllFacts));
        Assert.IsNotType<ForbiddenException>(ex);
    }

    [Fact]
    public void Steps_check_their_preconditions()
    {
        Assert.Contains("运单号", Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.Paid, OrderAction.Ship, Roles.Vendor, new OrderFacts(Shipment: new Shipment("顺丰", " ")))).MessageZh);
        Assert.Contains("发票", Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.Delivered, OrderAction.Accept, Roles.Buyer, new OrderFacts())).MessageZh);
        Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.Accepted, OrderAction.Evaluate, Roles.Buyer, new OrderFacts()));
        Assert.Contains("1到5", Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.Accepted, OrderAction.Evaluate, Roles.Buyer, new OrderFacts(Evaluation: new Evaluation(6, 5, 5, null)))).MessageZh);
        Assert.Throws<DomainException>(() => OrderStateMachine.Apply(OrderStatus.PendingPayment, OrderAction.Cancel, OrderActors.System, new OrderFacts()));
    }

    [Fact]
    public void Only_evaluation_after_acceptance_completes_an_order()
    {
        var completing = Allowed.Select(r => OrderStateMachine.Apply(r.From, r.Action, r.Roles[0], AllFacts, "x")).Where(OrderStateMachine.Completes).ToList();
        Assert.Single(completing);
        Assert.Equal(OrderAction.Evaluate, completing[0].Action);
    }

    [Fact]
    public void Unpaid_orders_expire_after_the_timeout()
    {
        var placed = new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
        Assert.False(OrderStateMachine.PaymentExpired(placed, placed.AddMinutes(29), TimeSpan.FromMinutes(30)));
        Assert.True(OrderStateMachine.PaymentExpired(placed, placed.AddMinutes(30), TimeSpan.FromMinutes(30)));
    }
}

public class RefundRulesTests
{
    [Fact]
    public void A_refund_is_requested_after_delivery_with_a_reason_for_at_most_what_remains()
    {
        var paid = new Money(10_000);
        RefundRules.CheckRequest(OrderStatus.Delivered, paid, new Money(3_000), new Money(7_000), "部分破损");
        Assert.Throws<DomainException>(() => RefundRules.CheckRequest(OrderStatus.Shipped, paid, Money.Zero, new Money(100), "未收到"));
        Assert.Throws<DomainException>(() => RefundRules.CheckRequest(OrderStatus.Delivered, paid, Money.Zero, new Money(100), " "));
        Assert.Throws<DomainException>(() => RefundRules.CheckRequest(OrderStatus.Delivered, paid, new Money(3_000), new Money(7_001), "破损"));
        Assert.Throws<DomainException>(() => RefundRules.CheckRequest(OrderStatus.Completed, paid, Money.Zero, Money.Zero, "破损"));
    }

    [Fact]
    public void The_vendor_approves_or_disputes_and_the_platform_arbitrates()
    {
        Assert.Equal(RefundStatus.Approved, RefundRules.Apply(RefundStatus.Requested, RefundAction.Approve, Roles.Vendor, true, null));
        Assert.Throws<DomainException>(() => RefundRules.Apply(RefundStatus.Requested, RefundAction.Dispute, Roles.Vendor, false, null));
        Assert.Equal(RefundStatus.Disputed, RefundRules.Apply(RefundStatus.Requested, RefundAction.Dispute, Roles.Vendor, false, "已按约定规格发货"));
        Assert.Throws<ForbiddenException>(() => RefundRules.Apply(RefundStatus.Disputed, RefundAction.Arbitrate, Roles.Vendor, true, "x"));
        Assert.Equal(RefundStatus.Rejected, RefundRules.Apply(RefundStatus.Disputed, RefundAction.Arbitrate, Roles.PlatformAdmin, false, "照片不能证明破损"));
        Assert.Equal(RefundStatus.Approved, RefundRules.Apply(RefundStatus.Disputed, RefundAction.Arbitrate, Roles.PlatformAdmin, true, "物流破损属实"));
        Assert.Equal(RefundStatus.Refunded, RefundRules.Apply(RefundStatus.Approved, RefundAction.MarkRefunded, OrderActors.System, true, null));
        Assert.Throws<DomainException>(() => RefundRules.Apply(RefundStatus.Refunded, RefundAction.MarkRefunded, OrderActors.System, true, null));
        Assert.True(RefundRules.IsFull(new Money(100), new Money(100)));
        Assert.False(RefundRules.IsFull(new Money(100), new Money(99)));
    }
}

public class RefundableTests
{
    [Theory]
    [InlineData(1000, 0, 0, 1000)]
    [InlineData(1000, 300, 200, 500)]
    [InlineData(1000, 1000, 0, 0)]
    [InlineData(1000, 600, 600, 0)] // never negative
    public void Refundable_is_paid_less_refunded_less_open_requests(long paid, long refunded, long open, long expected) =>
        Assert.Equal(expected, RefundRules.Refundable(new Money(paid), new Money(refunded), new Money(open)).Fen);
}
