using System.Net;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class QuotaHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static readonly int Year = DateTime.UtcNow.AddHours(8).Year;

    [Fact]
    public async Task A_bureau_sets_the_policy_a_unit_files_the_bureau_approves_and_the_unit_plans_and_sees_progress()
    {
        var finance = await app.SignedInAsync("finance");
        var buyer = await app.SignedInAsync("buyer");

        var before = await buyer.GetPageAsync("/quota");
        Assert.Contains("尚未设置", before.QuerySelector(".notice")!.TextContent);

        var policy = await finance.PostFormAsync("/quota/region", "/quota/region/policy", new Dictionary<string, string>
        {
            ["year"] = Year.ToString(), ["minimumPercent"] = "20", ["deadline"] = $"{Year}-12-31", ["unionPurchasesCount"] = "true", ["alertPercent"] = "10", ["curve"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, policy.StatusCode);
        var outOfRange = await finance.PostFormAsync("/quota/region", "/quota/region/policy", new Dictionary<string, string>
        {
            ["year"] = Year.ToString(), ["minimumPercent"] = "35", ["deadline"] = $"{Year}-12-31", ["alertPercent"] = "10",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outOfRange.StatusCode);
        Assert.Contains("15%到30%", await outOfRange.Content.ReadAsStringAsync());

        // Below the minimum without a reason: refused with the reason named.
        var low = await buyer.PostFormAsync("/quota", "/quota/filing", new Dictionary<string, string>
        {
            ["Arrangement"] = "OwnCanteen", ["CanteenTotalYuan"] = "1200000", ["RatioPercent"] = "10",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, low.StatusCode);
        Assert.Contains("最低比例", Html.Parse(await low.Content.ReadAsStringAsync()).QuerySelector(".errors")!.TextContent);

        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostFormAsync("/quota", "/quota/filing", new Dictionary<string, string>
        {
            ["Arrangement"] = "OwnCanteen", ["CanteenTotalYuan"] = "1200000", ["RatioPercent"] = "25",
        })).StatusCode);
        var page = await buyer.GetPageAsync("/quota");
        var submitAction = page.QuerySelector("form:has(.submit-filing)")!.GetAttribute("action")!;
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostFormAsync("/quota", submitAction, new Dictionary<string, string>())).StatusCode);

        var submitted = await buyer.GetPageAsync("/quota");
        Assert.Equal("25%", submitted.QuerySelector(".filing-summary .filed-ratio")!.TextContent);
        Assert.Equal("¥300,000.00", submitted.QuerySelector(".filing-summary .filed-reserved")!.TextContent);

        var queue = await finance.GetPageAsync("/quota/region?state=Submitted");
        var approve = queue.QuerySelectorAll("form").Select(f => f.GetAttribute("action")!).First(a => a.Contains("/Approve"));
        Assert.Equal(HttpStatusCode.Redirect, (await finance.PostFormAsync("/quota/region", approve, new Dictionary<string, string>())).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostFormAsync("/quota", "/quota/plan", new Dictionary<string, string> { ["fill"] = "even" })).StatusCode);

        // Orders completed for the unit (as the buying side will publish them) show as progress.
        var unit = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnitId!.Value).FirstAsync());
        using (var scope = app.Services.CreateScope())
        {
            var writer = scope.ServiceProvider.GetRequiredService<LedgerWriter>();
            await writer.ApplyAsync(new OrderCompleted(900_001, unit, Money.FromYuan(30_000), new DateOnly(Year, 1, 15)), default);
            await writer.ApplyAsync(new OrderCompleted(900_002, unit, Money.FromYuan(20_000), new DateOnly(Year, 2, 3)), default);
            await writer.ApplyAsync(new OrderRefunded(900_002, 1, unit, Money.FromYuan(5_000), new DateOnly(Year, 2, 3), new DateOnly(Year, 2, 9)), default);
        }
        var dashboard = await buyer.GetPageAsync("/quota");
        Assert.Equal("¥300,000.00", dashboard.QuerySelector(".reserved")!.TextContent);
        Assert.StartsWith("¥45,000.00", dashboard.QuerySelector(".completed")!.TextContent);
        Assert.Equal(12, dashboard.QuerySelectorAll(".bars li").Length);
        Assert.Equal(3, dashboard.QuerySelectorAll(".ledger tbody tr").Length);
        Assert.Contains("#900002", dashboard.QuerySelector(".ledger")!.TextContent);
        Assert.Equal(12, dashboard.QuerySelectorAll(".plan-grid input").Length);
        Assert.Equal("25000.00", dashboard.QuerySelectorAll(".plan-grid input")[0].GetAttribute("value"));

        // Only reserved-share messages on this page: an order message to the unit stays on /notifications.
        var buyerUnit = unit;
        await app.Db(async db =>
        {
            db.Notifications.Add(new Marketplace.Data.Entities.Notification { BudgetUnitId = buyerUnit, Title = "订单已发货", Body = "物流单号123", SenderName = "供应商", Link = "/orders/1", CreatedAt = DateTime.UtcNow });
            db.Notifications.Add(new Marketplace.Data.Entities.Notification { BudgetUnitId = buyerUnit, Title = "请加快采购进度", Body = "差额", SenderName = "财政", Link = $"/quota?year={Year}", CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        var notices = (await buyer.GetPageAsync("/quota")).QuerySelectorAll(".notification").Select(n => n.TextContent).ToList();
        Assert.Contains(notices, n => n.Contains("请加快采购进度"));
        Assert.DoesNotContain(notices, n => n.Contains("订单已发货"));

        // A purchase this month: counted to date at once, and the same figure on the bureau's list; the closed
        // months' position stays as it was, labelled with its month.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<LedgerWriter>().ApplyAsync(new OrderCompleted(900_003, unit, Money.FromYuan(182), today), default);
        var withToday = await buyer.GetPageAsync("/quota");
        Assert.Equal("¥45,182.00", withToday.QuerySelector(".completed-to-date")!.TextContent);
        if (today.Month > 1) Assert.StartsWith("¥45,000.00", withToday.QuerySelector(".completed")!.TextContent);
        var region = await finance.GetPageAsync("/quota/region");
        Assert.Equal("¥45,182.00", region.QuerySelector($"tr[data-unit='{unit}'] .completed")!.TextContent.Trim());
    }

    [Fact]
    public async Task Other_roles_cannot_reach_the_quota_pages()
    {
        var vendor = await app.SignedInAsync("vendor");
        Assert.Contains("/account/denied", (await vendor.GetAsync("/quota")).Headers.Location!.ToString());
        var buyer = await app.SignedInAsync("buyer");
        Assert.Contains("/account/denied", (await buyer.GetAsync("/quota/region")).Headers.Location!.ToString());
    }
}

public class QuotaBureauTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static readonly int Year = DateTime.UtcNow.AddHours(8).Year;

    [Fact]
    public async Task Reminders_reach_every_unit_that_has_not_filed()
    {
        var finance = await app.SignedInAsync("finance");
        var page = await finance.GetPageAsync($"/quota/region?year={Year}");
        var notFiled = int.Parse(new string(page.QuerySelector("[data-state=NotFiled]")!.TextContent.Where(char.IsAsciiDigit).ToArray()));
        Assert.True(notFiled > 0);
        var sent = await finance.PostFormAsync($"/quota/region?year={Year}", "/quota/region/remind", new Dictionary<string, string> { ["year"] = Year.ToString() });
        Assert.Contains($"reminded={notFiled}", sent.Headers.Location!.ToString());
        Assert.Equal(notFiled, await app.Db(db => db.Notifications.CountAsync(n => n.Title.Contains(Year.ToString()))));

        var buyer = await app.SignedInAsync("buyer");
        Assert.Contains("请填报", (await buyer.GetPageAsync("/quota")).QuerySelector(".notification")!.TextContent);
    }

    [Fact]
    public async Task A_bureau_adjusts_a_units_ledger_with_a_reason_and_sees_it_in_the_drill_down()
    {
        var finance = await app.SignedInAsync("finance");
        var unit = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnitId!.Value).FirstAsync());
        var url = $"/quota/region/units/{unit}?year={Year}";

        var noReason = await finance.PostFormAsync(url, $"/quota/region/units/{unit}/adjust", new Dictionary<string, string>
        {
            ["year"] = Year.ToString(), ["amountYuan"] = "1234.50", ["on"] = $"{Year}-03-01", ["reason"] = "",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Equal(0, await app.Db(db => db.QuotaLedgerEntries.CountAsync(x => x.BudgetUnitId == unit && x.Kind == Domain.Quota.LedgerEntryKind.Adjustment)));

        var ok = await finance.PostFormAsync(url, $"/quota/region/units/{unit}/adjust", new Dictionary<string, string>
        {
            ["year"] = Year.ToString(), ["amountYuan"] = "1234.50", ["on"] = $"{Year}-03-01", ["reason"] = "通过832小程序采购，线下核实",
        });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var entry = await app.Db(db => db.QuotaLedgerEntries.SingleAsync(x => x.BudgetUnitId == unit && x.Kind == Domain.Quota.LedgerEntryKind.Adjustment));
        Assert.Equal((123_450L, "通过832小程序采购，线下核实"), (entry.AmountFen, entry.Reason!));

        var region = await finance.GetPageAsync($"/quota/region?year={Year}");
        var row = region.QuerySelector($"tr[data-unit='{unit}']")!;
        Assert.Equal("¥1,234.50", row.QuerySelector(".completed")!.TextContent.Trim());
        var drill = await finance.GetPageAsync(row.QuerySelector(".completed a")!.GetAttribute("href")!);
        Assert.Contains("通过832小程序采购", drill.QuerySelector(".ledger")!.TextContent);
    }

    [Fact]
    public async Task A_bureau_cannot_look_at_or_adjust_a_unit_outside_its_region()
    {
        var finance = await app.SignedInAsync("finance");
        var province = await app.Db(db => db.Users.Where(u => u.UserName == "finance").Select(u => u.RegionId!.Value).FirstAsync());
        var foreign = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId < province || u.RegionId > province + 9999).Select(u => u.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.GetAsync($"/quota/region/units/{foreign}")).StatusCode);
        var token = await finance.TokenFromAsync("/quota/region");
        var response = await finance.PostAsync($"/quota/region/units/{foreign}/adjust", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["year"] = Year.ToString(), ["amountYuan"] = "1", ["on"] = $"{Year}-03-01", ["reason"] = "x", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await app.Db(db => db.QuotaLedgerEntries.CountAsync(x => x.BudgetUnitId == foreign)));
    }
}
