using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider-specific context and exposes it as <see cref="MarketplaceDbContext"/>, the only type
    /// the rest of the application asks for.
    /// </summary>
    public static IServiceCollection AddMarketplaceData(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteFolder(options.ConnectionString);
                services.AddDbContext<SqliteMarketplaceDbContext>(o => ConfigureSqlite(o, options.ConnectionString));
                services.AddScoped<MarketplaceDbContext>(sp => sp.GetRequiredService<SqliteMarketplaceDbContext>());
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContext<SqlServerMarketplaceDbContext>(o => ConfigureSqlServer(o, options.ConnectionString));
                services.AddScoped<MarketplaceDbContext>(sp => sp.GetRequiredService<SqlServerMarketplaceDbContext>());
                break;
            default:
                throw new InvalidOperationException($"Unsupported database provider {options.Provider}.");
        }
        return services;
    }

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__EFMigrationsHistory"));

    public static DbContextOptionsBuilder ConfigureSqlServer(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlServer(connectionString, s => s.EnableRetryOnFailure());

    public static MarketplaceDbContext CreateContext(DatabaseOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteMarketplaceDbContext(
            (DbContextOptions<SqliteMarketplaceDbContext>)ConfigureSqlite(new DbContextOptionsBuilder<SqliteMarketplaceDbContext>(), options.ConnectionString).Options),
        DatabaseProvider.SqlServer => new SqlServerMarketplaceDbContext(
            (DbContextOptions<SqlServerMarketplaceDbContext>)ConfigureSqlServer(new DbContextOptionsBuilder<SqlServerMarketplaceDbContext>(), options.ConnectionString).Options),
        _ => throw new InvalidOperationException($"Unsupported database provider {options.Provider}."),
    };

    private static void EnsureSqliteFolder(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.Ordinal)) return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }
}
