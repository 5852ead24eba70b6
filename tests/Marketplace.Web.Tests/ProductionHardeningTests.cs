using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

/// <summary>The app as deployed: Production environment, a Data Protection certificate, reached over HTTPS by its host name.</summary>
public sealed class ProductionAppFactory : MarketplaceAppFactory
{
    protected override string EnvironmentName => "Production";

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var pfx = Path.Combine(DataFolder, "dataprotection.pfx");
            if (!File.Exists(pfx))
            {
                using var key = RSA.Create(2048);
                var request = new CertificateRequest("CN=marketplace-dataprotection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
                File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "test-password"));
            }
            return new Dictionary<string, string?>(base.Settings)
            {
                ["DataProtection:Certificate"] = pfx,
                ["DataProtection:CertificatePassword"] = "test-password",
                ["Logging:Format"] = "text",
            };
        }
    }

    public HttpClient CreateSecureBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://market.example.cn") });
}

public class ProductionHardeningTests(ProductionAppFactory app) : IClassFixture<ProductionAppFactory>
{
    [Fact]
    public async Task Every_response_carries_the_security_headers_and_names_no_server()
    {
        var client = app.CreateSecureBrowser();
        foreach (var path in new[] { "/", "/search?q=大米", "/account/login", "/no/such/page", "/css/site.css", "/health" })
        {
            var response = await client.GetAsync(path);
            var headers = response.Headers;
            Assert.False(headers.Contains("Server"), $"{path}: Server header");
            Assert.False(headers.Contains("X-Powered-By"), $"{path}: X-Powered-By header");
            Assert.Equal("nosniff", headers.GetValues("X-Content-Type-Options").Single());
            var csp = headers.GetValues("Content-Security-Policy").Single();
            var scriptSrc = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src", StringComparison.Ordinal));
            Assert.DoesNotContain("unsafe-inline", scriptSrc);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("object-src 'none'", csp);
            Assert.Equal("strict-origin-when-cross-origin", headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("camera=()", headers.GetValues("Permissions-Policy").Single());
            Assert.StartsWith("max-age=", headers.GetValues("Strict-Transport-Security").Single());
        }
    }

    [Fact]
    public async Task Cookies_are_secure_http_only_and_same_site()
    {
        var client = app.CreateSecureBrowser();
        var login = await client.GetAsync("/account/login");
        var signIn = await client.LoginAsync("buyer", Marketplace.Web.Infrastructure.DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").Concat(signIn.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(cookies, c => c.StartsWith("mp.auth=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("mp.af=", StringComparison.Ordinal));
        foreach (var cookie in cookies)
        {
            var attributes = cookie.ToLowerInvariant();
            Assert.Contains("; secure", attributes);
            Assert.Contains("; httponly", attributes);
            Assert.Contains("; samesite=", attributes);
        }
    }

    [SqliteOnlyFact]
    public async Task A_failing_database_shows_no_stack_trace_path_or_version_to_anyone()
    {
        var client = app.CreateSecureBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        // Break the database under the running app: every page that reads products now fails inside.
        await app.Db(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE Products RENAME TO Products_gone"));
        try
        {
            // Search answers from its index alone and the health check reads the regions: both keep working, and say nothing inside.
            foreach (var path in new[] { "/", "/products/1", "/categories/1?culture=en", "/vendors/1", "/search?q=大米", "/health" })
            {
                var response = await client.GetAsync(path);
                if (!path.StartsWith("/search") && path != "/health") Assert.True((int)response.StatusCode >= 500, $"{path}: {(int)response.StatusCode}");
                var body = await response.Content.ReadAsStringAsync();
                foreach (var leak in new[] { "SqliteException", "Exception", " at Marketplace", ".cs:line", app.DataFolder, "/work/", "no such table",
                                             "Products_gone", "Microsoft.", "Kestrel", "10.0." })
                    Assert.False(body.Contains(leak, StringComparison.OrdinalIgnoreCase), $"{path} shows \"{leak}\":\n{body[..Math.Min(body.Length, 1500)]}");
                Assert.False(response.Headers.Contains("Server"));
            }
        }
        finally
        {
            await app.Db(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE Products_gone RENAME TO Products"));
        }
    }
}
