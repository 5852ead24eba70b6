using System.Net;
using Marketplace.Data;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// Boots the real application (Program) against a real SQLite file in its own temporary folder, with a smaller
/// demo seed so a fixture starts in about a second. One instance per test class (IClassFixture).
/// </summary>
public class MarketplaceAppFactory : WebApplicationFactory<Program>
{
    public string DataFolder { get; } = Directory.CreateTempSubdirectory("mp-web-").FullName;

    /// <summary>
    /// With MARKETPLACE_TEST_POSTGRES (a connection string without a database, e.g. Host=127.0.0.1;Port=55432;Username=u),
    /// the suite runs against PostgreSQL: each factory gets a database of its own, dropped afterwards. SQLite otherwise.
    /// </summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("MARKETPLACE_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    private readonly string _postgresDatabase = "mp_web_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The provider and connection string this app's database has (for a second node on the same database).</summary>
    public (string Provider, string ConnectionString) Database => PostgresServer is { } server
        ? ("PostgreSql", $"{server.TrimEnd(';')};Database={_postgresDatabase}")
        : ("Sqlite", $"Data Source={Path.Combine(DataFolder, "marketplace.db")}");

    private IDictionary<string, string?> DatabaseSettings => PostgresServer is { } server
        ? new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSql",
            ["Database:ConnectionString"] = $"{server.TrimEnd(';')};Database={_postgresDatabase}",
        }
        : new Dictionary<string, string?>();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["DataFolder"] = DataFolder,
        ["Seed:Demo"] = "true",
        ["Seed:Products"] = "600",
        ["Seed:Vendors"] = "60",
        ["Seed:BudgetUnits"] = "60",
        // The quota tests walk a region from no policy; FinanceAppFactory seeds a year of reserved shares instead.
        ["Seed:Quota"] = "false",
        // Tests place their own orders and count them; DemoTradeTests seeds the trade history.
        ["Seed:Trade"] = "false",
        ["Finance:BackgroundJobs"] = "false",
        // Tests that want photos make them (DemoPhotosTests); the others see the seeded products as they are.
        ["Seed:Photos"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        // Tests drive the order jobs themselves, deterministically.
        ["Orders:BackgroundJobs"] = "false",
        ["Credit:BackgroundJobs"] = "false",
        // The public page's county sales are read fresh in tests (a minute's memory copy otherwise).
        ["Transparency:SalesCacheSeconds"] = "0",
        // Every test client shares one address and signs in many times; RateLimitTests keep the production budgets.
        ["RateLimits:SignInsPerMinute"] = "100000",
        ["RateLimits:SignInsPerUserNamePer15Minutes"] = "100000",
        ["RateLimits:RegistrationsPerHour"] = "100000",
        ["RateLimits:SearchesPerMinute"] = "100000",
        ["RateLimits:UploadsPerMinute"] = "100000",
    };

    protected virtual string EnvironmentName => "Testing";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var (key, value) in DatabaseSettings.Concat(Settings)) builder.UseSetting(key, value);
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientAddress>());
    }

    /// <summary>The test server has no client address; a test names one with the X-Test-Client-Address header.</summary>
    private sealed class TestClientAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(async (Microsoft.AspNetCore.Http.HttpContext context, Func<Task> nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Client-Address", out var address) && IPAddress.TryParse(address.ToString(), out var ip))
                    context.Connection.RemoteIpAddress = ip;
                await nextMiddleware();
            });
            next(app);
        };
    }

    public HttpClient CreateBrowser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A browser signed in as a demo account (or any account with the given password).</summary>
    public async Task<HttpClient> SignedInAsync(string user, string password = DemoAccounts.Password)
    {
        var client = CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(user, password)).StatusCode);
        return client;
    }

    /// <summary>
    /// Waits until the node's search index has been built at start, then applies the pending change feed, so a
    /// test sees what the worker would show a second later.
    /// </summary>
    public async Task SearchCaughtUpAsync()
    {
        var index = Services.GetRequiredService<Marketplace.Search.ISearchIndex>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await index.GetFeedCursorAsync(CancellationToken.None) == 0 && await index.CountAsync(CancellationToken.None) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the search index was not built within a minute");
            await Task.Delay(50);
        }
        await Db(db => new Marketplace.Search.SearchIndexFeed(index).CatchUpAsync(db, CancellationToken.None));
        await Db(async db => { await Services.GetRequiredService<PublicPageEvictor>().EvictChangedAsync(db, CancellationToken.None); return 0; });
    }

    /// <summary>Reads the app's own database, to compare what the pages show with what is stored.</summary>
    public async Task<T> Db<T>(Func<MarketplaceDbContext, Task<T>> query)
    {
        using var scope = Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
        if (PostgresServer is { } server)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            using var admin = new Npgsql.NpgsqlConnection($"{server.TrimEnd(';')};Database=postgres");
            admin.Open();
            using var drop = admin.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)";
            drop.ExecuteNonQuery();
        }
    }
}

/// <summary>A test about the SQLite file itself (where it is, what breaking it does): skipped when the suite runs on PostgreSQL.</summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute()
    {
        if (MarketplaceAppFactory.PostgresServer is not null) Skip = "inspects or breaks the SQLite file; this run is on PostgreSQL";
    }
}
