using Marketplace.Data;

namespace Marketplace.Integration.Tests;

/// <summary>A real SQLite database file in a temporary folder, deleted afterwards.</summary>
public sealed class TempSqlite : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("mp-it-").FullName;
    public DatabaseOptions Options => new() { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(Folder, "test.db")};Pooling=False" };

    public MarketplaceDbContext NewContext() => DataServiceCollectionExtensions.CreateContext(Options);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
