using Marketplace.Data;
using Marketplace.Seed;

namespace Marketplace.Web.Infrastructure;

public sealed class SeedOptions
{
    public const string Section = "Seed";
    /// <summary>Fill an empty database with the demo marketplace and demo accounts.</summary>
    public bool Demo { get; init; }
    public int Seed { get; init; } = 832;
    public int Vendors { get; init; } = 200;
    public int Products { get; init; } = 5_000;
    public int BudgetUnits { get; init; } = 300;
    /// <summary>Also a year of reserved shares with its past months closed (policies, filings, plans, purchases, alerts).</summary>
    public bool Quota { get; init; } = true;
    /// <summary>Also ten months of trade to the vendors (orders, refunds, complaints) and their credit grades.</summary>
    public bool Trade { get; init; } = true;
}

public static class StartupInitialization
{
    /// <summary>Migrate, load reference data and (when configured) the demo, before the first request is served.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Marketplace.Startup");
        var options = services.GetRequiredService<DatabaseOptions>();
        var db = services.GetRequiredService<MarketplaceDbContext>();
        var initializer = new DatabaseInitializer(db, message => logger.LogInformation("{Message}", message));

        if (options.MigrateOnStartup)
        {
            logger.LogInformation("Applying migrations ({Provider})", options.Provider);
            await initializer.MigrateAsync();
        }
        await initializer.SeedReferenceDataAsync();

        var accounts = services.GetRequiredService<DemoAccounts>();
        await accounts.EnsureRolesAsync();

        var seed = app.Configuration.GetSection(SeedOptions.Section).Get<SeedOptions>() ?? new SeedOptions();
        if (seed.Demo)
        {
            await initializer.SeedDemoDataAsync(new DemoDataOptions
            {
                Seed = seed.Seed, Vendors = seed.Vendors, Products = seed.Products, BudgetUnits = seed.BudgetUnits, Quota = seed.Quota, Trade = seed.Trade,
            });
            // The demo trade's orders share one invoice file.
            if (seed.Trade)
                await services.GetRequiredService<Images.InvoiceStore>().EnsureFileAsync(TradeDemoGenerator.DemoInvoiceKey, TradeDemoGenerator.DemoInvoicePdf(), CancellationToken.None);
            var created = await accounts.EnsureDemoUsersAsync();
            logger.LogInformation("Demo accounts (password {Password}): {Accounts}", DemoAccounts.Password,
                string.Join(", ", created.Select(a => $"{a.UserName} ({a.Role})")));
        }
    }
}
