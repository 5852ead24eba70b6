using Marketplace.Data;
using Marketplace.Domain.Orders;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Transparency;

/// <summary>This year's sales per county of origin, for the public progress page and the pavilions.</summary>
public sealed class CountySales(MarketplaceDbContext db, IMemoryCache cache, TimeProvider clock, IConfiguration config)
{
    /// <summary>
    /// This year's sales (paid orders, not cancelled or wholly refunded) per county of origin, in fen: one grouped read
    /// of the year's order lines, kept in memory for <c>Transparency:SalesCacheSeconds</c> (default 60), so that a
    /// busy public page never reads the order lines more than once a minute per node.
    /// </summary>
    public async Task<(Dictionary<int, long> Sales, int Year)> ByCountyAsync(CancellationToken ct)
    {
        var year = clock.GetUtcNow().AddHours(8).Year;
        var seconds = Math.Max(0, config.GetValue("Transparency:SalesCacheSeconds", 60));
        if (seconds == 0) return (await ReadCountySalesAsync(year, ct), year);
        var sales = await cache.GetOrCreateAsync(("public-county-sales", year), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(seconds);
            entry.Size = 1;
            return await ReadCountySalesAsync(year, ct);
        });
        return (sales ?? [], year);
    }

    private async Task<Dictionary<int, long>> ReadCountySalesAsync(int year, CancellationToken ct)
    {
        var (start, end) = (new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(-8), new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(-8));
        OrderStatus[] sold = [OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Accepted, OrderStatus.Completed];
        var rows = await (from l in db.OrderLines.AsNoTracking()
                          join o in db.Orders on l.OrderId equals o.Id
                          join p in db.Products on l.ProductId equals p.Id
                          where sold.Contains(o.Status) && o.PlacedAt >= start && o.PlacedAt < end
                          group l.LineTotalFen by p.OriginCountyId into g
                          select new { County = g.Key, Fen = g.Sum() }).ToListAsync(ct);
        return rows.ToDictionary(r => r.County, r => r.Fen);
    }
}
