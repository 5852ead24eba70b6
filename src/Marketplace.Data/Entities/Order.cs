using Marketplace.Domain.Orders;

namespace Marketplace.Data.Entities;

/// <summary>A buyer's cart line, kept in the database (no session state on the web nodes).</summary>
public class CartItem
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Quantity { get; set; }
    public DateTime AddedAt { get; set; }
}

/// <summary>One vendor's part of a checkout. Prices are copied onto the lines at order time.</summary>
public class Order
{
    public long Id { get; set; }
    /// <summary>Human-readable and unique, e.g. 2026112304718265.</summary>
    public required string Number { get; set; }
    public int BudgetUnitId { get; set; }
    public BudgetUnit? BudgetUnit { get; set; }
    public required string BuyerUserId { get; set; }
    public int VendorId { get; set; }
    public Vendor? Vendor { get; set; }
    public OrderStatus Status { get; set; }
    public long TotalFen { get; set; }
    public long PaidFen { get; set; }
    public long RefundedFen { get; set; }
    /// <summary>识别码: quoted on the bank transfer so the vendor can match the payment.</summary>
    public required string PaymentCode { get; set; }
    public required string DeliveryAddress { get; set; }
    public required string CanteenContact { get; set; }
    public required string ContactPhone { get; set; }
    public DateTime PlacedAt { get; set; }
    public DateTime? PaidAt { get; set; }
    public PaymentMethod PaymentMethod { get; set; } = PaymentMethod.BankTransfer;
    /// <summary>The Stripe Checkout Session started for this order (card payments), and the payment it produced.</summary>
    public string? StripeSessionId { get; set; }
    public string? StripePaymentIntentId { get; set; }
    /// <summary>When the vendor shipped, and when the invoice was uploaded (vendor credit measures both).</summary>
    public DateTime? ShippedAt { get; set; }
    public DateTime? InvoiceUploadedAt { get; set; }
    public string? Carrier { get; set; }
    public string? TrackingNumber { get; set; }
    /// <summary>Storage key of the vendor's invoice (PDF or image), required before acceptance.</summary>
    public string? InvoiceKey { get; set; }
    /// <summary>验收 date in China time: the year the order counts for.</summary>
    public DateOnly? AcceptedOn { get; set; }
    public int? RatingQuality { get; set; }
    public int? RatingDelivery { get; set; }
    public int? RatingService { get; set; }
    public string? EvaluationComment { get; set; }
    public int Version { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

public class OrderLine
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public int ProductId { get; set; }
    public required string ProductName { get; set; }
    public required string Specification { get; set; }
    public required string Unit { get; set; }
    public long UnitPriceFen { get; set; }
    public int Quantity { get; set; }
    public long LineTotalFen { get; set; }
}

/// <summary>Append-only history of an order: every transition with who, when and why.</summary>
public class OrderHistory
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public OrderStatus? From { get; set; }
    public OrderStatus To { get; set; }
    public required string Action { get; set; }
    public required string ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public string? Reason { get; set; }
    public DateTime At { get; set; }
}

/// <summary>An incoming transfer from a vendor's bank statement import and what it did (or why it was flagged).</summary>
public class BankStatementLine
{
    public long Id { get; set; }
    public int VendorId { get; set; }
    /// <summary>The bank's transaction serial number: unique per vendor, so a statement imported twice confirms nothing twice.</summary>
    public required string TransactionId { get; set; }
    public DateOnly BookedOn { get; set; }
    public long AmountFen { get; set; }
    public required string Payer { get; set; }
    public required string Memo { get; set; }
    public long? OrderId { get; set; }
    public string? OrderNumber { get; set; }
    public StatementOutcome Outcome { get; set; }
    public required string ImportedByUserId { get; set; }
    public DateTime ImportedAt { get; set; }
}

/// <summary>A payment-provider webhook event already applied: its id is the key, so each event takes effect once.</summary>
public class ProcessedWebhookEvent
{
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public long? OrderId { get; set; }
    public DateTime ProcessedAt { get; set; }
}

/// <summary>退货退款申请: a buyer's request for all or part of a delivered order's money back.</summary>
public class RefundRequest
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public Order? Order { get; set; }
    public long AmountFen { get; set; }
    public required string Reason { get; set; }
    /// <summary>Storage keys of the buyer's photos, space-separated.</summary>
    public string PhotoKeys { get; set; } = "";
    public RefundStatus Status { get; set; }
    public required string RequestedByUserId { get; set; }
    public DateTime RequestedAt { get; set; }
    public string? VendorNote { get; set; }
    public string? ArbitrationNote { get; set; }
    /// <summary>Bank reference of the transfer back, or the Stripe refund id.</summary>
    public string? PayoutReference { get; set; }
    public DateTime? RefundedAt { get; set; }
    public int Version { get; set; }
}
