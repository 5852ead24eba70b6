using Marketplace.Data;
using Marketplace.Data.Finance;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Transparency;

/// <summary>One row of the public table: a region's aggregate, or a suppressed one (no figures at all).</summary>
public sealed record PublicRow(int RegionId, string Name, bool Suppressed, int Units, int Filed, Money Reserved, Money Completed,
    BasisPoints Completion, BasisPoints TimeProgress, bool CanOpen);

public sealed record PublicCountySales(int CountyId, string Name, Money Sales);

public sealed record PublicUnitRow(string Name, Money Reserved, Money Completed, BasisPoints Completion, BasisPoints Expected);

public sealed record PublicProgressViewModel(
    int RegionId, string Name, RegionLevel? Level, IReadOnlyList<(int Id, string Name)> Crumbs, int Year, int Month, PublicRow? Total,
    IReadOnlyList<PublicRow> Rows, IReadOnlyList<MonthPoint> Series, IReadOnlyList<PublicCountySales> Sales, Money SalesTotal,
    IReadOnlyList<PublicUnitRow>? Units, bool Published);

/// <summary>
/// The public transparency page's reads: the latest closed month's region roll-ups (never a unit's standing unless its
/// region published them), small groups suppressed by <see cref="Disclosure"/>, and the year's sales per
/// poverty-relief county of origin (<see cref="CountySales"/>).
/// </summary>
public sealed class PublicProgressQueries(MarketplaceDbContext db, FinanceQueries finance, RegionDirectory regions, CountySales countySales)
{
    /// <summary>The page for the whole platform (0), a province or a city; null for anything else.</summary>
    public async Task<PublicProgressViewModel?> PageAsync(int regionId, CancellationToken ct)
    {
        RegionLevel? level = null;
        if (regionId != 0)
        {
            if (regions.Find(regionId) is not { Level: RegionLevel.Province or RegionLevel.City } entry) return null;
            level = entry.Level;
        }
        var name = regionId == 0 ? "全国 / All regions" : regions.NameOf(regionId);
        var crumbs = new List<(int, string)>();
        if (level == RegionLevel.City) crumbs.Add((RegionCode.ProvinceOf(regionId), regions.NameOf(RegionCode.ProvinceOf(regionId))));

        var published = await PublishedRegionsAsync(ct);
        bool IsPublished(int region) => published.Any(p => p == 0 || InSubtree(p, region));
        var latest = await db.RegionMonthTotals.AsNoTracking().MaxAsync(t => (int?)(t.Year * 100 + t.Month), ct);
        var (salesByCounty, salesYear) = await countySales.ByCountyAsync(ct);
        var sales = salesByCounty.Where(kv => regionId == 0 || InSubtree(regionId, kv.Key)).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
            .Select(kv => new PublicCountySales(kv.Key, regions.PathOf(kv.Key), new Money(kv.Value))).ToList();
        var salesTotal = new Money(sales.Sum(s => s.Sales.Fen));
        if (latest is not { } ym)
            return new PublicProgressViewModel(regionId, name, level, crumbs, salesYear, 0, null, [], [], sales.Take(30).ToList(), salesTotal, null, IsPublished(regionId));

        var scope = new FinanceScope(regionId, ym / 100, ym % 100);
        var totals = await finance.TotalsAsync(scope, ct);
        var selfPublished = regionId != 0 && IsPublished(regionId);
        var totalShown = Disclosure.TotalShown(totals.Units, selfPublished);
        var total = Row(regionId, name, totals, !totalShown, false);

        // Provinces under the platform, cities under a province; a city page shows its own total (and units if published).
        var rows = new List<PublicRow>();
        if (level != RegionLevel.City)
        {
            var children = await finance.SubRegionsAsync(scope, ct);
            var hidden = Disclosure.Suppressed(children.Select(c => new Disclosure.Row(c.RegionId, c.Figures.Units, IsPublished(c.RegionId))).ToList(), !totalShown);
            rows = children.Where(c => c.Figures.Units > 0)
                .Select(c => Row(c.RegionId, regions.NameOf(c.RegionId), c.Figures, hidden.Contains(c.RegionId), regions.Find(c.RegionId) is not null))
                .OrderByDescending(r => r.Suppressed ? -1 : r.Completion.Value).ThenBy(r => r.RegionId).ToList();
        }
        var series = totalShown ? await finance.MonthlySeriesAsync(scope, ct) : [];

        // Unit by unit only where the region (or a region above it) has chosen to publish.
        IReadOnlyList<PublicUnitRow>? units = null;
        if (level == RegionLevel.City || selfPublished)
        {
            var (from, to) = regionId == 0 ? (0, int.MaxValue) : RegionCode.SubtreeRange(regionId);
            var candidates = published.Where(p => p != 0).Select(RegionCode.SubtreeRange).ToList();
            if (published.Contains(0)) candidates.Add((0, int.MaxValue));
            if (candidates.Count > 0)
            {
                var rowsOfUnits = await db.UnitMonthStandings.AsNoTracking()
                    .Where(s => s.Year == scope.Year && s.Month == scope.Month && s.RegionId >= from && s.RegionId <= to && s.ReservedFen > 0)
                    .Join(db.BudgetUnits, s => s.BudgetUnitId, u => u.Id, (s, u) => new { u.Name, s.RegionId, s.ReservedFen, s.CompletedFen, s.CompletionBp, s.ExpectedBp })
                    .OrderByDescending(s => s.CompletionBp).ThenBy(s => s.Name).Take(2_000).ToListAsync(ct);
                units = rowsOfUnits.Where(s => candidates.Any(c => s.RegionId >= c.Item1 && s.RegionId <= c.Item2)).Take(500)
                    .Select(s => new PublicUnitRow(s.Name, new Money(s.ReservedFen), new Money(s.CompletedFen), new BasisPoints(s.CompletionBp), new BasisPoints(s.ExpectedBp)))
                    .ToList();
                if (units.Count == 0) units = null;
            }
        }
        return new PublicProgressViewModel(regionId, name, level, crumbs, scope.Year, scope.Month, total, rows, series,
            sales.Take(30).ToList(), salesTotal, units, selfPublished);
    }

