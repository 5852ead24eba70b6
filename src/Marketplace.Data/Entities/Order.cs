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
