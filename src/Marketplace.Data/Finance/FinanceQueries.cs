using System.Globalization;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data.Finance;

/// <summary>What a finance bureau looks at: a region (0 = the whole platform) in a closed month of a year.</summary>
public sealed record FinanceScope(int RegionId, int Year, int Month)
{
    public (int From, int To) Range => RegionId == 0 ? (0, int.MaxValue) : RegionCode.SubtreeRange(RegionId);

    /// <summary>The level below the scope that its roll-up table shows (province → cities → counties); null for a county.</summary>
    public RegionLevel? ChildLevel => RegionId == 0 ? RegionLevel.Province : RegionCode.LevelOf(RegionId) switch
    {
        RegionLevel.Province => RegionLevel.City,
        RegionLevel.City => RegionLevel.County,
        _ => null,
    };

    /// <summary>The child region a unit's region code rolls up to under this scope.</summary>
    public int ChildOf(int regionId) => ChildLevel switch
    {
        RegionLevel.Province => RegionCode.ProvinceOf(regionId),
        RegionLevel.City => regionId / 100 * 100,
        _ => regionId,
    };
}

public sealed record Figures(int Units, int Exempt, int Shared, int Filed, int Approved, int NotFiled, int Lagging, int Escalated, int ProjectedToMiss,
    long ReservedFen, long CompletedFen, long ExpectedFen)
{
    /// <summary>Every unit files, if only to declare it has no canteen or shares one.</summary>
    public int Required => Units;
    public BasisPoints Completion => Progress.Share(new Money(CompletedFen), new Money(ReservedFen));
    public BasisPoints TimeProgress => ReservedFen <= 0 ? new BasisPoints(0) : Progress.Share(new Money(ExpectedFen), new Money(ReservedFen));
    public Money Reserved => new(ReservedFen);
    public Money Completed => new(CompletedFen);

    public static Figures Sum(IEnumerable<Figures> rows) => rows.Aggregate(new Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), (a, b) => new Figures(
        a.Units + b.Units, a.Exempt + b.Exempt, a.Shared + b.Shared, a.Filed + b.Filed, a.Approved + b.Approved, a.NotFiled + b.NotFiled,
        a.Lagging + b.Lagging, a.Escalated + b.Escalated, a.ProjectedToMiss + b.ProjectedToMiss, a.ReservedFen + b.ReservedFen,
        a.CompletedFen + b.CompletedFen, a.ExpectedFen + b.ExpectedFen));
}

public sealed record RegionRow(int RegionId, Figures Figures);

public sealed record MonthPoint(int Month, long CompletedFen, long ExpectedFen, long ReservedFen);

public sealed record UnitRow(
    int UnitId, string Name, string CreditCode, int RegionId, StandingStatus Status, long ReservedFen, long CompletedFen, long PlannedFen,
    long ExpectedFen, int CompletionBp, int ExpectedBp, long ShortfallFen, long NeededPerMonthFen, int MonthsBehind, bool Escalated,
    long ForecastFen, bool ProjectedToMiss);

/// <summary>Which units a table shows and in what order. Filters: lagging, notfiled, escalated, projected, ontrack, exempt, pending.</summary>
public sealed record UnitQuery(string? Filter = null, int? BandFrom = null, int? BandTo = null, string Sort = "completion", string? After = null, string? Search = null)
{
    public static readonly IReadOnlyList<string> Filters = ["lagging", "notfiled", "escalated", "projected", "ontrack", "exempt", "pending"];
    public static readonly IReadOnlyList<string> Sorts = ["completion", "-completion", "shortfall", "unit"];
}

/// <summary>
/// The finance dashboard's reads. Region figures come from the month's region roll-ups (a few thousand rows);
/// unit tables read the standings snapshot with keyset paging. Nothing here reads the ledger.
/// </summary>
public sealed class FinanceQueries(MarketplaceDbContext db)
{
    public Task<bool> HasRunAsync(FinanceScope scope, CancellationToken ct)
    {
        var (from, to) = scope.Range;
        return db.RegionMonthTotals.AnyAsync(t => t.Year == scope.Year && t.Month == scope.Month && t.RegionId >= from && t.RegionId <= to, ct);
    }

