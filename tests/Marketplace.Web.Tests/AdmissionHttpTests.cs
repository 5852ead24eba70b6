using System.Net;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Seed;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class AdmissionHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static int _serial = 900_000;

    /// <summary>The province the demo "finance" account governs, and a poverty-relief county in it.</summary>
    private async Task<(int Province, int County)> FinanceScopeAsync()
    {
        var province = await app.Db(db => db.Users.Where(u => u.UserName == "finance").Select(u => u.RegionId!.Value).FirstAsync());
        var (from, to) = RegionCode.SubtreeRange(province);
        var county = await app.Db(db => db.Regions.Where(r => r.IsPovertyRelief && r.Id >= from && r.Id <= to).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync());
        return (province, county);
    }

    private static Dictionary<string, string> Application(string user, int county, string? creditCode = null)
    {
        var serial = Interlocked.Increment(ref _serial);
        return new()
        {
            ["UserName"] = user, ["Email"] = user + "@farm.example", ["Password"] = "Farm@2026!",
            ["VendorName"] = $"测试{serial}种植专业合作社", ["Kind"] = "2",
            ["CreditCode"] = creditCode ?? DemoDataGenerator.CreditCode("93", county, serial),
            ["CountyId"] = county.ToString(), ["ContactName"] = "王小二", ["ContactPhone"] = "13800001111",
            ["FarmerLinkage"] = "带动本村86户脱贫户种植茶叶，保底收购。", ["Introduction"] = "高山茶园",
        };
    }

    private async Task<int> RegisterAsync(string user, int county)
    {
        var response = await app.CreateBrowser().PostFormAsync("/vendor/apply", "/vendor/apply", Application(user, county));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await app.Db(db => db.Users.Where(u => u.UserName == user).Select(u => u.VendorId!.Value).FirstAsync());
    }

    private static Task<HttpResponseMessage> ActAsync(HttpClient client, int vendorId, string command, string reason = "") =>
        client.PostFormAsync($"/admission/vendors/{vendorId}", $"/admission/vendors/{vendorId}/{command}", new Dictionary<string, string> { ["reason"] = reason });

    [Fact]
    public async Task A_vendor_applies_is_recommended_by_its_county_and_approved_by_the_platform()
    {
        var (_, county) = await FinanceScopeAsync();
        var vendorId = await RegisterAsync("coop.a", county);
        Assert.Equal(VendorStatus.Submitted, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.Status).FirstAsync()));

        // The applicant can sign in and sees the state; the shop is not public yet.
        var applicant = await app.SignedInAsync("coop.a", "Farm@2026!");
        Assert.Contains("已提交", (await applicant.GetPageAsync("/vendor")).QuerySelector("h1 .status")!.TextContent);
        await app.CreateClient().GetPageAsync($"/vendors/{vendorId}", HttpStatusCode.NotFound);

        var finance = await app.SignedInAsync("finance");
        var queue = await finance.GetPageAsync("/admission/vendors");
        Assert.Contains(queue.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"/admission/vendors/{vendorId}");
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(finance, vendorId, "Recommend")).StatusCode);

        var admin = await app.SignedInAsync("admin");
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(admin, vendorId, "Approve")).StatusCode);

        var vendor = await app.Db(db => db.Vendors.FirstAsync(v => v.Id == vendorId));
        Assert.Equal(VendorStatus.Active, vendor.Status);
        Assert.NotNull(vendor.ActivatedAt);
        var history = await app.Db(db => db.VendorAdmissionEvents.Where(e => e.VendorId == vendorId).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AdmissionAction.Submit, AdmissionAction.Recommend, AdmissionAction.Approve], history.Select(h => h.Action));
        Assert.Equal([Roles.Vendor, Roles.FinanceBureau, Roles.PlatformAdmin], history.Select(h => h.ActorRole));

        var detail = await admin.GetPageAsync($"/admission/vendors/{vendorId}");
        Assert.Equal(3, detail.QuerySelectorAll(".history tbody tr").Length);
        (await app.CreateClient().GetAsync($"/vendors/{vendorId}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_a_reason_and_change_nothing()
    {
        var (_, county) = await FinanceScopeAsync();
        var vendorId = await RegisterAsync("coop.b", county);
        var admin = await app.SignedInAsync("admin");

        var skip = await ActAsync(admin, vendorId, "Approve"); // without the county's recommendation
        Assert.Equal(HttpStatusCode.UnprocessableEntity, skip.StatusCode);
        Assert.Contains("不能执行", await skip.Content.ReadAsStringAsync());

        var finance = await app.SignedInAsync("finance");
        var noReason = await ActAsync(finance, vendorId, "RejectByCounty");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("请填写原因", await noReason.Content.ReadAsStringAsync());

        Assert.Equal(VendorStatus.Submitted, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.Status).FirstAsync()));
        Assert.Equal(1, await app.Db(db => db.VendorAdmissionEvents.CountAsync(e => e.VendorId == vendorId)));

        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(finance, vendorId, "RejectByCounty", "营业执照与名称不符")).StatusCode);
        var reason = await app.Db(db => db.VendorAdmissionEvents.Where(e => e.VendorId == vendorId).OrderBy(e => e.Id).Select(e => e.Reason).LastAsync());
        Assert.Equal("营业执照与名称不符", reason);
    }

    [Fact]
    public async Task A_finance_bureau_cannot_see_or_recommend_a_vendor_outside_its_region()
    {
        var (province, county) = await FinanceScopeAsync();
        var vendorId = await RegisterAsync("coop.c", county);
        var otherProvince = province == 530000 ? 520000 : 530000;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = "finance.other", Email = "other@finance.example", RegionId = otherProvince, DisplayName = "外省财政厅" };
            Assert.True((await users.CreateAsync(user, DemoAccounts.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.FinanceBureau)).Succeeded);
        }
        var other = await app.SignedInAsync("finance.other");

        var queue = await other.GetPageAsync("/admission/vendors?status=Submitted");
        Assert.DoesNotContain(queue.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"/admission/vendors/{vendorId}");
        await other.GetPageAsync($"/admission/vendors/{vendorId}", HttpStatusCode.NotFound);

        // Post with a valid token taken from a page this user may see.
        var token = await other.TokenFromAsync("/admission/vendors/" + await app.Db(db => db.Vendors.Where(v => v.CountyId >= otherProvince && v.CountyId <= otherProvince + 9999).Select(v => v.Id).FirstAsync()));
        var response = await other.PostAsync($"/admission/vendors/{vendorId}/Recommend",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("管辖地区", await response.Content.ReadAsStringAsync());
        Assert.Equal(VendorStatus.Submitted, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.Status).FirstAsync()));
    }

    [Theory]
    [InlineData("county", "脱贫县")]
    [InlineData("code", "校验位")]
    [InlineData("duplicate", "已申请入驻")]
    public async Task A_bad_application_is_refused_with_a_reason_and_stores_nothing(string problem, string reason)
    {
        var (_, county) = await FinanceScopeAsync();
        var form = Application("coop.bad." + problem, county);
        switch (problem)
        {
            case "county": form["CountyId"] = "110101"; break;                              // 东城区
            case "code": form["CreditCode"] = form["CreditCode"][..17] + (form["CreditCode"][17] == '0' ? "1" : "0"); break;
            default: form["CreditCode"] = await app.Db(db => db.Vendors.Select(v => v.CreditCode).FirstAsync()); break;
        }
        var vendorsBefore = await app.Db(db => db.Vendors.CountAsync());
        var response = await app.CreateBrowser().PostFormAsync("/vendor/apply", "/vendor/apply", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = Html.Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent;
        Assert.Contains(reason, errors);
        Assert.Equal(vendorsBefore, await app.Db(db => db.Vendors.CountAsync()));
        Assert.Null(await app.Db(db => db.Users.FirstOrDefaultAsync(u => u.UserName == "coop.bad." + problem)));
    }

    [Fact]
    public async Task Field_messages_are_in_Chinese_with_the_fields_Chinese_names_never_property_names()
    {
        var county = await app.Db(db => db.Regions.Where(r => r.IsPovertyRelief).Select(r => r.Id).FirstAsync());
        var form = Application("coop.short", county);
        form["FarmerLinkage"] = "太短";
        form["ContactPhone"] = "call me";
        form["Email"] = "";
        var response = await app.CreateBrowser().PostFormAsync("/vendor/apply", "/vendor/apply", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = Html.Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent;
        Assert.Contains("联农带农须为10到2000个字符", errors);
        Assert.Contains("请填写电子邮箱", errors);
        Assert.Contains("联系电话须为7到20位数字", errors);
        Assert.DoesNotMatch("FarmerLinkage|ContactPhone|Email|The field|must be", errors);
    }

    [Fact]
    public async Task Suspending_a_vendor_takes_its_products_off_the_storefront_and_reinstating_needs_a_reason()
    {
        var vendor = await app.Db(db => db.Vendors.Where(v => v.Status == VendorStatus.Active).OrderByDescending(v => v.Id)
            .Select(v => new { v.Id, Listed = db.Products.Where(p => p.VendorId == v.Id && p.Status == ProductStatus.Listed).Select(p => p.Id).ToList() })
            .FirstAsync(v => v.Listed.Count > 0));
        (await app.CreateClient().GetAsync($"/products/{vendor.Listed[0]}")).EnsureSuccessStatusCode();

        var admin = await app.SignedInAsync("admin");
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(admin, vendor.Id, "Suspend", "食品安全抽检不合格")).StatusCode);

        Assert.Equal(0, await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendor.Id && p.Status == ProductStatus.Listed)));
        await app.SearchCaughtUpAsync(); // a stored public page is evicted once the change feed reaches it (within a second)
        await app.CreateClient().GetPageAsync($"/products/{vendor.Listed[0]}", HttpStatusCode.NotFound);
        await app.CreateClient().GetPageAsync($"/vendors/{vendor.Id}", HttpStatusCode.NotFound);
        Assert.Equal(vendor.Listed.Count, await app.Db(db => db.ProductStatusEvents.CountAsync(e => e.Action == ProductAction.VendorSuspended && vendor.Listed.Contains(e.ProductId))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ActAsync(admin, vendor.Id, "Reinstate")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync(admin, vendor.Id, "Reinstate", "整改完成")).StatusCode);
        Assert.Equal(VendorStatus.Active, await app.Db(db => db.Vendors.Where(v => v.Id == vendor.Id).Select(v => v.Status).FirstAsync()));
    }
}
