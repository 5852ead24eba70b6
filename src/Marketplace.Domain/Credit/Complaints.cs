using Marketplace.Domain.Orders;

namespace Marketplace.Domain.Credit;

public enum ComplaintStatus
{
    Open = 1,
    Upheld = 2,     // the platform found for the buyer: it counts against the vendor's credit
    Dismissed = 3,
}

/// <summary>
/// 投诉: a buyer complains about a paid order (late, short, poor goods, the vendor unreachable…); the platform rules —
/// upheld (it costs the vendor <see cref="CreditPolicy.ComplaintPenalty"/> points for a year) or dismissed — with a
/// reason both sides see. One open complaint per order at a time.
/// </summary>
public static class ComplaintRules
{
    public const int MaxText = 500;

    public static void CheckFiling(OrderStatus order, bool alreadyOpen, string? reason)
    {
        if (order is OrderStatus.PendingPayment or OrderStatus.Cancelled)
            throw new DomainException("订单付款后才能投诉", "A complaint can be made once the order is paid.");
        if (alreadyOpen) throw new DomainException("该订单已有待处理的投诉", "This order already has a complaint awaiting a ruling.");
        if (string.IsNullOrWhiteSpace(reason)) throw new DomainException("请填写投诉理由", "A complaint needs a reason.");
        if (reason.Trim().Length > MaxText) throw new DomainException($"投诉理由不能超过{MaxText}字", $"The reason may have at most {MaxText} characters.");
    }

    public static ComplaintStatus Rule(ComplaintStatus current, bool uphold, string? note)
    {
        if (current != ComplaintStatus.Open) throw new DomainException("该投诉已处理", "This complaint has already been ruled on.");
        if (string.IsNullOrWhiteSpace(note)) throw new DomainException("请说明裁定理由", "A ruling needs a reason.");
        if (note.Trim().Length > MaxText) throw new DomainException($"裁定理由不能超过{MaxText}字", $"The reason may have at most {MaxText} characters.");
        return uphold ? ComplaintStatus.Upheld : ComplaintStatus.Dismissed;
    }
}
