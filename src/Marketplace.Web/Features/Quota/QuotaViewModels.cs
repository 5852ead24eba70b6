using Marketplace.Domain;
using Marketplace.Domain.Quota;

namespace Marketplace.Web.Features.Quota;

public sealed class FilingForm
{
    public CanteenArrangement Arrangement { get; set; } = CanteenArrangement.OwnCanteen;
    public string? CanteenTotalYuan { get; set; }
    public string? RatioPercent { get; set; }
    public string? ExemptionReason { get; set; }
    public string? CateringOperator { get; set; }
    public int? HostUnitId { get; set; }
    /// <summary>The host unit as a person names it: its unified social credit code (the form field).</summary>
    public string? HostCreditCode { get; set; }
}

public sealed record FilingSummary(int Id, int Version, FilingStatus Status, bool IsEffective, CanteenArrangement Arrangement, Money CanteenTotal,
    BasisPoints Ratio, Money Reserved, bool NeedsExemption, bool IsLate, string? ReturnReason, DateTime? SubmittedAt);

public sealed record LedgerRow(DateOnly On, LedgerEntryKind Kind, Money Amount, long? OrderId, string SourceKey, string? Reason)
{
    /// <summary>The order the line comes from, shown as a link to it.</summary>
    public string? OrderNumber { get; init; }
}

public sealed record UnitQuotaViewModel(
    int Year, string UnitName, ReservationPolicy? Policy, FilingSummary? Latest, FilingSummary? Effective, FilingForm Form,
    MonthlyPlan? Plan, YearProgress? Progress, IReadOnlyList<LedgerRow> Ledger, int ThroughMonth)
{
    /// <summary>Set when a finance bureau looks at the unit: the page is read-only except for ledger adjustments.</summary>
    public int? BureauViewOfUnit { get; init; }
    public IReadOnlyList<Marketplace.Data.Entities.Notification> Notifications { get; init; } = [];
    /// <summary>The latest month-end alert or early warning of the year, as the unit was told it.</summary>
    public Marketplace.Data.Entities.QuotaAlert? LatestAlert { get; init; }

    /// <summary>Every ledger line of the year so far, the current month included (the same sum the region's list shows).</summary>
    public Money CompletedToDate => Ledger.Aggregate(Money.Zero, (sum, l) => sum + l.Amount);
}

public sealed record RegionFilingRow(int UnitId, string UnitName, string Region, FilingSummary? Latest, Money Completed);

public sealed record RegionQuotaViewModel(int Year, string RegionName, int RegionId, ReservationPolicy? OwnPolicy, ReservationPolicy? InForce,
    string? Filter, IReadOnlyList<RegionFilingRow> Rows, IReadOnlyDictionary<string, int> Counts);
