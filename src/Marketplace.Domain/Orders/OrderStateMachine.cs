namespace Marketplace.Domain.Orders;

public enum OrderStatus
{
    PendingPayment = 1,
    Paid = 2,
    Shipped = 3,
    Delivered = 4,
    Accepted = 5,   // 验收: the buyer confirmed the goods and the vendor's invoice
    Completed = 6,  // accepted, paid and evaluated: counts for the unit's reserved share
    Cancelled = 7,
    Refunded = 8,   // fully refunded
}

public enum OrderAction
{
    ConfirmPayment = 1,  // bank transfer confirmed by the vendor / statement import, or Stripe's webhook
    Cancel = 2,          // before payment: the buyer, or the system when payment times out
    Ship = 3,            // the vendor, with carrier and tracking number
    ConfirmDelivery = 4, // the buyer (or the vendor with proof of delivery)
    Accept = 5,          // the buyer, once the vendor's invoice is uploaded
    Evaluate = 6,        // the buyer rates quality, delivery and service
    RefundInFull = 7,    // the system, when refunds reach the paid amount
}

public static class OrderActors
{
    public const string System = "System";
}

/// <summary>One recorded step: who moved the order from which state to which, and why.</summary>
public sealed record OrderTransition(OrderStatus From, OrderStatus To, OrderAction Action, string ActorRole, string? Reason);

/// <summary>What the preconditions of a step look at, besides the state.</summary>
public sealed record OrderFacts(bool InvoiceUploaded = false, Shipment? Shipment = null, Evaluation? Evaluation = null);

public sealed record Shipment(string Carrier, string TrackingNumber);

/// <summary>The buyer's evaluation (评价): three ratings from 1 to 5 and an optional comment.</summary>
public sealed record Evaluation(int Quality, int Delivery, int Service, string? Comment)
{
    public const int MaxComment = 500;

    public string? Problem() =>
        new[] { Quality, Delivery, Service }.Any(r => r is < 1 or > 5) ? "评分须为1到5分 / Ratings are from 1 to 5."
        : (Comment?.Length ?? 0) > MaxComment ? $"评价不能超过{MaxComment}字 / The comment may have at most {MaxComment} characters."
        : null;
}

/// <summary>
/// The order life cycle as one table: PendingPayment → Paid → Shipped → Delivered → Accepted → Completed, cancel
/// before payment, full refund after delivery. <see cref="Apply"/> is the only way to move an order; every result
/// is recorded by the caller as history, and <see cref="Completes"/> tells when the ledger event must be published.
/// </summary>
public static class OrderStateMachine
{
    private sealed record Rule(OrderStatus From, OrderAction Action, OrderStatus To, string[] Roles);

    private static readonly Rule[] Rules =
    [
        new(OrderStatus.PendingPayment, OrderAction.ConfirmPayment, OrderStatus.Paid, [Domain.Roles.Vendor, OrderActors.System]),
        new(OrderStatus.PendingPayment, OrderAction.Cancel, OrderStatus.Cancelled, [Domain.Roles.Buyer, OrderActors.System]),
        new(OrderStatus.Paid, OrderAction.Ship, OrderStatus.Shipped, [Domain.Roles.Vendor]),
        new(OrderStatus.Shipped, OrderAction.ConfirmDelivery, OrderStatus.Delivered, [Domain.Roles.Buyer, Domain.Roles.Vendor]),
        new(OrderStatus.Delivered, OrderAction.Accept, OrderStatus.Accepted, [Domain.Roles.Buyer]),
        new(OrderStatus.Accepted, OrderAction.Evaluate, OrderStatus.Completed, [Domain.Roles.Buyer]),
        new(OrderStatus.Delivered, OrderAction.RefundInFull, OrderStatus.Refunded, [OrderActors.System]),
        new(OrderStatus.Accepted, OrderAction.RefundInFull, OrderStatus.Refunded, [OrderActors.System]),
        new(OrderStatus.Completed, OrderAction.RefundInFull, OrderStatus.Refunded, [OrderActors.System]),
    ];

    public static IEnumerable<OrderAction> AllowedActions(OrderStatus status, string role) =>
        Rules.Where(r => r.From == status && r.Roles.Contains(role)).Select(r => r.Action);

    public static OrderTransition Apply(OrderStatus current, OrderAction action, string role, OrderFacts facts, string? reason = null)
    {
        var rule = Rules.FirstOrDefault(r => r.From == current && r.Action == action)
                   ?? throw new DomainException($"订单当前状态（{StatusNames.Zh(current)}）不能执行此操作", $"An order in state {current} cannot take the action {action}.");
        if (!rule.Roles.Contains(role))
            throw new ForbiddenException("您的角色不能对订单执行此操作", $"Your role may not {action} an order.");
        switch (action)
        {
            case OrderAction.Ship when facts.Shipment is not { } s || string.IsNullOrWhiteSpace(s.Carrier) || string.IsNullOrWhiteSpace(s.TrackingNumber):
                throw new DomainException("发货须填写承运商和运单号", "Shipping needs the carrier and the tracking number.");
            case OrderAction.Accept when !facts.InvoiceUploaded:
                throw new DomainException("供应商上传发票后才能验收", "The order can be accepted once the vendor has uploaded the invoice.");
            case OrderAction.Evaluate when facts.Evaluation is not { } e:
                throw new DomainException("请填写评价", "An evaluation is required.");
            case OrderAction.Evaluate when facts.Evaluation!.Problem() is { } problem:
                throw new DomainException(problem.Split(" / ")[0], problem.Split(" / ")[1]);
            case OrderAction.Cancel when role == OrderActors.System && string.IsNullOrWhiteSpace(reason):
                throw new DomainException("系统取消须说明原因", "A system cancellation records its reason.");
        }
        return new OrderTransition(current, rule.To, action, role, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
    }

    /// <summary>The step that makes an order count for the unit's reserved share (publish OrderCompleted).</summary>
    public static bool Completes(OrderTransition t) => t.To == OrderStatus.Completed;

    /// <summary>Unpaid orders hold stock; they are released when this has passed since the order was placed.</summary>
    public static bool PaymentExpired(DateTime placedAtUtc, DateTime nowUtc, TimeSpan timeout) => nowUtc - placedAtUtc >= timeout;
}
