using System.Diagnostics;
using System.Threading.Channels;
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
        Dictionary<int, string>? regions = null; // only when something changed
        while (!ct.IsCancellationRequested)
        {
            var cursor = await index.GetFeedCursorAsync(ct);
            var changes = await db.ProductChanges.AsNoTracking().Where(c => c.Id > cursor).OrderBy(c => c.Id).Take(BatchSize)
                .Select(c => new { c.Id, c.ProductId }).ToListAsync(ct);
            if (changes.Count == 0) break;
            var ids = changes.Select(c => c.ProductId).Distinct().ToList();
            regions ??= await CachedRegionNamesAsync(db, ct);
            var docs = await DocumentsAsync(db, regions, db.Products.Where(p => ids.Contains(p.Id)), ct);
            var present = docs.Select(d => d.Id).ToHashSet();
            await index.ApplyAsync(docs, ids.Where(id => !present.Contains(id)).ToList(), changes[^1].Id, ct);
            applied += changes.Count;
        }
        return applied;
    }

    /// <summary>Documents per batch handed to the index's writer threads during a rebuild.</summary>
    private const int RebuildBatch = 2_000;

    /// <summary>
    /// Rebuilds from the database: one streaming read of every searchable product, analysed and added by one writer
    /// thread per core, into a new index that replaces the live one when complete (on engines that can). The cursor
    /// is taken before reading, so changes made during the rebuild are replayed afterwards by <see cref="CatchUpAsync"/>
    /// rather than lost; an interrupted rebuild leaves the live index as it was.
    /// </summary>
    public async Task<(long Documents, TimeSpan Elapsed)> RebuildAsync(MarketplaceDbContext db, Action<long>? progress, CancellationToken ct)
    {
        using var build = await index.BeginRebuildAsync(ct);
        return await BuildAsync(db, build, progress, ct);
    }

    /// <summary>Fills <paramref name="build"/> with every searchable product and completes it (see <see cref="RebuildAsync"/>).</summary>
    public static async Task<(long Documents, TimeSpan Elapsed)> BuildAsync(MarketplaceDbContext db, IIndexBuild build, Action<long>? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var cursor = await db.ProductChanges.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        var regions = await RegionNamesAsync(db, ct);
        var batches = Channel.CreateBounded<List<ProductDocument>>(new BoundedChannelOptions(Environment.ProcessorCount * 2) { SingleWriter = true });
        var writers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct)) await build.AddAsync(batch, ct);
        }, ct)).ToArray();
        long count = 0;
        try
        {
            var batch = new List<ProductDocument>(RebuildBatch);
            // Vendors and categories are read once into memory: joining them per product makes SQLite's page cache thrash
            // (a scan of products alone is four times quicker than the same scan joined).
            var vendors = await db.Vendors.AsNoTracking().Where(v => v.Status == VendorStatus.Active)
                .ToDictionaryAsync(v => v.Id, v => (v.Name, v.CreditGrade), ct);
            var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
            var products = db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Listed)
                .Select(p => new
                {
                    p.Id, p.Name, p.Description, p.VendorId, p.CategoryId, p.OriginCountyId, p.Certifications, p.PriceFen, p.ListedAt,
                    p.CreatedAt, p.SalesCount, p.CoverPhotoKey,
                });
            await foreach (var p in products.AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!vendors.TryGetValue(p.VendorId, out var vendor)) continue; // the vendor is not active
                batch.Add(ToDocument(new Row(p.Id, p.Name, p.Description, vendor.Name, p.CategoryId, categories.GetValueOrDefault(p.CategoryId, ""),
                    p.OriginCountyId, p.Certifications, p.PriceFen, p.ListedAt, p.CreatedAt, p.SalesCount, p.CoverPhotoKey, vendor.CreditGrade), regions));
                if (batch.Count < RebuildBatch) continue;
                await batches.Writer.WriteAsync(batch, ct);
                count += batch.Count;
                progress?.Invoke(count);
                batch = new List<ProductDocument>(RebuildBatch);
            }
            if (batch.Count > 0) await batches.Writer.WriteAsync(batch, ct);
            count += batch.Count;
        }
        finally
        {
            batches.Writer.TryComplete();
        }
        await Task.WhenAll(writers);
        await build.CompleteAsync(cursor, ct);
        return (count, sw.Elapsed);
    }

    /// <summary>Region names are reference data: a follower reads them every ten minutes, not every round.</summary>
    private static readonly TimeSpan RegionNamesLifetime = TimeSpan.FromMinutes(10);
    private (Dictionary<int, string> Names, long At)? _regionNames;

    private async Task<Dictionary<int, string>> CachedRegionNamesAsync(MarketplaceDbContext db, CancellationToken ct)
    {
        if (_regionNames is { } cached && Environment.TickCount64 - cached.At < (long)RegionNamesLifetime.TotalMilliseconds) return cached.Names;
        var names = await RegionNamesAsync(db, ct);
        _regionNames = (names, Environment.TickCount64);
        return names;
    }

    private static async Task<Dictionary<int, string>> RegionNamesAsync(MarketplaceDbContext db, CancellationToken ct) =>
        await db.Regions.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, ct);

    private sealed record Row(
        int Id, string Name, string Description, string VendorName, int CategoryId, string CategoryName, int OriginCountyId,
        Certification Certifications, long PriceFen, DateTime? ListedAt, DateTime CreatedAt, int SalesCount, string? CoverPhotoKey,
        Domain.Credit.CreditGrade VendorGrade);

    /// <summary>The searchable products among <paramref name="products"/>: listed, from an active vendor.</summary>
    private static IQueryable<Row> Rows(IQueryable<Data.Entities.Product> products) => products.AsNoTracking()
        .Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
        .Select(p => new Row(p.Id, p.Name, p.Description, p.Vendor!.Name, p.CategoryId, p.Category!.Name, p.OriginCountyId,
            p.Certifications, p.PriceFen, p.ListedAt, p.CreatedAt, p.SalesCount, p.CoverPhotoKey, p.Vendor.CreditGrade));

    private static ProductDocument ToDocument(Row p, Dictionary<int, string> regions)
    {
        var province = RegionCode.ProvinceOf(p.OriginCountyId);
        return new ProductDocument(p.Id, p.Name, p.Description, p.VendorName, p.CategoryId, p.CategoryName, province,
            regions.GetValueOrDefault(province, ""), p.OriginCountyId, regions.GetValueOrDefault(p.OriginCountyId, ""),
            p.Certifications, p.PriceFen, p.ListedAt ?? p.CreatedAt, p.SalesCount, p.CoverPhotoKey) { VendorGrade = p.VendorGrade };
    }

    private static async Task<List<ProductDocument>> DocumentsAsync(
        MarketplaceDbContext db, Dictionary<int, string> regions, IQueryable<Data.Entities.Product> products, CancellationToken ct) =>
        (await Rows(products).ToListAsync(ct)).Select(r => ToDocument(r, regions)).ToList();
}
