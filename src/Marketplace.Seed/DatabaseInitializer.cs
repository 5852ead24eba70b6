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
        var credits = options.Trade ? await SeedTradeAsync(data, options, ct) : [];
        if (options.Quota) await SeedQuotaYearAsync(data.BudgetUnits, options, ct, credits);
        else await InsertLedgerAsync(credits, 0, ct);
        if (options.Trade)
        {
            // Grades from the history just loaded (what the nightly run would compute).
            var graded = await new Marketplace.Data.Credit.VendorCreditService(db, TimeProvider.System).RecomputeStaleAsync(DateTime.UtcNow.AddSeconds(1), 500, ct);
            log?.Invoke($"Vendor credit: {graded.Vendors} vendors graded.");
        }
        return true;
    }

    /// <summary>Ten months of orders to the demo vendors (see <see cref="TradeDemoGenerator"/>); returns their ledger credits.</summary>
    private async Task<IReadOnlyList<QuotaLedgerEntry>> SeedTradeAsync(DemoData data, DemoDataOptions options, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var active = data.Vendors.Where(v => v.Status == Marketplace.Domain.VendorStatus.Active).Select(v => v.Id).ToList();
        var catalogue = await db.Products.AsNoTracking().Where(p => p.Status == Marketplace.Domain.ProductStatus.Listed)
            .Select(p => new TradeProduct(p.Id, p.VendorId, p.Name, p.Specification, p.Unit, p.PriceFen)).ToListAsync(ct);
        var units = data.BudgetUnits.Where(u => u.IsActive).Select(u => u.Id).ToList();
        var trade = new TradeDemoGenerator(active, units, catalogue, DateTime.UtcNow, options.Seed).Generate();
        var loader = BulkLoader.For(db);
        await loader.InsertAsync(trade.Orders, ct);
        await loader.InsertAsync(trade.Lines, ct);
        await loader.InsertAsync(trade.History, ct);
        await loader.InsertAsync(trade.Refunds, ct);
        await loader.InsertAsync(trade.Complaints, ct);
        await db.Database.ExecuteSqlRawAsync(RatingTotals.RecomputeSql, ct); // the evaluated orders' totals on products and vendors
        log?.Invoke($"Demo trade: {trade.Orders.Count} orders, {trade.Refunds.Count} refunds, {trade.Complaints.Count} complaints in {sw.ElapsedMilliseconds} ms.");
        return trade.Credits;
    }

    /// <summary>
    /// Bulk-loads ledger lines (ids from <paramref name="lastId"/> on) with their month totals, added up as they stream
    /// past (the writer keeps them per line in the app); returns the last id used.
    /// </summary>
    private async Task<long> InsertLedgerAsync(IEnumerable<QuotaLedgerEntry> ledger, long lastId, CancellationToken ct)
    {
        var totals = new Dictionary<(int Unit, int Year, int Month), QuotaLedgerMonth>();
        var id = lastId;
        await BulkLoader.For(db).InsertAsync(ledger.Select(line =>
        {
            line.Id = ++id;
            var key = (line.BudgetUnitId, line.Year, Marketplace.Domain.Quota.MonthEndRules.BucketMonth(line.Year, line.On));
            if (!totals.TryGetValue(key, out var t))
                totals[key] = t = new QuotaLedgerMonth { Year = line.Year, BudgetUnitId = line.BudgetUnitId, Month = key.Item3 };
            t.AmountFen += line.AmountFen;
            t.Lines++;
            return line;
        }), ct);
        await BulkLoader.For(db).InsertAsync(totals.Values.OrderBy(t => t.Year).ThenBy(t => t.BudgetUnitId).ThenBy(t => t.Month), ct);
        return id;
    }

    /// <summary>
    /// A year of reserved shares for the generated units, bulk-loaded, then month end for every closed month of it, so
    /// the finance dashboard, alerts and rankings have something to show from the first start.
    /// </summary>
    public async Task SeedQuotaYearAsync(IReadOnlyList<BudgetUnit> units, DemoDataOptions options, CancellationToken ct = default,
        IReadOnlyList<QuotaLedgerEntry>? orderCredits = null)
    {
        var sw = Stopwatch.StartNew();
        var clock = TimeProvider.System;
        var today = Marketplace.Data.Quota.MonthEndJob.TodayInChina(clock);
        var year = options.QuotaYear ?? today.Year;
        var quota = new QuotaDemoGenerator(units, new QuotaDemoOptions { Seed = options.Seed, Year = year, Today = today, LedgerEntries = options.LedgerEntries }).Generate();
        var loader = BulkLoader.For(db);
        await loader.InsertGeneratingKeysAsync(quota.Policies, ct);
        await loader.InsertAsync(quota.Filings, ct);
        await loader.InsertAsync(quota.Filings.SelectMany(f => f.Plan), ct);
        // The demo's purchase history and the ledger credits of its trade (when generated), one ledger.
        var lines = await InsertLedgerAsync(quota.Ledger.Concat(orderCredits ?? []), 0, ct);
        log?.Invoke($"Reserved shares {year}: {quota.Policies.Count} policies, {quota.Filings.Count} filings, {lines:N0} ledger lines in {sw.ElapsedMilliseconds} ms.");

        var closedThrough = year < today.Year ? 12 : year == today.Year ? today.Month - 1 : 0;
        var job = new Marketplace.Data.Quota.MonthEndJob(db, clock);
        for (var m = 1; m <= closedThrough; m++)
        {
            var r = await job.RunMonthEndAsync(0, year, m, "系统初始化 / seed", ct);
            log?.Invoke($"Month end {year}-{m:00}: {r.Units:N0} units, {r.AlertsRaised:N0} alerts in {r.Elapsed.TotalMilliseconds:N0} ms.");
        }
        db.ChangeTracker.Clear();
    }
}
