using System.Diagnostics;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Seed;

/// <summary>
/// Brings a database to a usable state: schema, reference data, optionally the demo marketplace. Each step is
/// skipped when its data is already there, so it is safe to run at every start.
/// </summary>
public sealed class DatabaseInitializer(MarketplaceDbContext db, Action<string>? log = null)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers proceed while a writer commits; the setting is stored in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    /// <summary>Regions and categories, in one transaction: either all of it is there or none.</summary>
    public async Task SeedReferenceDataAsync(CancellationToken ct = default)
    {
        if (await db.Regions.AnyAsync(ct)) return;
        var sw = Stopwatch.StartNew();
        var regions = ReferenceData.LoadRegions();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Regions.AddRange(regions);
            db.Categories.AddRange(CategoryCatalog.All.Select(c => new Category
            {
                Id = c.Id, Name = c.Name, NameEn = c.NameEn, Icon = c.Icon, SortOrder = c.Id,
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        db.ChangeTracker.Clear();
        log?.Invoke($"Reference data: {regions.Count} regions, {regions.Count(r => r.IsPovertyRelief)} poverty-relief counties in {sw.ElapsedMilliseconds} ms.");
    }

    /// <summary>Generates and bulk-loads the demo marketplace when there are no vendors yet.</summary>
    public async Task<bool> SeedDemoDataAsync(DemoDataOptions options, CancellationToken ct = default)
    {
        if (await db.Vendors.AnyAsync(ct)) return false;
        var sw = Stopwatch.StartNew();
        var regions = await db.Regions.AsNoTracking().ToListAsync(ct);
        var data = new DemoDataGenerator(regions, options).Generate();
        var loader = BulkLoader.For(db);
        await loader.InsertAsync(data.Vendors, ct);
        await loader.InsertAsync(data.BudgetUnits, ct);
        var products = await loader.InsertAsync(data.Products, ct);
        log?.Invoke($"Demo data: {data.Vendors.Count} vendors, {data.BudgetUnits.Count} budget units, {products} products in {sw.ElapsedMilliseconds} ms (seed {options.Seed}).");
        return true;
    }
}
