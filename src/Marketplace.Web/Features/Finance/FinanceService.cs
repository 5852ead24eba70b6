using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Finance;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Finance;

public sealed record RankedRegion(int RegionId, string Name, Figures Figures);

public sealed record FinanceDashboard(
    FinanceScope Scope, string ScopeName, IReadOnlyList<(int Id, string Name)> Breadcrumbs, bool HasRun, MonthEndRun? LastRun,
    Figures Totals, IReadOnlyList<RankedRegion> Regions, IReadOnlyList<UnitRow> Units, string? NextCursor, UnitQuery Query,
    IReadOnlyList<UnitRow> Best, IReadOnlyList<UnitRow> Worst, IReadOnlyList<UnitRow> Escalated, IReadOnlyList<MonthPoint> Series,
    int[] Distribution, (int Year, int Month) LastClosed, bool CanRun);

/// <summary>
/// The finance bureau's side of reserved shares: which scope a user may look at (a bureau its own region's subtree,
/// the platform everything), the dashboard's sections (one query each), month-end by hand and reminders.
/// </summary>
public sealed class FinanceService(MarketplaceDbContext db, FinanceQueries queries, RegionDirectory regions, TimeProvider clock, MonthEndJob job,
    Administration.AdministrationService admin, Microsoft.AspNetCore.OutputCaching.IOutputCacheStore pages)
{
    public const int PageSize = 50;

    public (int Year, int Month) LastClosed => MonthEndJob.LastClosedMonth(MonthEndJob.TodayInChina(clock));

    /// <summary>
    /// The scope asked for, checked against the user: a finance bureau sees its own region and the regions below it
    /// (403 above or beside it), a platform admin any region or the whole platform (0). The month must be closed.
    /// </summary>
    public FinanceScope ScopeFor(Actor actor, int? region, int? year, int? month)
    {
        int scope;
        if (actor.Is(Roles.PlatformAdmin)) scope = region ?? 0;
        else if (actor.Is(Roles.FinanceBureau) && actor.RegionId is { } own)
        {
            scope = region ?? own;
            if (!RegionCode.IsValid(scope) || !RegionCode.Contains(own, scope))
                throw new ForbiddenException("只能查看本级及下级地区", "A finance bureau sees its own region and the regions below it only.");
        }
        else throw new ForbiddenException("只有财政部门和平台可以查看", "Finance bureaus and the platform only.");
        if (scope != 0 && (!RegionCode.IsValid(scope) || regions.Find(scope) is null))
            throw new DomainException("地区代码无效", "Not a valid region code.");
        var (lastYear, lastMonth) = LastClosed;
        var y = year ?? lastYear;
        var m = month ?? (y == lastYear ? lastMonth : 12);
        if (y is < 2020 or > 2100 || m is < 1 or > 12) throw new DomainException("年月无效", "Not a valid year and month.");
        if (y > lastYear || (y == lastYear && m > lastMonth))
            throw new DomainException($"{y}年{m}月尚未结束；最近结束的月份是{lastYear}年{lastMonth}月", $"{y}-{m:00} has not ended yet; the last closed month is {lastYear}-{lastMonth:00}.");
        return new FinanceScope(scope, y, m);
    }

    public string NameOf(int region) => region == 0 ? DisplayText.OneLanguage("全国 / All regions") : regions.PathOf(region);

    public string ChildName(FinanceScope scope, int child) => child == scope.RegionId ? regions.NameOf(child) + "（本级）" : regions.NameOf(child);

    public async Task<FinanceDashboard> DashboardAsync(Actor actor, FinanceScope scope, UnitQuery query, CancellationToken ct)
    {
        var hasRun = await queries.HasRunAsync(scope, ct);
        var lastRun = await db.MonthEndRuns.AsNoTracking().Where(r => r.Year == scope.Year && r.Month == scope.Month && r.Kind == MonthEndRunKind.MonthEnd)
            .OrderByDescending(r => r.CompletedAt).FirstOrDefaultAsync(ct);
        var subRegions = await queries.SubRegionsAsync(scope, ct);
        var units = await queries.UnitsAsync(scope, query, PageSize + 1).ToListAsync(ct);
        var next = units.Count > PageSize ? FinanceQueries.CursorOf(units[PageSize - 1], query.Sort) : null;
        return new FinanceDashboard(scope, NameOf(scope.RegionId), Breadcrumbs(actor, scope.RegionId), hasRun, lastRun,
            Figures.Sum(subRegions.Select(r => r.Figures)),
            subRegions.Select(r => new RankedRegion(r.RegionId, ChildName(scope, r.RegionId), r.Figures)).ToList(),
            units.Take(PageSize).ToList(), next, query,
            await queries.RankAsync(scope, best: true, 10, ct), await queries.RankAsync(scope, best: false, 10, ct),
            await queries.UnitsAsync(scope, new UnitQuery("escalated", Sort: "shortfall"), 50).ToListAsync(ct),
            await queries.MonthlySeriesAsync(scope, ct), await queries.DistributionAsync(scope, ct), LastClosed, CanRun(actor, scope.RegionId));
    }

    /// <summary>The path from the user's own top region down to the scope, for drilling back up.</summary>
    private IReadOnlyList<(int Id, string Name)> Breadcrumbs(Actor actor, int region)
    {
        var path = new List<(int, string)>();
        for (var r = region == 0 ? null : regions.Find(region); r is not null; r = r.ParentId is { } p ? regions.Find(p) : null)
        {
            path.Add((r.Id, r.Name));
            if (actor.RegionId == r.Id) break;
        }
        if (actor.Is(Roles.PlatformAdmin)) path.Add((0, DisplayText.OneLanguage("全国 / All regions")));
        path.Reverse();
        return path;
    }

    public static bool CanRun(Actor actor, int scope) =>
        actor.Is(Roles.PlatformAdmin) || (actor.Is(Roles.FinanceBureau) && actor.RegionId is { } own && scope != 0 && RegionCode.Contains(own, scope));

    public async Task<MonthEndResult> RunAsync(Actor actor, FinanceScope scope, CancellationToken ct)
    {
        if (!CanRun(actor, scope.RegionId)) throw new ForbiddenException("只能为本级及下级地区运行月末统计", "Month end runs for your own region only.");
        var result = await job.RunMonthEndAsync(scope.RegionId, scope.Year, scope.Month, actor.Name, ct);
        admin.Audit(actor, "finance.month-end", $"region:{scope.RegionId}", $"{scope.Year}-{scope.Month:00}: {result.Units} units, {result.AlertsRaised} new alerts");
        await db.SaveChangesAsync(ct);
        await pages.EvictByTagAsync(Infrastructure.PublicPageTags.Progress, ct);
        return result;
    }

    /// <summary>One in-app reminder to each lagging or not-filed unit of the scope, with its own figures.</summary>
    public async Task<int> RemindLaggingAsync(Actor actor, FinanceScope scope, CancellationToken ct)
    {
        if (!CanRun(actor, scope.RegionId)) throw new ForbiddenException("只能提醒本级及下级地区的单位", "You can remind units of your own region only.");
        var now = clock.GetUtcNow().UtcDateTime;
        var lagging = await queries.UnitsAsync(scope, new UnitQuery("lagging"), null).ToListAsync(ct);
        var notFiled = await queries.UnitsAsync(scope, new UnitQuery("notfiled"), null).ToListAsync(ct);
        var period = $"{scope.Year}年{scope.Month}月";
        var rows = lagging.Select(u => new Notification
        {
            BudgetUnitId = u.UnitId, SenderName = actor.Name, CreatedAt = now, Link = $"/quota?year={scope.Year}",
            Title = $"请加快预留份额采购进度 / Please speed up your reserved-share purchases",
            Body = $"截至{period}底，贵单位完成率{new BasisPoints(u.CompletionBp)}，时间进度{new BasisPoints(u.ExpectedBp)}，差额{new Money(u.ShortfallFen)}，此后每月需采购{new Money(u.NeededPerMonthFen)}。" +
                   $" / By the end of {scope.Year}-{scope.Month:00} your unit had completed {new BasisPoints(u.CompletionBp)} against an expected {new BasisPoints(u.ExpectedBp)}; " +
                   $"{new Money(u.ShortfallFen)} short, {new Money(u.NeededPerMonthFen)} needed each remaining month.",
        }).Concat(notFiled.Select(u => new Notification
        {
            BudgetUnitId = u.UnitId, SenderName = actor.Name, CreatedAt = now, Link = $"/quota?year={scope.Year}",
            Title = $"请填报{scope.Year}年度预留份额 / Please file your {scope.Year} reserved share",
            Body = $"贵单位尚未提交{scope.Year}年度预留份额填报，请尽快填报。 / Your unit has not filed its {scope.Year} reserved share; please file now.",
        })).ToList();
        await db.InTransactionAsync(async () =>
        {
            await BulkLoader.For(db).InsertGeneratingKeysAsync(rows, ct);
            admin.Audit(actor, "finance.remind", $"region:{scope.RegionId}", $"{scope.Year}-{scope.Month:00}: {lagging.Count} lagging, {notFiled.Count} not filed");
            await db.SaveChangesAsync(ct);
        }, ct);
        return rows.Count;
    }

    /// <summary>A unit the user may drill into: within a bureau's region, or any for the platform.</summary>
    public async Task EnsureUnitVisibleAsync(Actor actor, int unitId, CancellationToken ct)
    {
        var region = await db.BudgetUnits.Where(u => u.Id == unitId).Select(u => (int?)u.RegionId).FirstOrDefaultAsync(ct)
                     ?? throw new Buying.NotFoundException();
        if (actor.Is(Roles.PlatformAdmin)) return;
        if (!actor.Is(Roles.FinanceBureau) || actor.RegionId is not { } own || !RegionCode.Contains(own, region))
            throw new ForbiddenException("该单位不在您的管辖地区内", "The unit is outside your region.");
    }
}
