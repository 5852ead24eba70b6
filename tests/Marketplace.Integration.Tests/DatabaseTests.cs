using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Marketplace.Integration.Tests;

public class DatabaseTests
{
    [Fact]
    public void Every_provider_has_migrations_matching_the_model()
    {
        // A model change without a migration for each provider fails here, before it can fail a deploy.
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgreSqlDesignTimeFactory().CreateDbContext([]);
        Assert.NotEmpty(sqlite.Database.GetMigrations());
        Assert.NotEmpty(sqlServer.Database.GetMigrations());
        Assert.NotEmpty(postgres.Database.GetMigrations());
        Assert.False(postgres.Database.HasPendingModelChanges(), "PostgreSQL migrations are behind the model: add a migration.");
        Assert.False(sqlite.Database.HasPendingModelChanges(), "SQLite migrations are behind the model: add a migration.");
        Assert.False(sqlServer.Database.HasPendingModelChanges(), "SQL Server migrations are behind the model: add a migration.");
    }

    [Fact]
    public void SqlServer_idempotent_script_is_generated_without_a_server()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [Products]", script);
        Assert.Contains("[PriceFen] bigint NOT NULL", script);
        Assert.Contains("IF NOT EXISTS", script);
        // Statements SQL Server accepts only at the start of a batch must be wrapped in EXEC in an idempotent script.
        var unwrapped = System.Text.RegularExpressions.Regex.Matches(script, @"^\s*CREATE\s+(TRIGGER|VIEW|PROCEDURE|FUNCTION)\b.*$",
            System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        Assert.Empty(unwrapped.Select(m => m.Value.Trim()));
        Assert.Contains("EXEC(N'CREATE TRIGGER TR_QuotaLedgerEntries_AppendOnly", script);
    }

    [Fact]
    public async Task Initializer_migrates_seeds_and_is_safe_to_run_again()
    {
        using var temp = new TempSqlite();
        await using (var db = temp.NewContext())
        {
            var init = new DatabaseInitializer(db);
            await init.MigrateAsync();
            await init.SeedReferenceDataAsync();
            Assert.True(await init.SeedDemoDataAsync(new DemoDataOptions { Products = 2_000 }));
        }
        await using (var db = temp.NewContext())
        {
            var init = new DatabaseInitializer(db);
            await init.MigrateAsync();
            await init.SeedReferenceDataAsync();
            Assert.False(await init.SeedDemoDataAsync(new DemoDataOptions { Products = 2_000 }));
            Assert.Equal(3348, await db.Regions.CountAsync());
            Assert.Equal(12, await db.Categories.CountAsync());
            Assert.Equal(2_000, await db.Products.CountAsync());
            Assert.Equal(200, await db.Vendors.CountAsync());
        }
    }

    [Fact]
    public async Task Bulk_loaded_rows_read_back_through_EF_exactly_as_generated()
    {
        using var temp = new TempSqlite();
        var (db, regions) = await temp.MigratedWithReferenceDataAsync();
        await using var _ = db;
        var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 1_000 }).Generate();
        var loader = BulkLoader.For(db);
        await loader.InsertAsync(data.Vendors);
        await loader.InsertAsync(data.BudgetUnits);
        Assert.Equal(1_000, await loader.InsertAsync(data.Products));

        var expected = data.Products.First(p => p.ListedAt is not null && p.Certifications != Certification.None);
        var actual = await db.Products.AsNoTracking().SingleAsync(p => p.Id == expected.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.PriceFen, actual.PriceFen);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Certifications, actual.Certifications);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.ListedAt, actual.ListedAt);
        // EF's own queries see the bulk-loaded values (enum and date comparisons are translated to SQL).
        Assert.Equal(data.Products.Count(p => p.Status == ProductStatus.Listed),
            await db.Products.CountAsync(p => p.Status == ProductStatus.Listed));
        Assert.Equal(data.Products.Count(p => p.CreatedAt < new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc)),
            await db.Products.CountAsync(p => p.CreatedAt < new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public async Task A_failed_bulk_load_leaves_no_partial_batch()
    {
        using var temp = new TempSqlite();
        var (db, regions) = await temp.MigratedWithReferenceDataAsync();
        await using var _ = db;
        var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 100 }).Generate();
        await BulkLoader.For(db).InsertAsync(data.Vendors);
        await BulkLoader.For(db).InsertAsync(data.BudgetUnits);
        // The 51st product breaks a check constraint: the batch it is in must roll back entirely.
        var products = data.Products.Select(p => { if (p.Id == 51) p.Stock = -1; return p; });
        await Assert.ThrowsAnyAsync<Exception>(() => BulkLoader.For(db).InsertAsync(products));
        Assert.Equal(0, await db.Products.CountAsync());
    }

    [Theory]
    [InlineData("Oracle")]
    [InlineData("sqlite3")]
    [InlineData("1")]
    public void Unknown_provider_fails_with_a_clear_message(string provider)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            DatabaseOptions.Read(k => k == "Database:Provider" ? provider : null, "x.db"));
        Assert.Contains($"'{provider}'", ex.Message);
        Assert.Contains("Sqlite", ex.Message);
        Assert.Contains("SqlServer", ex.Message);
    }

    [Fact]
    public void SqlServer_without_a_connection_string_fails_fast()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            DatabaseOptions.Read(k => k == "Database:Provider" ? "SqlServer" : null, "x.db"));
        Assert.Contains("ConnectionString", ex.Message);
    }

    [Fact]
    public void Provider_names_are_case_insensitive_and_default_to_sqlite()
    {
        Assert.Equal(DatabaseProvider.SqlServer, DatabaseOptions.Read(k => k switch
        {
            "Database:Provider" => "sqlserver", "Database:ConnectionString" => "Server=x", _ => null,
        }, "x.db").Provider);
        var defaults = DatabaseOptions.Read(_ => null, "/tmp/x.db");
        Assert.Equal(DatabaseProvider.Sqlite, defaults.Provider);
        Assert.Equal("Data Source=/tmp/x.db", defaults.ConnectionString);
    }

    [Fact]
    public async Task Sqlite_durability_is_full_unless_normal_is_asked_for_and_a_typo_is_refused()
    {
        Assert.Equal(SqliteSynchronous.Full, DatabaseOptions.Read(_ => null, "x.db").SqliteSynchronous);
        var ex = Assert.Throws<InvalidOperationException>(() => DatabaseOptions.Read(k => k == "Database:SqliteSynchronous" ? "off" : null, "x.db"));
        Assert.Contains("'off'", ex.Message);

        using var sqlite = new TempSqlite();
        foreach (var (setting, expected) in new[] { ((string?)null, 2L), ("normal", 1L) })
        {
            var options = DatabaseOptions.Read(k => k switch
            {
                "Database:SqliteSynchronous" => setting,
                "Database:ConnectionString" => sqlite.Options.ConnectionString,
                _ => null,
            }, "x.db");
            await using var db = DataServiceCollectionExtensions.CreateContext(options);
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            Assert.Equal(expected, (long)(await command.ExecuteScalarAsync())!);
        }
    }
}
