using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain.Quota;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.Integration.Tests;

/// <summary>
/// PostgreSQL, live: a database of its own on the server named by MARKETPLACE_TEST_POSTGRES (.ci/run starts a
/// throw-away cluster), migrated and seeded as the app does. Skipped where no server is configured.
/// </summary>
public sealed class PostgreSqlTests : IAsyncLifetime
{
    private static readonly string? Server = Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES") is { Length: > 0 } s ? s.TrimEnd(';') : null;
    private readonly string _database = "mp_it_" + Guid.NewGuid().ToString("N")[..12];

    private DatabaseOptions Options => new() { Provider = DatabaseProvider.PostgreSql, ConnectionString = $"{Server};Database={_database}" };

    public async Task InitializeAsync()
    {
        if (Server is null) return;
        await using var db = DataServiceCollectionExtensions.CreateContext(Options);
        var init = new DatabaseInitializer(db);
        await init.MigrateAsync();
        await init.SeedReferenceDataAsync();
    }

    public async Task DisposeAsync()
    {
        if (Server is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection($"{Server};Database=postgres");
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [SkippableFact]
    public async Task The_ledger_is_append_only_in_the_database_itself()
    {
        Skip.If(Server is null, "MARKETPLACE_TEST_POSTGRES is not set");
        await using var db = DataServiceCollectionExtensions.CreateContext(Options);
        var region = await db.Regions.Where(r => r.IsPovertyRelief).Select(r => r.Id).FirstAsync();
        var unit = new BudgetUnit { Name = "测试单位", CreditCode = "12520000MB0000001X", RegionId = region, IsActive = true };
        db.BudgetUnits.Add(unit);
        await db.SaveChangesAsync();
        db.QuotaLedgerEntries.Add(new QuotaLedgerEntry
        {
            BudgetUnitId = unit.Id, Year = 2026, Kind = LedgerEntryKind.OrderCredit, AmountFen = 12_345, On = new DateOnly(2026, 3, 1),
            SourceKey = "test:1", CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();

        foreach (var sql in new[]
                 {
                     "UPDATE \"QuotaLedgerEntries\" SET \"AmountFen\" = 1",
                     "DELETE FROM \"QuotaLedgerEntries\"",
                     "TRUNCATE \"QuotaLedgerEntries\"",
                 })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Contains("append-only", e.MessageText);
        }
        Assert.Equal(12_345, await db.QuotaLedgerEntries.SumAsync(x => x.AmountFen));
    }

    [SkippableFact]
    public async Task The_demo_seeds_by_binary_copy_and_later_inserts_get_fresh_keys()
    {
        Skip.If(Server is null, "MARKETPLACE_TEST_POSTGRES is not set");
        await using var db = DataServiceCollectionExtensions.CreateContext(Options);
        var regions = await db.Regions.AsNoTracking().ToListAsync();
        var data = new DemoDataGenerator(regions, DemoDataOptions.ForProducts(500)).Generate();
        var loader = BulkLoader.For(db);
        await loader.InsertAsync(data.Vendors);
        await loader.InsertAsync(data.BudgetUnits);
        await loader.InsertAsync(data.Products);
        Assert.Equal(500, await db.Products.CountAsync());
        var maxId = await db.Products.MaxAsync(p => p.Id);

        // The identity sequence was moved past the copied keys: the app's own insert does not collide.
        var copy = await db.Products.AsNoTracking().FirstAsync();
        copy.Id = 0;
        copy.Name = "新品 " + copy.Name;
        db.Products.Add(copy);
        await db.SaveChangesAsync();
        Assert.True(copy.Id > maxId);
        // Times come back as the UTC values they were written as.
        var stored = await db.Products.AsNoTracking().Where(p => p.Id == copy.Id).Select(p => p.CreatedAt).FirstAsync();
        Assert.Equal(copy.CreatedAt, stored);
        Assert.Equal(DateTimeKind.Utc, stored.Kind);
    }
}
