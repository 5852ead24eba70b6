namespace Marketplace.Data.Entities;

/// <summary>预算单位: a budget unit that buys for its canteen.</summary>
public class BudgetUnit
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string CreditCode { get; set; }
    public int RegionId { get; set; }
    public Region? Region { get; set; }
    public int? ParentId { get; set; }
    public BudgetUnit? Parent { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>A unit is deactivated, never deleted: filings, orders and ledger lines keep pointing at it.</summary>
    public bool IsActive { get; set; } = true;
    /// <summary>How its canteen is run, as the unit list declares it (the yearly filing confirms it); null: not stated.</summary>
    public Marketplace.Domain.Quota.CanteenArrangement? Canteen { get; set; }
}
