using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Web.Tests;

/// <summary>
/// Boots the real application (Program) against a real SQLite file in its own temporary folder, with a smaller
/// demo seed so a fixture starts in about a second. One instance per test class (IClassFixture).
/// </summary>
public class MarketplaceAppFactory : WebApplicationFactory<Program>
{
    public string DataFolder { get; } = Directory.CreateTempSubdirectory("mp-web-").FullName;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["DataFolder"] = DataFolder,
        ["Seed:Demo"] = "true",
        ["Seed:Products"] = "600",
        ["Seed:Vendors"] = "60",
        ["Seed:BudgetUnits"] = "60",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public HttpClient CreateBrowser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
    }
}