    /// <summary>The scope's figures per child region (province → cities → counties); a county scope gives one row.</summary>
    public async Task<IReadOnlyList<RegionRow>> SubRegionsAsync(FinanceScope scope, CancellationToken ct) =>
        (await RegionTotalsAsync(scope.Year, scope.Month, scope, ct))
        .GroupBy(t => scope.ChildOf(t.RegionId))
        .Select(g => new RegionRow(g.Key, Figures.Sum(g.Select(ToFigures))))
        .OrderBy(r => r.RegionId).ToList();

    public async Task<Figures> TotalsAsync(FinanceScope scope, CancellationToken ct) =>
        Figures.Sum((await RegionTotalsAsync(scope.Year, scope.Month, scope, ct)).Select(ToFigures));

    /// <summary>Completed against expected for each month of the year that has been closed, for the scope.</summary>
    public async Task<IReadOnlyList<MonthPoint>> MonthlySeriesAsync(FinanceScope scope, CancellationToken ct)
    {
        var (from, to) = scope.Range;
        var rows = await db.RegionMonthTotals.AsNoTracking().Where(t => t.Year == scope.Year && t.Month <= scope.Month && t.RegionId >= from && t.RegionId <= to)
            .GroupBy(t => t.Month).Select(g => new { Month = g.Key, Completed = g.Sum(t => t.CompletedFen), Expected = g.Sum(t => t.ExpectedFen), Reserved = g.Sum(t => t.ReservedFen) })
            .ToListAsync(ct);
        return rows.OrderBy(r => r.Month).Select(r => new MonthPoint(r.Month, r.Completed, r.Expected, r.Reserved)).ToList();
    }

    /// <summary>How many units with a requirement fall in each ten-point completion band (the last is 100% and over).</summary>
    public async Task<int[]> DistributionAsync(FinanceScope scope, CancellationToken ct)
    {
        var bands = await Standings(scope).Where(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging)
            .GroupBy(s => s.CompletionBp >= 10_000 ? 10 : s.CompletionBp < 0 ? 0 : s.CompletionBp / 1_000)
            .Select(g => new { Band = g.Key, Count = g.Count() }).ToListAsync(ct);
        var result = new int[11];
        foreach (var b in bands) result[b.Band] = b.Count;
        return result;
    }

    private IQueryable<UnitMonthStanding> Standings(FinanceScope scope)
    {
        var (from, to) = scope.Range;
        var q = db.UnitMonthStandings.AsNoTracking().Where(s => s.Year == scope.Year && s.Month == scope.Month);
        return scope.RegionId == 0 ? q : q.Where(s => s.RegionId >= from && s.RegionId <= to);
    }

