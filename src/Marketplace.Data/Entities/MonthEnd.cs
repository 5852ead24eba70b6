using Marketplace.Domain;
using Marketplace.Domain.Quota;

namespace Marketplace.Data.Entities;

public enum MonthEndRunKind
{
    MonthEnd = 1,      // after a closed month: standings, 进度落后 / 未填报 alerts, escalation
    EarlyWarning = 2,  // mid-month: heads-up to units projected to miss the month
}

/// <summary>
/// One month-end (or early-warning) run for a region scope (0 = the whole platform), year and month. A crash
/// leaves it Running with the last unit it finished; the next run resumes from there.
/// </summary>
public class MonthEndRun
{
    public int Id { get; set; }
    public int ScopeRegionId { get; set; }
    public int Year { get; set; }
    public int Month { get; set; }
    public MonthEndRunKind Kind { get; set; }
    public bool Completed { get; set; }
    public int LastUnitId { get; set; }
    public int UnitsProcessed { get; set; }
    public int AlertsRaised { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public required string StartedBy { get; set; }
}

/// <summary>
/// A unit's position at the end of a month (a snapshot the month-end run writes, and rewrites when re-run): what the
/// dashboard, rankings and exports read, so no page aggregates the ledger.
/// </summary>
public class UnitMonthStanding
{
    public int Year { get; set; }
    public int Month { get; set; }
    public int BudgetUnitId { get; set; }
    public int RegionId { get; set; }
    public StandingStatus Status { get; set; }
    public long ReservedFen { get; set; }
    public long CompletedFen { get; set; }
    public long PlannedFen { get; set; }
    public long ExpectedFen { get; set; }
    public int CompletionBp { get; set; }
    public int ExpectedBp { get; set; }
    public int LagBp { get; set; }
    public long ShortfallFen { get; set; }
    public long NeededPerMonthFen { get; set; }
    public int MonthsBehind { get; set; }
    public bool Escalated { get; set; }
    public long ForecastFen { get; set; }
    public bool ProjectedToMiss { get; set; }
    public DateTime ComputedAt { get; set; }
}

/// <summary>An alert raised for a unit: unique per unit, year, month and kind, so re-runs never repeat one.</summary>
public class QuotaAlert
{
    public long Id { get; set; }
    public int BudgetUnitId { get; set; }
    public int Year { get; set; }
    public int Month { get; set; }
    public AlertKind Kind { get; set; }
    public int RegionId { get; set; }
    public long ReservedFen { get; set; }
    public long CompletedFen { get; set; }
    public int CompletionBp { get; set; }
    public int ExpectedBp { get; set; }
    public long ShortfallFen { get; set; }
    public long NeededPerMonthFen { get; set; }
    public int MonthsBehind { get; set; }
    public bool Escalated { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The text the unit was sent, rebuilt from the figures (the same words as its notification and e-mail).</summary>
    public (string Title, string Body) Describe() => MonthEndRules.Describe(Kind, Year, Month, new Standing(
        StandingStatus.Lagging, new Money(ReservedFen), new Money(CompletedFen), Money.Zero, Money.Zero, new BasisPoints(CompletionBp),
        new BasisPoints(ExpectedBp), ExpectedBp - CompletionBp, new Money(ShortfallFen), new Money(NeededPerMonthFen), MonthsBehind, Escalated,
        Money.Zero, false, Kind));
}

/// <summary>An e-mail waiting to be sent (or sent): written in the same transaction as what it tells, sent with retries.</summary>
public class EmailMessage
{
    public long Id { get; set; }
    /// <summary>Unique: what this mail is for and to whom (alert:…:user), so it is queued once.</summary>
    public required string SourceKey { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// Per region (the units' own region code) and month: counts and sums of the standings, rebuilt after each month-end
/// run, so region roll-ups, drill-downs and the monthly chart add up a few thousand rows instead of every unit's.
/// Amounts count units with a requirement in force (on track or lagging).
/// </summary>
public class RegionMonthTotal
{
    public int Year { get; set; }
    public int Month { get; set; }
    public int RegionId { get; set; }
    public int Units { get; set; }
    public int Exempt { get; set; }
    public int Shared { get; set; }
    public int Filed { get; set; }
    public int Approved { get; set; }
    public int NotFiled { get; set; }
    public int Lagging { get; set; }
    public int Escalated { get; set; }
    public int ProjectedToMiss { get; set; }
    public long ReservedFen { get; set; }
    public long CompletedFen { get; set; }
    public long ExpectedFen { get; set; }
}
