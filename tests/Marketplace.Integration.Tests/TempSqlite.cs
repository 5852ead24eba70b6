using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Integration.Tests;

/// <summary>A real SQLite database file in a temporary folder, deleted afterwards.</summary>
public sealed class TempSqlite : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("mp-it-").FullName;
    public DatabaseOptions Options => new() { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(Folder, "test.db")};Pooling=False" };

    public MarketplaceDbContext NewContext() => DataServiceCollectionExtensions.CreateContext(Options);

    /// <summary>A migrated context with the reference data loaded, and the regions for the generator.</summary>
    public async Task<(MarketplaceDbContext Db, List<Region> Regions)> MigratedWithReferenceDataAsync()
    {
        var db = NewContext();
        var init = new DatabaseInitializer(db);
        await init.MigrateAsync();
        await init.SeedReferenceDataAsync();
        return (db, await db.Regions.AsNoTracking().ToListAsync());
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
