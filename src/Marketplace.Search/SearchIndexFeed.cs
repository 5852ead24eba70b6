using System.Diagnostics;
using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Search;

/// <summary>
/// Keeps a search index in step with the database: <see cref="CatchUpAsync"/> follows the product change feed from
/// the index's own cursor; <see cref="RebuildAsync"/> reindexes everything. Both are safe to repeat: documents are
/// upserted by product id, and the cursor is committed with the documents it covers.
/// </summary>
public sealed class SearchIndexFeed(ISearchIndex index)
{
    public const int BatchSize = 1_000;

    /// <summary>Applies pending changes in batches until none remain; returns how many feed entries were applied.</summary>
    public async Task<long> CatchUpAsync(MarketplaceDbContext db, CancellationToken ct)
    {
        long applied = 0;
        var regions = await RegionNamesAsync(db, ct);
        while (!ct.IsCancellationRequested)
        {
            var cursor = await index.GetFeedCursorAsync(ct);
            var changes = await db.ProductChanges.AsNoTracking().Where(c => c.Id > cursor).OrderBy(c => c.Id).Take(BatchSize)
                .Select(c => new { c.Id, c.ProductId }).ToListAsync(ct);
            if (changes.Count == 0) break;
            var ids = changes.Select(c => c.ProductId).Distinct().ToList();
            var docs = await DocumentsAsync(db, regions, db.Products.Where(p => ids.Contains(p.Id)), ct);
            var present = docs.Select(d => d.Id).ToHashSet();
            await index.ApplyAsync(docs, ids.Where(id => !present.Contains(id)).ToList(), changes[^1].Id, ct);
            applied += changes.Count;
        }
        return applied;
    }

    /// <summary>
    /// Rebuilds from the database in keyset batches. The cursor is taken before reading, so changes made during the
    /// rebuild are replayed afterwards by <see cref="CatchUpAsync"/> rather than lost.
    /// </summary>
    public async Task<(long Documents, TimeSpan Elapsed)> RebuildAsync(MarketplaceDbContext db, Action<long>? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var cursor = await db.ProductChanges.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        var regions = await RegionNamesAsync(db, ct);
        await index.ClearAsync(ct);
        long count = 0;
        var after = 0;
        while (!ct.IsCancellationRequested)
        {
            var upTo = await db.Products.Where(p => p.Id > after).OrderBy(p => p.Id).Select(p => p.Id).Skip(4_999).FirstOrDefaultAsync(ct);
            if (upTo == 0) upTo = int.MaxValue; // the last, partial batch
            var from = after;
            var batch = await DocumentsAsync(db, regions, db.Products.Where(p => p.Id > from && p.Id <= upTo), ct);
            if (batch.Count > 0) await index.ApplyAsync(batch, [], cursor, ct);
            count += batch.Count;
            progress?.Invoke(count);
            if (upTo == int.MaxValue) break;
            after = upTo;
        }
        await index.ApplyAsync([], [], cursor, ct);
        return (count, sw.Elapsed);
    }

    private static async Task<Dictionary<int, string>> RegionNamesAsync(MarketplaceDbContext db, CancellationToken ct) =>
        await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, ct);

    /// <summary>The searchable products among <paramref name="products"/>: listed, from an active vendor.</summary>
    private static async Task<List<ProductDocument>> DocumentsAsync(
        MarketplaceDbContext db, Dictionary<int, string> regions, IQueryable<Data.Entities.Product> products, CancellationToken ct)
    {
        var rows = await products.AsNoTracking()
            .Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
            .Select(p => new
            {
                p.Id, p.Name, p.Description, VendorName = p.Vendor!.Name, p.CategoryId, CategoryName = p.Category!.Name,
                p.OriginCountyId, p.Certifications, p.PriceFen, p.ListedAt, p.CreatedAt, p.SalesCount, p.CoverPhotoKey,
            })
            .ToListAsync(ct);
        return rows.Select(p =>
        {
            var province = RegionCode.ProvinceOf(p.OriginCountyId);
            return new ProductDocument(p.Id, p.Name, p.Description, p.VendorName, p.CategoryId, p.CategoryName, province,
                regions.GetValueOrDefault(province, ""), p.OriginCountyId, regions.GetValueOrDefault(p.OriginCountyId, ""),
                p.Certifications, p.PriceFen, p.ListedAt ?? p.CreatedAt, p.SalesCount, p.CoverPhotoKey);
        }).ToList();
    }
}
