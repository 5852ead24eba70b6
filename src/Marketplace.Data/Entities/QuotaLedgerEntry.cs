using Marketplace.Domain.Quota;

namespace Marketplace.Data.Entities;

/// <summary>One line of the reserved-share ledger. Append-only: never updated or deleted (database triggers refuse it).</summary>
public class QuotaLedgerEntry
{
    public long Id { get; set; }
    public int BudgetUnitId { get; set; }
    public int Year { get; set; }
    public LedgerEntryKind Kind { get; set; }
    public long AmountFen { get; set; }
    public DateOnly On { get; set; }
    /// <summary>Unique: the event this line came from (order:42:completed, order:42:refund:7, adjust:…).</summary>
    public required string SourceKey { get; set; }
    public long? OrderId { get; set; }
    public string? Reason { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A unit's ledger total per month of a year (lines dated after the year count in December), kept in the same
/// transaction as every ledger line: month end and dashboards add these up instead of the lines themselves.
/// Derived data: it can always be rebuilt from the ledger.
/// </summary>
public class QuotaLedgerMonth
{
    public int Year { get; set; }
    public int BudgetUnitId { get; set; }
    public int Month { get; set; }
    public long AmountFen { get; set; }
    public int Lines { get; set; }
}
