using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data.Quota;

/// <summary>
/// Appends ledger lines exactly once per source event: the unique source key decides, so an event delivered twice,
/// or by two workers at the same moment, is counted once. Returns whether this call added the line.
/// </summary>
public sealed class LedgerWriter(MarketplaceDbContext db, TimeProvider clock)
{
    public Task<bool> ApplyAsync(OrderCompleted e, CancellationToken ct) => AppendAsync(QuotaLedger.Credit(e), "system", ct);

    public Task<bool> ApplyAsync(OrderRefunded e, CancellationToken ct) => AppendAsync(QuotaLedger.Debit(e), "system", ct);

    public async Task<bool> AppendAsync(LedgerLine line, string? createdBy, CancellationToken ct)
    {
        if (await db.QuotaLedgerEntries.AnyAsync(x => x.SourceKey == line.SourceKey, ct)) return false;
        var entry = new QuotaLedgerEntry
        {
            BudgetUnitId = line.BudgetUnitId, Year = line.Year, Kind = line.Kind, AmountFen = line.Amount.Fen, On = line.On,
            SourceKey = line.SourceKey, OrderId = line.OrderId, Reason = line.Reason, CreatedBy = createdBy,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var month = MonthEndRules.BucketMonth(line.Year, line.On);
        async Task Append()
        {
            db.QuotaLedgerEntries.Add(entry);
            await db.SaveChangesAsync(ct);
            // The unit's month total moves in the same transaction as the line.
            var updated = await db.QuotaLedgerMonths.Where(m => m.Year == line.Year && m.BudgetUnitId == line.BudgetUnitId && m.Month == month)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.AmountFen, m => m.AmountFen + line.Amount.Fen).SetProperty(m => m.Lines, m => m.Lines + 1), ct);
            if (updated == 0)
            {
                var total = new QuotaLedgerMonth { Year = line.Year, BudgetUnitId = line.BudgetUnitId, Month = month, AmountFen = line.Amount.Fen, Lines = 1 };
                db.QuotaLedgerMonths.Add(total);
                try { await db.SaveChangesAsync(ct); }
                finally { db.Entry(total).State = EntityState.Detached; }
            }
        }
        try
        {
            if (db.Database.CurrentTransaction is not null) await Append();
            else await db.InTransactionAsync(Append, ct);
            // Lines are never changed again; keeping them tracked would make every later save slower.
            db.Entry(entry).State = EntityState.Detached;
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(entry).State = EntityState.Detached;
            // Another writer added the same event between our check and our insert: the unique index kept it once.
            if (await IsAlreadyThereAsync(line.SourceKey, ct)) return false;
            throw;
        }
    }

    private async Task<bool> IsAlreadyThereAsync(string key, CancellationToken ct)
    {
        await using var fresh = DataServiceCollectionExtensions.CreateContext(new DatabaseOptions
        {
            Provider = db.Database.IsSqlServer() ? DatabaseProvider.SqlServer : db.Database.IsNpgsql() ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite,
            ConnectionString = db.Database.GetConnectionString()!,
        });
        return await fresh.QuotaLedgerEntries.AnyAsync(x => x.SourceKey == key, ct);
    }

    public async Task<IReadOnlyList<LedgerLine>> LinesAsync(int unitId, int year, CancellationToken ct) =>
        (await db.QuotaLedgerEntries.AsNoTracking().Where(x => x.BudgetUnitId == unitId && x.Year == year).OrderBy(x => x.Id).ToListAsync(ct))
        .Select(x => new LedgerLine(x.BudgetUnitId, x.Year, x.Kind, new Money(x.AmountFen), x.On, x.SourceKey, x.OrderId, x.Reason)).ToList();

    public async Task<Money> BalanceAsync(int unitId, int year, CancellationToken ct) =>
        new(await db.QuotaLedgerEntries.Where(x => x.BudgetUnitId == unitId && x.Year == year).SumAsync(x => (long?)x.AmountFen, ct) ?? 0);
}
