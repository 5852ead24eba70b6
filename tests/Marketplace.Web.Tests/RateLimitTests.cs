using System.Net;
using Marketplace.Web.Infrastructure;

namespace Marketplace.Web.Tests;

/// <summary>The app with small request budgets, so that each limit is reached in a few requests.</summary>
public sealed class RateLimitedAppFactory : MarketplaceAppFactory
{
    public const int SignIns = 6, PerUserName = 8, Registrations = 3, Searches = 12, Uploads = 3;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimits:SignInsPerMinute"] = $"{SignIns}",
        ["RateLimits:SignInsPerUserNamePer15Minutes"] = $"{PerUserName}",
        ["RateLimits:RegistrationsPerHour"] = $"{Registrations}",
        ["RateLimits:SearchesPerMinute"] = $"{Searches}",
        ["RateLimits:UploadsPerMinute"] = $"{Uploads}",
    };
}

public class RateLimitTests(RateLimitedAppFactory app) : IClassFixture<RateLimitedAppFactory>
{
    private HttpClient From(string address)
    {
        var client = app.CreateBrowser();
        client.DefaultRequestHeaders.Add("X-Test-Client-Address", address);
        return client;
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"expected 429, got {(int)response.StatusCode}");
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "a 429 says when to come back (Retry-After in seconds)");
        // The reason in the visitor's language (Chinese unless English was chosen).
        Assert.Matches("(请求过于频繁|尝试次数过多)", body);
    }

    [Fact]
    public async Task Sign_ins_are_limited_per_address_and_per_user_name_from_anywhere()
    {
        // From one address: the budget (right or wrong passwords alike), then 429 before any password is checked.
        var office = From("10.1.0.1");
        for (var i = 0; i < RateLimitedAppFactory.SignIns; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await office.LoginAsync("finance", DemoAccounts.Password)).StatusCode);
        await AssertTooManyAsync(await office.LoginAsync("finance", DemoAccounts.Password));
        // Another address is not affected by that one's budget.
        Assert.Equal(HttpStatusCode.Redirect, (await From("10.1.0.2").LoginAsync("finance", DemoAccounts.Password)).StatusCode);

        // One user name tried from many addresses (a botnet): its own budget, then 429 from every address.
        for (var i = 0; i < RateLimitedAppFactory.PerUserName; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await From($"10.2.0.{i + 1}").LoginAsync("buyer.parent", "wrong-password")).StatusCode);
        var refused = await From("10.2.1.1").LoginAsync("buyer.parent", DemoAccounts.Password);
        await AssertTooManyAsync(refused);
        // Other accounts still sign in from those addresses.
        Assert.Equal(HttpStatusCode.Redirect, (await From("10.2.0.1").LoginAsync("vendor", DemoAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task Search_is_generous_but_limited_per_address_with_a_bilingual_429_page()
    {
        var scraper = From("10.3.0.1");
        // Each a different query: a page the server has stored already costs no search and no budget.
        for (var i = 0; i < RateLimitedAppFactory.Searches; i++)
            Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync($"/search?q=大米&page={i + 1}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/search?q=大米&page=1")).StatusCode);
        var refused = await scraper.GetAsync("/search?q=大米&sort=PriceAsc");
        await AssertTooManyAsync(refused);
        Assert.Contains("请求过于频繁", await refused.Content.ReadAsStringAsync());
        var english = await scraper.GetAsync("/search?q=大米&sort=PriceAsc&culture=en");
        Assert.Equal(HttpStatusCode.TooManyRequests, english.StatusCode);
        Assert.Contains("Too many requests", await english.Content.ReadAsStringAsync());
        // Browsing goes on; another visitor searches.
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync("/categories/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await From("10.3.0.2").GetAsync("/search?q=大米&sort=PriceAsc")).StatusCode);
    }

    [Fact]
    public async Task Vendor_registrations_are_limited_per_address_and_a_refused_one_stores_nothing()
    {
        var client = From("10.4.0.1");
        var form = new Dictionary<string, string> { ["CompanyName"] = "" };
        for (var i = 0; i < RateLimitedAppFactory.Registrations; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostFormAsync("/vendor/apply", "/vendor/apply", form)).StatusCode);
        var before = await app.Db(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Vendors));
        await AssertTooManyAsync(await client.PostFormAsync("/vendor/apply", "/vendor/apply", form));
        Assert.Equal(before, await app.Db(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Vendors)));
        // The form itself can still be read.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/vendor/apply")).StatusCode);
    }

    [Fact]
    public async Task Uploads_are_limited_per_signed_in_user()
    {
        var vendor = await app.SignedInAsync("vendor");
        vendor.DefaultRequestHeaders.Add("X-Test-Client-Address", "10.5.0.1");
        for (var i = 0; i < RateLimitedAppFactory.Uploads; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("s.csv", "x"u8.ToArray()))).StatusCode);
        await AssertTooManyAsync(await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("s.csv", "x"u8.ToArray())));
        // Another user's budget is their own, even from the same address.
        var other = await app.SignedInAsync("admin");
        other.DefaultRequestHeaders.Add("X-Test-Client-Address", "10.5.0.1");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await other.PostFilesAsync("/admin/units/import", "/admin/units/import", "file", ("u.csv", "x"u8.ToArray()))).StatusCode);
    }
}
