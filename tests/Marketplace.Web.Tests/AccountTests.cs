using Marketplace.Web.Features.Account;
using System.Net;
using Marketplace.Data.Entities;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public class AccountTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Theory]
    [InlineData("admin", "平台管理员", null)]
    [InlineData("buyer", "食堂采购员", "预算单位")]
    [InlineData("buyer.parent", "食堂采购员", "预算单位")]
    [InlineData("vendor", "供应商", "供应商")]
    [InlineData("finance", "财政部门", "管辖地区")]
    [InlineData("finance.county", "财政部门", "管辖地区")]
    public async Task Each_demo_role_signs_in_and_sees_its_own_scope(string user, string role, string? scopeLabel)
    {
        var client = app.CreateBrowser();
        var login = await client.LoginAsync(user, DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/account", login.Headers.Location!.OriginalString);

        var profile = await client.GetPageAsync("/account");
        var facts = profile.QuerySelector(".facts")!.TextContent;
        Assert.Contains(user, facts);
        Assert.Contains(role, facts);
        if (scopeLabel is null)
            Assert.Null(profile.QuerySelector(".scope"));
        else
        {
            Assert.Contains(scopeLabel, facts);
            Assert.False(string.IsNullOrWhiteSpace(profile.QuerySelector(".scope")!.TextContent));
        }
    }

    [Fact]
    public async Task Scopes_come_from_the_database_rows_the_accounts_are_tied_to()
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var buyer = await users.FindByNameAsync("buyer");
        var parent = await users.FindByNameAsync("buyer.parent");
        var vendor = await users.FindByNameAsync("vendor");
        var finance = await users.FindByNameAsync("finance");
        Assert.NotNull(buyer!.BudgetUnitId);
        Assert.NotNull(vendor!.VendorId);
        Assert.Equal(Domain.RegionLevel.Province, Domain.RegionCode.LevelOf(finance!.RegionId!.Value));
        var db = scope.ServiceProvider.GetRequiredService<Data.MarketplaceDbContext>();
        var unit = await db.BudgetUnits.FindAsync(buyer.BudgetUnitId);
        Assert.Equal(parent!.BudgetUnitId, unit!.ParentId);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_reason()
    {
        var client = app.CreateBrowser();
        var response = await client.LoginAsync("buyer", "not-the-password");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("用户名或密码错误", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/account")).StatusCode); // still signed out
    }

    [Fact]
    public async Task Empty_form_gets_field_errors()
    {
        var response = await app.CreateBrowser().LoginAsync("", "");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = Html.Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent;
        Assert.Contains("请输入用户名", text);
        Assert.Contains("请输入密码", text);
    }

    private HttpClient From(string address)
    {
        var client = app.CreateBrowser();
        client.DefaultRequestHeaders.Add("X-Test-Client-Address", address);
        return client;
    }

    [Fact]
    public async Task Ten_wrong_passwords_lock_the_account_briefly_tell_its_owner_and_a_stranger_sees_the_usual_answer()
    {
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var created = await users.CreateAsync(new AppUser { UserName = "lockme", Email = "lockme@test.example", LockoutEnabled = true }, DemoAccounts.Password);
            Assert.True(created.Succeeded);
        }
        // Ten addresses, one wrong password each (no single address is throttled).
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await From($"10.0.{i}.1").LoginAsync("lockme", "wrong-" + i)).StatusCode);

        var locked = await From("10.1.0.1").LoginAsync("lockme", DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, locked.StatusCode);
        var lockedText = Html.Parse(await locked.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent;
        var unknown = await From("10.1.0.2").LoginAsync("nobody-by-this-name", "whatever-1");
        Assert.Equal(lockedText, Html.Parse(await unknown.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent);
        Assert.DoesNotContain("锁定", lockedText);

        var notice = await app.Db(db => db.Notifications.Where(n => n.UserId == db.Users.Where(u => u.UserName == "lockme").Select(u => u.Id).First()).ToListAsync());
        Assert.Single(notice);
        Assert.Contains("10.0.9.1", notice[0].Body);
        var until = await app.Db(db => db.Users.Where(u => u.UserName == "lockme").Select(u => u.LockoutEnd).SingleAsync());
        Assert.InRange(until!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));
    }

    [Fact]
    public async Task An_address_spraying_passwords_is_throttled_before_any_account_locks()
    {
        var sprayer = From("192.0.2.77");
        for (var i = 0; i < SignInThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await sprayer.LoginAsync($"guess{i}", "Password1!")).StatusCode);
        // From now on nothing is checked from this address, not even a right password.
        var throttled = await sprayer.LoginAsync("admin", DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("10分钟", await throttled.Content.ReadAsStringAsync());
        // Other addresses are unaffected, and no account was touched.
        Assert.Equal(HttpStatusCode.Redirect, (await From("192.0.2.78").LoginAsync("admin", DemoAccounts.Password)).StatusCode);
        Assert.Equal(0, await app.Db(db => db.Users.Where(u => u.UserName == "admin").Select(u => u.AccessFailedCount).SingleAsync()));
    }

    [Fact]
    public async Task A_post_without_antiforgery_token_is_rejected_with_a_bilingual_reason()
    {
        var client = app.CreateBrowser();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "admin", ["Password"] = DemoAccounts.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("防伪令牌", body);
        var english = await client.PostAsync("/account/login?culture=en&ui-culture=en", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin" }));
        Assert.Contains("anti-forgery token", await english.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/account")).StatusCode); // not signed in
    }

    [Fact]
    public async Task Sign_out_needs_the_token_and_ends_the_session()
    {
        var client = app.CreateBrowser();
        await client.LoginAsync("admin", DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/account/logout", new FormUrlEncodedContent([]))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).StatusCode);

        var logout = await client.PostFormAsync("/", "/account/logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var after = await client.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/account/login", after.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Login_return_url_must_be_local()
    {
        var client = app.CreateBrowser();
        var page = await client.GetPageAsync("/account/login?returnUrl=https%3A%2F%2Fevil.example");
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "admin", ["Password"] = DemoAccounts.Password, ["ReturnUrl"] = "https://evil.example", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal("/account", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signed_in_pages_are_not_publicly_cacheable()
    {
        var client = app.CreateBrowser();
        await client.LoginAsync("buyer", DemoAccounts.Password);
        var response = await client.GetAsync("/categories/1");
        // The page carries the user's name and a sign-out token: no shared cache may keep it.
        var cacheControl = response.Headers.CacheControl!.ToString();
        Assert.DoesNotContain("public", cacheControl);
        Assert.Contains("no-store", cacheControl);
    }
}
