using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Storefront;
using Marketplace.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Marketplace.Web.Features.Pavilions;

public sealed record PavilionPlace(int Code, string Name, int ListedProducts, IReadOnlyList<PavilionPlace> Children);

public sealed record PavilionIndexViewModel(IReadOnlyList<PavilionPlace> Provinces, int Counties);

public sealed record PavilionVendor(int Id, string Name, VendorKind Kind, string CountyName, int ListedProducts);

public sealed record PavilionCategory(CategoryLink Category, int ListedProducts);

public sealed record PavilionViewModel(
    int Code, string Name, string Path, RegionLevel Level, IReadOnlyList<(int Code, string Name)> Crumbs, string? Description,
    int ListedProducts, int Vendors, Money SalesThisYear, int Year,
    IReadOnlyList<PavilionPlace> Places, IReadOnlyList<PavilionCategory> Categories, IReadOnlyList<PavilionVendor> VendorList,
    IReadOnlyList<ProductCard> BestSelling, IReadOnlyList<ProductCard> Newest);

/// <summary>
/// The storefront by place (乡村振兴馆): a pavilion per province, city and poverty-relief county with listed products.
/// Only listed products of active vendors are shown, as everywhere on the storefront. Region totals are counted per
/// origin county in one grouped query and kept for <see cref="StorefrontQueries.AggregateAge"/>.
/// </summary>
public sealed class PavilionQueries(MarketplaceDbContext db, RegionDirectory regions, StorefrontQueries storefront, IMemoryCache cache,
    Transparency.CountySales countySales)
{
    public const int Shown = 8;

    /// <summary>Listed products per origin county (counties without any are absent).</summary>
    private Task<Dictionary<int, int>> CountyTotalsAsync(CancellationToken ct) =>
        cache.GetOrCreateAsync("pavilions:county-totals", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = StorefrontQueries.AggregateAge;
            return await storefront.Visible.GroupBy(p => p.OriginCountyId).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        })!;

    /// <summary>The province (level 1) and city (level 2) a county belongs to; a county directly under a province has no city.</summary>
    private (int Province, int? City) Parents(int county)
    {
        int? city = null;
        for (var e = regions.Find(county); e?.ParentId is { } parent; e = regions.Find(parent))
        {
            var p = regions.Find(parent);
            if (p is null) break;
            if (p.Level == RegionLevel.Province) return (p.Id, city);
            city ??= IsPlaceholder(p.Name) ? null : p.Id;
        }
        return (RegionCode.ProvinceOf(county), city);
    }

    private static bool IsPlaceholder(string name) => name is "市辖区" or "县" or "省直辖县级行政区划" or "自治区直辖县级行政区划";

    public async Task<PavilionIndexViewModel> IndexAsync(CancellationToken ct)
    {
        var totals = await CountyTotalsAsync(ct);
        var provinces = totals
            .Select(kv => (County: kv.Key, Count: kv.Value, Parents: Parents(kv.Key)))
            .GroupBy(x => x.Parents.Province)
            .Select(p => new PavilionPlace(p.Key, regions.NameOf(p.Key), p.Sum(x => x.Count),
                p.GroupBy(x => x.Parents.City ?? 0)
                    .Select(c => new PavilionPlace(c.Key, c.Key == 0 ? "" : regions.NameOf(c.Key), c.Sum(x => x.Count),
                        c.Select(x => new PavilionPlace(x.County, regions.NameOf(x.County), x.Count, [])).OrderBy(x => x.Code).ToList()))
                    .OrderBy(c => c.Code).ToList()))
            .OrderBy(p => p.Code).ToList();
        return new PavilionIndexViewModel(provinces, totals.Count);
    }

    /// <summary>A pavilion: null when the code is not a province, a city or a county with listed products.</summary>
    public async Task<PavilionViewModel?> PavilionAsync(int code, CancellationToken ct)
    {
        if (regions.Find(code) is not { } region || region.Level is not (RegionLevel.Province or RegionLevel.City or RegionLevel.County)) return null;
        var totals = await CountyTotalsAsync(ct);
        var counties = totals.Keys.Where(c => region.Level switch
        {
            RegionLevel.Province => Parents(c).Province == code,
            RegionLevel.City => Parents(c).City == code,
            _ => c == code,
        }).ToList();
        if (counties.Count == 0) return null;

        var listed = storefront.Visible.Where(p => counties.Contains(p.OriginCountyId) && p.Vendor!.Status == VendorStatus.Active);
        var best = await listed.OrderByDescending(p => p.SalesCount).ThenByDescending(p => p.Id).ProjectToCard().Take(Shown).ToListAsync(ct);
        var newest = await listed.OrderByDescending(p => p.Id).ProjectToCard().Take(Shown).ToListAsync(ct);
        var categoryCounts = await listed.GroupBy(p => p.CategoryId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var categories = (await storefront.CategoriesAsync(ct)).ToDictionary(c => c.Id);
        var vendors = await db.Vendors.AsNoTracking().Where(v => v.Status == VendorStatus.Active && counties.Contains(v.CountyId))
            .Select(v => new { v.Id, v.Name, v.Kind, v.CountyId, Listed = db.Products.Count(p => p.VendorId == v.Id && p.Status == ProductStatus.Listed) })
            .Where(v => v.Listed > 0).OrderByDescending(v => v.Listed).ThenBy(v => v.Id).Take(24).ToListAsync(ct);
        var vendorCount = await db.Vendors.AsNoTracking().CountAsync(v => v.Status == VendorStatus.Active && counties.Contains(v.CountyId), ct);
        var (salesByCounty, year) = await countySales.ByCountyAsync(ct);
        var sales = counties.Sum(c => salesByCounty.GetValueOrDefault(c));

        var crumbs = new List<(int, string)>();
        for (var e = regions.Find(region.ParentId ?? 0); e is not null; e = e.ParentId is { } p ? regions.Find(p) : null)
            if (!IsPlaceholder(e.Name)) crumbs.Insert(0, (e.Id, e.Name));
        // The places one level down that have products: a province's cities (or its direct counties), a city's counties.
        var places = region.Level == RegionLevel.County ? [] : counties
            .GroupBy(c => region.Level == RegionLevel.Province ? Parents(c).City ?? c : c)
            .Select(g => new PavilionPlace(g.Key, regions.NameOf(g.Key), g.Sum(c => totals[c]), []))
            .OrderBy(p => p.Code).ToList();
        var description = await db.PavilionTexts.AsNoTracking().Where(t => t.RegionId == code).Select(t => t.Description).FirstOrDefaultAsync(ct);
        return new PavilionViewModel(code, region.Name, regions.PathOf(code), region.Level, crumbs, string.IsNullOrWhiteSpace(description) ? null : description,
            counties.Sum(c => totals[c]), vendorCount, new Money(sales), year, places,
            categoryCounts.Where(c => categories.ContainsKey(c.Key)).OrderByDescending(c => c.Count).ThenBy(c => c.Key)
                .Select(c => new PavilionCategory(categories[c.Key], c.Count)).ToList(),
            vendors.Select(v => new PavilionVendor(v.Id, v.Name, v.Kind, regions.NameOf(v.CountyId), v.Listed)).ToList(),
            best, newest);
    }
}
