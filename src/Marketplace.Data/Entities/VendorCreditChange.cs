using Marketplace.Domain.Credit;

namespace Marketplace.Data.Entities;

/// <summary>
/// A vendor's credit grade changed (append-only): from what, to what, with which score, and what set off the
/// computation (an order's completion, a refund, a complaint ruling, the nightly run). The platform reads the history.
/// </summary>
public class VendorCreditChange
{
    public long Id { get; set; }
    public int VendorId { get; set; }
    public CreditGrade From { get; set; }
    public CreditGrade To { get; set; }
    public int ScoreTenths { get; set; }
    public int PaidOrders { get; set; }
    public required string Trigger { get; set; }
    public DateTime At { get; set; }
}

/// <summary>投诉: a buyer's complaint about an order, ruled on by the platform (upheld or dismissed, with a reason).</summary>
public class Complaint
{
    public const int MaxText = ComplaintRules.MaxText;

    public long Id { get; set; }
    public long OrderId { get; set; }
    public Order? Order { get; set; }
    public int VendorId { get; set; }
    public required string Reason { get; set; }
    public ComplaintStatus Status { get; set; }
    public required string FiledByUserId { get; set; }
    public DateTime FiledAt { get; set; }
    public string? RulingNote { get; set; }
    public string? RuledByName { get; set; }
    public DateTime? RuledAt { get; set; }
    public int Version { get; set; }
}
