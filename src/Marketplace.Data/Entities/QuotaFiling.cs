using Marketplace.Domain.Quota;

namespace Marketplace.Data.Entities;

/// <summary>A region's reserved-share policy for a year. The curve is 12 cumulative basis points, comma-separated.</summary>
public class RegionPolicy
{
    public int Id { get; set; }
    public int RegionId { get; set; }
    public int Year { get; set; }
    public int MinimumRatioBp { get; set; }
    public DateOnly FilingDeadline { get; set; }
    public bool UnionPurchasesCount { get; set; }
    public int AlertThresholdBp { get; set; }
    public required string CurveBp { get; set; }
    public required string SetByUserId { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One version of a unit's yearly filing (预留份额填报). Version 1 is the original; an amendment after approval is a
/// new version, and the approved version stays in force (<see cref="IsEffective"/>) until the amendment is approved.
/// </summary>
public class QuotaFiling
{
    public int Id { get; set; }
    public int BudgetUnitId { get; set; }
    public int Year { get; set; }
    public int Version { get; set; }
    public FilingStatus Status { get; set; }
    public bool IsEffective { get; set; }
    public CanteenArrangement Arrangement { get; set; }
    public long CanteenTotalFen { get; set; }
    public int RatioBp { get; set; }
    public long ReservedFen { get; set; }
    public bool NeedsExemption { get; set; }
    public string? ExemptionReason { get; set; }
    public string? CateringOperator { get; set; }
    public int? HostUnitId { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public bool IsLate { get; set; }
    public string? ReturnReason { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<MonthlyPlanAmount> Plan { get; set; } = [];
}

public class MonthlyPlanAmount
{
    public int FilingId { get; set; }
    public int Month { get; set; }
    public long AmountFen { get; set; }
}

/// <summary>Append-only history of a filing: who did what, when, why.</summary>
public class QuotaFilingEvent
{
    public long Id { get; set; }
    public int FilingId { get; set; }
    public FilingStatus From { get; set; }
    public FilingStatus To { get; set; }
    public required string Action { get; set; }
    public required string ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public string? Reason { get; set; }
    public DateTime At { get; set; }
}