    /// <summary>
    /// A page of units (or all of them when <paramref name="take"/> is null, streamed: exports never hold the table in
    /// memory). The cursor is "sortValue.unitId" of the last row shown.
    /// </summary>
    public IAsyncEnumerable<UnitRow> UnitsAsync(FinanceScope scope, UnitQuery query, int? take)
    {
        var q = Standings(scope);
        q = query.Filter switch
        {
            "lagging" => q.Where(s => s.Status == StandingStatus.Lagging),
            "notfiled" => q.Where(s => s.Status == StandingStatus.NotFiled),
            "escalated" => q.Where(s => s.Escalated),
            "projected" => q.Where(s => s.ProjectedToMiss),
            "ontrack" => q.Where(s => s.Status == StandingStatus.OnTrack),
            "exempt" => q.Where(s => s.Status == StandingStatus.Exempt || s.Status == StandingStatus.Shared),
            "pending" => q.Where(s => s.Status == StandingStatus.Pending),
            _ => q,
        };
        if (query.BandFrom is { } lo) q = q.Where(s => s.CompletionBp >= lo * 100 && (s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging));
        if (query.BandTo is { } hi) q = q.Where(s => s.CompletionBp < hi * 100);
        var rows = from s in q
                   join u in db.BudgetUnits on s.BudgetUnitId equals u.Id
                   select new { s, u.Name, u.CreditCode };
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            rows = rows.Where(r => r.Name.Contains(term) || r.CreditCode == term.ToUpperInvariant());
        }
        var (value, id) = ParseCursor(query.After);
        rows = query.Sort switch
        {
            "-completion" => (id is null ? rows : rows.Where(r => r.s.CompletionBp < value || (r.s.CompletionBp == value && r.s.BudgetUnitId > id)))
                .OrderByDescending(r => r.s.CompletionBp).ThenBy(r => r.s.BudgetUnitId),
            "shortfall" => (id is null ? rows : rows.Where(r => r.s.ShortfallFen < value || (r.s.ShortfallFen == value && r.s.BudgetUnitId > id)))
                .OrderByDescending(r => r.s.ShortfallFen).ThenBy(r => r.s.BudgetUnitId),
            "unit" => (id is null ? rows : rows.Where(r => r.s.BudgetUnitId > id)).OrderBy(r => r.s.BudgetUnitId),
            _ => (id is null ? rows : rows.Where(r => r.s.CompletionBp > value || (r.s.CompletionBp == value && r.s.BudgetUnitId > id)))
                .OrderBy(r => r.s.CompletionBp).ThenBy(r => r.s.BudgetUnitId),
        };
        if (take is { } n) rows = rows.Take(n);
        return rows.Select(r => new UnitRow(r.s.BudgetUnitId, r.Name, r.CreditCode, r.s.RegionId, r.s.Status, r.s.ReservedFen, r.s.CompletedFen,
            r.s.PlannedFen, r.s.ExpectedFen, r.s.CompletionBp, r.s.ExpectedBp, r.s.ShortfallFen, r.s.NeededPerMonthFen, r.s.MonthsBehind,
            r.s.Escalated, r.s.ForecastFen, r.s.ProjectedToMiss)).AsAsyncEnumerable();
    }

    public static string CursorOf(UnitRow row, string sort) => sort switch
    {
        "-completion" or "completion" => $"{row.CompletionBp}.{row.UnitId}",
        "shortfall" => $"{row.ShortfallFen}.{row.UnitId}",
        _ => $"0.{row.UnitId}",
    };

    private static (long Value, int? Id) ParseCursor(string? cursor)
    {
        if (cursor is null) return (0, null);
        var dot = cursor.LastIndexOf('.');
        return dot > 0 && long.TryParse(cursor[..dot], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                       && int.TryParse(cursor[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? (v, id) : throw new DomainException("分页参数无效", "Not a valid page cursor.");
    }

    /// <summary>Top or bottom units by completion among those with a requirement in force.</summary>
    public async Task<IReadOnlyList<UnitRow>> RankAsync(FinanceScope scope, bool best, int count, CancellationToken ct)
    {
        var q = Standings(scope).Where(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging);
        q = best ? q.OrderByDescending(s => s.CompletionBp).ThenBy(s => s.BudgetUnitId) : q.OrderBy(s => s.CompletionBp).ThenBy(s => s.BudgetUnitId);
        return await (from s in q.Take(count)
                      join u in db.BudgetUnits on s.BudgetUnitId equals u.Id
                      select new UnitRow(s.BudgetUnitId, u.Name, u.CreditCode, s.RegionId, s.Status, s.ReservedFen, s.CompletedFen, s.PlannedFen,
                          s.ExpectedFen, s.CompletionBp, s.ExpectedBp, s.ShortfallFen, s.NeededPerMonthFen, s.MonthsBehind, s.Escalated,
                          s.ForecastFen, s.ProjectedToMiss)).ToListAsync(ct);
    }

    /// <summary>The standing of one unit (for scope checks and the unit's own page).</summary>
    public Task<UnitMonthStanding?> StandingAsync(int unitId, int year, int month, CancellationToken ct) =>
        db.UnitMonthStandings.AsNoTracking().FirstOrDefaultAsync(s => s.BudgetUnitId == unitId && s.Year == year && s.Month == month, ct);

    private async Task<List<RegionMonthTotal>> RegionTotalsAsync(int year, int month, FinanceScope scope, CancellationToken ct)
    {
        var (from, to) = scope.Range;
        return await db.RegionMonthTotals.AsNoTracking().Where(t => t.Year == year && t.Month == month && t.RegionId >= from && t.RegionId <= to).ToListAsync(ct);
    }

    private static Figures ToFigures(RegionMonthTotal t) => new(t.Units, t.Exempt, t.Shared, t.Filed, t.Approved, t.NotFiled, t.Lagging, t.Escalated,
        t.ProjectedToMiss, t.ReservedFen, t.CompletedFen, t.ExpectedFen);
}
