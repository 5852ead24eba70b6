namespace Marketplace.Data.Entities;

/// <summary>An in-app message to a budget unit's people (e.g. a filing reminder), a vendor's people, or one user.</summary>
public class Notification
{
    public long Id { get; set; }
    public int? BudgetUnitId { get; set; }
    public string? UserId { get; set; }
    /// <summary>For a vendor's people (e.g. a new order, a refund request).</summary>
    public int? VendorId { get; set; }
    /// <summary>What it is about, e.g. /orders/42.</summary>
    public string? Link { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public required string SenderName { get; set; }
    public DateTime CreatedAt { get; set; }
}
