using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Data;

// Used only by `dotnet ef migrations add/script`; no database is opened for SQL Server scripts.
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMarketplaceDbContext>
{
    public SqliteMarketplaceDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqliteMarketplaceDbContext>)DataServiceCollectionExtensions
            .ConfigureSqlite(new DbContextOptionsBuilder<SqliteMarketplaceDbContext>(), "Data Source=design.db").Options);
}

public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerMarketplaceDbContext>
{
    public SqlServerMarketplaceDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SqlServerMarketplaceDbContext>)DataServiceCollectionExtensions
            .ConfigureSqlServer(new DbContextOptionsBuilder<SqlServerMarketplaceDbContext>(),
                "Server=localhost;Database=Marketplace;Trusted_Connection=False;User Id=sa;Password=design-time-only;TrustServerCertificate=True").Options);
}

public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlMarketplaceDbContext>
{
    public PostgreSqlMarketplaceDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgreSqlMarketplaceDbContext>)DataServiceCollectionExtensions
            .ConfigurePostgreSql(new DbContextOptionsBuilder<PostgreSqlMarketplaceDbContext>(), "Host=localhost;Database=marketplace;Username=design;Password=design-time-only").Options);
}