    private static PublicRow Row(int id, string name, Figures f, bool suppressed, bool canOpen) => suppressed
        ? new PublicRow(id, name, true, 0, 0, Money.Zero, Money.Zero, new BasisPoints(0), new BasisPoints(0), canOpen)
        : new PublicRow(id, name, false, f.Units, f.Filed, f.Reserved, f.Completed, f.Completion, f.TimeProgress, canOpen);

    private static bool InSubtree(int region, int candidate)
    {
        if (region == 0) return true;
        var (from, to) = RegionCode.SubtreeRange(region);
        return candidate >= from && candidate <= to;
    }

    private Task<List<int>> PublishedRegionsAsync(CancellationToken ct) =>
        db.ProgressPublications.AsNoTracking().Where(p => p.PublishUnits).Select(p => p.RegionId).ToListAsync(ct);
}

/// <summary>/public/progress: the reserved-share progress for everyone, aggregates only; public and cacheable.</summary>
[PublicCache]
public sealed class PublicProgressController(PublicProgressQueries queries) : Controller
{
    [HttpGet("/public/progress")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Progress);
        return View("Progress", (await queries.PageAsync(0, ct))!);
    }

    [HttpGet("/public/progress/{region:int}")]
    public async Task<IActionResult> Region(int region, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Progress);
        return await queries.PageAsync(region, ct) is { } model ? View("Progress", model) : NotFound();
    }
}

public sealed record PublicationViewModel(int RegionId, string RegionName, bool PublishUnits, DateTime? UpdatedAt, string? UpdatedBy);

/// <summary>
/// /finance/publication: a finance bureau chooses whether the public page shows each budget unit of its region (by
/// name, with its reserved and completed amounts) or aggregates only. Audited; the stored public pages are evicted.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Roles = Roles.FinanceBureau)]
public sealed class PublicationController(MarketplaceDbContext db, RegionDirectory regions, Microsoft.AspNetCore.OutputCaching.IOutputCacheStore pages, TimeProvider clock) : Controller
{
    [HttpGet("/finance/publication")]
    public async Task<IActionResult> Edit(CancellationToken ct)
    {
        var region = User.RequireRegionId();
        var row = await db.ProgressPublications.AsNoTracking().FirstOrDefaultAsync(p => p.RegionId == region, ct);
        return View("Publication", new PublicationViewModel(region, regions.PathOf(region), row?.PublishUnits ?? false, row?.UpdatedAt, row?.UpdatedBy));
    }

    [HttpPost("/finance/publication")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Save([FromForm] bool publishUnits, CancellationToken ct)
    {
        var region = User.RequireRegionId();
        var actor = User.ToActor();
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.ProgressPublications.FirstOrDefaultAsync(p => p.RegionId == region, ct);
        if (row is null) db.ProgressPublications.Add(new Data.Entities.ProgressPublication { RegionId = region, PublishUnits = publishUnits, UpdatedAt = now, UpdatedBy = actor.Name });
        else (row.PublishUnits, row.UpdatedAt, row.UpdatedBy) = (publishUnits, now, actor.Name);
        db.AuditEntries.Add(new Data.Entities.AuditEntry
        {
            At = now, ActorUserId = actor.UserId, ActorName = actor.Name, ActorRole = actor.Role, Action = "ProgressPublication",
            Target = $"region:{region}", Details = publishUnits ? "publish units" : "aggregates only", IpAddress = HttpContext.Connection.RemoteIpAddress?.ToString(),
        });
        await db.SaveChangesAsync(ct);
        await pages.EvictByTagAsync(PublicPageTags.Progress, ct);
        return Redirect("/finance/publication");
    }
}
