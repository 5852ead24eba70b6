namespace Marketplace.Domain.Orders;

public enum RefundStatus
{
    Requested = 1,
    Disputed = 2,  // the vendor disagrees; the platform arbitrates
    Approved = 3,  // by the vendor, or by the platform's arbitration; the money goes back next
    Rejected = 4,  // by the platform's arbitration
    Refunded = 5,  // the payment was refunded
}

public enum RefundAction
{
    Approve = 1,   // vendor
    Dispute = 2,   // vendor, with a reason
    Arbitrate = 3, // platform admin: approve or reject, with a reason
    MarkRefunded = 4, // system, when the payment provider confirms
}

/// <summary>
/// 退货退款: the buyer asks after delivery (reason, photos), for all or part of what remains refundable; the vendor
/// approves or disputes; the platform arbitrates a dispute; the refund is then paid out.
/// </summary>
public static class RefundRules
{
    public static readonly OrderStatus[] RefundableStates = [OrderStatus.Delivered, OrderStatus.Accepted, OrderStatus.Completed];

    /// <summary>Requests still under way: their money is spoken for and cannot be asked for again.</summary>
    public static readonly RefundStatus[] OpenStates = [RefundStatus.Requested, RefundStatus.Disputed, RefundStatus.Approved];

    /// <summary>What may still be asked for: paid, less refunded, less what open requests ask.</summary>
    public static Money Refundable(Money paid, Money refunded, Money open) => new(Math.Max(0, (paid - refunded - open).Fen));

    public static void CheckRequest(OrderStatus order, Money paid, Money alreadyRefunded, Money requested, string? reason)
    {
        if (!RefundableStates.Contains(order))
            throw new DomainException("订单送达后才能申请退货退款", "A refund can be requested once the order is delivered.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("请填写退款原因", "A refund request needs a reason.");
        var refundable = paid - alreadyRefunded;
        if (requested.Fen <= 0 || requested > refundable)
            throw new DomainException($"退款金额须大于0且不超过可退金额{refundable}", $"The refund must be above 0 and at most the refundable {refundable}.");
    }

    public static RefundStatus Apply(RefundStatus current, RefundAction action, string role, bool approve, string? reason)
    {
        var (to, who) = (current, action) switch
        {
            (RefundStatus.Requested, RefundAction.Approve) => (RefundStatus.Approved, Roles.Vendor),
            (RefundStatus.Requested, RefundAction.Dispute) => (RefundStatus.Disputed, Roles.Vendor),
            (RefundStatus.Disputed, RefundAction.Arbitrate) => (approve ? RefundStatus.Approved : RefundStatus.Rejected, Roles.PlatformAdmin),
            (RefundStatus.Approved, RefundAction.MarkRefunded) => (RefundStatus.Refunded, OrderActors.System),
            _ => throw new DomainException($"退款当前状态（{StatusNames.Zh(current)}）不能执行此操作", $"A refund in state {current} cannot take the action {action}."),
        };
        if (role != who) throw new ForbiddenException("您的角色不能处理此退款", $"Your role may not {action} this refund.");
        if (action is RefundAction.Dispute or RefundAction.Arbitrate && string.IsNullOrWhiteSpace(reason))
            throw new DomainException("请说明理由", "A reason is required.");
        return to;
    }

    /// <summary>Whether the refunds paid so far return the whole order (then the order itself becomes Refunded).</summary>
    public static bool IsFull(Money paid, Money refundedTotal) => refundedTotal >= paid;
}

/// <summary>How an order is paid: bank transfer quoting the 识别码 (the default) or card through Stripe Checkout.</summary>
public enum PaymentMethod
{
    BankTransfer = 1,
    Card = 2,
}
