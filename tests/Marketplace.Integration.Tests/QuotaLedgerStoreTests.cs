using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Integration.Tests;

public class QuotaLedgerStoreTests : IAsyncLifetime
{
    private readonly TempSqlite _temp = new();
    private List<int> _units = [];

    public async Task InitializeAsync()
    {
        var (db, regions) = await _temp.MigratedWithReferenceDataAsync();
        await using (db)
        {
            var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 0, Vendors = 1, BudgetUnits = 60 }).Generate();
            await BulkLoader.For(db).InsertAsync(data.Vendors);
            await BulkLoader.For(db).InsertAsync(data.BudgetUnits);
            _units = data.BudgetUnits.Select(u => u.Id).ToList();
        }
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private LedgerWriter Writer(MarketplaceDbContext db) => new(db, TimeProvider.System);

    [Fact]
    public async Task The_same_order_event_delivered_twice_credits_once()
    {
        await using var db = _temp.NewContext();
        var e = new OrderCompleted(1001, _units[0], new Money(12_800), new DateOnly(2026, 4, 2));
        Assert.True(await Writer(db).ApplyAsync(e, default));
        Assert.False(await Writer(db).ApplyAsync(e, default));
        Assert.Equal(new Money(12_800), await Writer(db).BalanceAsync(_units[0], 2026, default));
    }

    [Fact]
    public async Task The_same_event_delivered_concurrently_credits_once()
    {
        var e = new OrderCompleted(2002, _units[1], new Money(5_000), new DateOnly(2026, 4, 2));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = _temp.NewContext();
            return await Writer(db).ApplyAsync(e, default);
        }));
        Assert.Equal(1, results.Count(r => r));
        await using var check = _temp.NewContext();
        Assert.Equal(1, await check.QuotaLedgerEntries.CountAsync(x => x.OrderId == 2002));
        var month = await check.QuotaLedgerMonths.SingleAsync(m => m.BudgetUnitId == _units[1] && m.Year == 2026 && m.Month == 4);
        Assert.Equal((5_000L, 1), (month.AmountFen, month.Lines));
    }

    [Fact]
    public async Task Entries_can_be_neither_changed_nor_deleted()
    {
        await using var db = _temp.NewContext();
        await Writer(db).ApplyAsync(new OrderCompleted(3003, _units[2], new Money(100), new DateOnly(2026, 1, 5)), default);
        var entry = await db.QuotaLedgerEntries.FirstAsync(x => x.OrderId == 3003);
        entry.AmountFen = 1;
        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        db.ChangeTracker.Clear();

        // Underneath the application, the database refuses too.
        var update = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE QuotaLedgerEntries SET AmountFen = 1"));
        Assert.Contains("append-only", update.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM QuotaLedgerEntries"));
        Assert.Equal(100, await db.QuotaLedgerEntries.Where(x => x.OrderId == 3003).Select(x => x.AmountFen).FirstAsync());
    }

    [Fact]
    public async Task The_balance_equals_completed_minus_refunded_over_thousands_of_generated_orders()
    {
        // Thousands of orders over 60 units and two years, with partial and full refunds; every event is delivered
        // at least once, a fifth of them twice, in shuffled order.
        var random = new Random(832);
        var completed = new List<OrderCompleted>();
        var refunds = new List<OrderRefunded>();
        for (var i = 0; i < 4_000; i++)
        {
            var accepted = new DateOnly(2025, 1, 1).AddDays(random.Next(0, 730));
            var order = new OrderCompleted(10_000 + i, _units[random.Next(_units.Count)], new Money(random.Next(100, 500_000)), accepted);
            completed.Add(order);
            var left = order.Paid.Fen;
            for (var r = 0; r < random.Next(0, 3) && left > 0; r++)
            {
                var amount = r == 1 && random.Next(2) == 0 ? left : random.NextInt64(1, left + 1);
                left -= amount;
                refunds.Add(new OrderRefunded(order.OrderId, r + 1, order.BudgetUnitId, new Money(amount), accepted, accepted.AddDays(random.Next(1, 40))));
            }
        }
        var deliveries = completed.Select(e => (object)e).Concat(refunds)
            .Concat(completed.Where(_ => random.Next(5) == 0)).Concat(refunds.Where(_ => random.Next(5) == 0))
            .OrderBy(_ => random.Next()).ToList();

        await using var db = _temp.NewContext();
        var writer = Writer(db);
        var added = 0;
        // As the event consumer will: a batch of events per transaction.
        foreach (var batch in deliveries.Chunk(500))
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var d in batch)
            {
                if (d is OrderCompleted c && await writer.ApplyAsync(c, default)) added++;
                if (d is OrderRefunded r && await writer.ApplyAsync(r, default)) added++;
            }
            await tx.CommitAsync();
        }
        Assert.Equal(completed.Count + refunds.Count, added);

        var expected = completed.GroupBy(c => (c.BudgetUnitId, c.AcceptedOn.Year)).ToDictionary(g => g.Key, g => g.Sum(c => c.Paid.Fen));
        foreach (var r in refunds) expected[(r.BudgetUnitId, r.OrderAcceptedOn.Year)] -= r.Refunded.Fen;
        var actual = await db.QuotaLedgerEntries.GroupBy(x => new { x.BudgetUnitId, x.Year })
            .Select(g => new { g.Key.BudgetUnitId, g.Key.Year, Sum = g.Sum(x => x.AmountFen) }).ToListAsync();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var a in actual) Assert.Equal(expected[(a.BudgetUnitId, a.Year)], a.Sum);

        // The month totals month end reads hold exactly the lines' sums (refunds dated after the year count in December).
        var lines2 = await db.QuotaLedgerEntries.Select(x => new { x.BudgetUnitId, x.Year, x.On, x.AmountFen }).ToListAsync();
        var byMonth = lines2.GroupBy(x => (x.BudgetUnitId, x.Year, MonthEndRules.BucketMonth(x.Year, x.On)))
            .ToDictionary(g => g.Key, g => (g.Sum(x => x.AmountFen), g.Count()));
        var totals = await db.QuotaLedgerMonths.ToListAsync();
        Assert.Equal(byMonth.Count, totals.Count);
        foreach (var t in totals) Assert.Equal(byMonth[(t.BudgetUnitId, t.Year, t.Month)], (t.AmountFen, t.Lines));

        // Every line traces back to its order.
        Assert.Equal(0, await db.QuotaLedgerEntries.CountAsync(x => x.OrderId == null));
        var unit = completed[0].BudgetUnitId;
        var lines = await writer.LinesAsync(unit, 2026, default);
        Assert.Equal(expected.GetValueOrDefault((unit, 2026)), lines.Sum(l => l.Amount.Fen));
    }
}
