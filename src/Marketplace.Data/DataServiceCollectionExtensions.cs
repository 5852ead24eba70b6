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
    /// <remarks>
    /// Contexts are pooled: a request rents one already set up instead of building its internal services anew (a tenth
    /// of a short write request's time). The contexts keep no state of their own beyond what EF resets on return.
    /// </remarks>
    public static IServiceCollection AddMarketplaceData(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                EnsureSqliteFolder(options.ConnectionString);
                services.AddDbContextPool<SqliteMarketplaceDbContext>(o => ConfigureSqlite(o, options.ConnectionString, options.SqliteSynchronous));
                services.AddScoped<MarketplaceDbContext>(sp => sp.GetRequiredService<SqliteMarketplaceDbContext>());
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<SqlServerMarketplaceDbContext>(o => ConfigureSqlServer(o, options.ConnectionString));
                services.AddScoped<MarketplaceDbContext>(sp => sp.GetRequiredService<SqlServerMarketplaceDbContext>());
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextPool<PostgreSqlMarketplaceDbContext>(o => ConfigurePostgreSql(o, options.ConnectionString));
                services.AddScoped<MarketplaceDbContext>(sp => sp.GetRequiredService<PostgreSqlMarketplaceDbContext>());
                break;
            default:
                throw new InvalidOperationException($"Unsupported database provider {options.Provider}.");
        }
        return services;
    }

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder o, string connectionString, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__EFMigrationsHistory"));
        if (synchronous != SqliteSynchronous.Full) o.AddInterceptors(new SqlitePragmas(synchronous));
        return o;
    }

    /// <summary>Sets the connection's <c>synchronous</c> level each time EF opens it (a per-connection setting).</summary>
    private sealed class SqlitePragmas(SqliteSynchronous synchronous) : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
    {
        private readonly string _sql = $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()};";

        public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>PostgreSQL through Npgsql (times: see <see cref="PostgreSqlMarketplaceDbContext"/>).</summary>
    public static DbContextOptionsBuilder ConfigurePostgreSql(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("__EFMigrationsHistory"));

    public static DbContextOptionsBuilder ConfigureSqlServer(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlServer(connectionString, s => s.EnableRetryOnFailure());

    /// <summary>A context of its own (not pooled), with these interceptors besides the provider's own.</summary>
    public static MarketplaceDbContext CreateContext(DatabaseOptions options, params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteMarketplaceDbContext(
            (DbContextOptions<SqliteMarketplaceDbContext>)ConfigureSqlite(new DbContextOptionsBuilder<SqliteMarketplaceDbContext>(), options.ConnectionString, options.SqliteSynchronous).AddInterceptors(interceptors).Options),
        DatabaseProvider.SqlServer => new SqlServerMarketplaceDbContext(
            (DbContextOptions<SqlServerMarketplaceDbContext>)ConfigureSqlServer(new DbContextOptionsBuilder<SqlServerMarketplaceDbContext>(), options.ConnectionString).AddInterceptors(interceptors).Options),
        DatabaseProvider.PostgreSql => new PostgreSqlMarketplaceDbContext(
            (DbContextOptions<PostgreSqlMarketplaceDbContext>)ConfigurePostgreSql(new DbContextOptionsBuilder<PostgreSqlMarketplaceDbContext>(), options.ConnectionString).AddInterceptors(interceptors).Options),
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
