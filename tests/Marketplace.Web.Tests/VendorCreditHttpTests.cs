using System.Net;
using Marketplace.Data.Credit;
using Marketplace.Domain.Credit;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// Vendor credit end to end: grades come from the vendor's orders through the outbox, change on the events that count
/// (and only those), show on the shop, product, portal and platform pages, and drive the search filter, sort and boost.
/// </summary>
public class VendorCreditHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    private Task<int> VendorIdAsync() => app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).FirstAsync());

    private Task<(CreditGrade Grade, int Score)> StoredAsync(int vendorId) => app.Db(async db =>
    {
        var v = await db.Vendors.Where(v => v.Id == vendorId).Select(v => new { v.CreditGrade, v.CreditScoreTenths }).FirstAsync();
        return (v.CreditGrade, v.CreditScoreTenths);
    });

    private Task<int> HistoryCountAsync(int vendorId) => app.Db(db => db.VendorCreditChanges.CountAsync(c => c.VendorId == vendorId));

    private async Task<(CreditGrade, int)> NightlyAsync(int vendorId)
    {
        using var scope = app.Services.CreateScope();
        var run = await scope.ServiceProvider.GetRequiredService<VendorCreditService>().RecomputeStaleAsync(DateTime.UtcNow.AddSeconds(1), 7, default);
        // Each vendor once per run (in batches of 7 here), however late the cut-off.
        Assert.Equal(await app.Db(db => db.Vendors.CountAsync(v => v.Status == Domain.VendorStatus.Active || v.Status == Domain.VendorStatus.Suspended)), run.Vendors);
        return await StoredAsync(vendorId);
    }

    [Theory]
    [InlineData("2026-11-29T02:00:00Z", "2026-11-28T19:00:00Z")] // 10:00 in China: today's 03:00
    [InlineData("2026-11-28T18:59:00Z", "2026-11-27T19:00:00Z")] // 02:59 in China: yesterday's 03:00
    [InlineData("2026-11-28T19:00:00Z", "2026-11-28T19:00:00Z")] // 03:00 sharp
    public void The_nightly_run_covers_vendors_not_computed_since_the_last_03_00_china_time(string now, string expected) =>
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
            Features.Credit.CreditJobsWorker.LastNightlyPoint(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal), 3));

    [Fact]
    public async Task A_grade_comes_from_completed_orders_and_moves_on_the_events_that_count_and_no_others()
    {
        var vendorId = await VendorIdAsync();
        var buyer = await app.SignedInAsync("buyer");
        var vendor = await app.SignedInAsync("vendor");
        var admin = await app.SignedInAsync("admin");
        Assert.Equal(CreditGrade.New, (await StoredAsync(vendorId)).Grade);
        Assert.Equal("New", (await vendor.GetPageAsync("/vendor/credit")).QuerySelector("[data-grade]")!.GetAttribute("data-grade"));

        // Four completed orders: still new. The fifth: graded, from the outbox as the background job would run it.
        var orders = new List<OrderDriver.Placed>();
        for (var i = 0; i < 5; i++)
        {
            var o = await _orders.PlaceAsync(buyer);
            await _orders.AdvanceAsync(o.Id, OrderStatus.Completed);
            orders.Add(o);
            await _orders.DispatchOutboxAsync();
            Assert.Equal(i < 4 ? CreditGrade.New : CreditGrade.A, (await StoredAsync(vendorId)).Grade);
        }
        Assert.Equal(1000, (await StoredAsync(vendorId)).Score);
        Assert.Equal(1, await HistoryCountAsync(vendorId));
        var change = await app.Db(db => db.VendorCreditChanges.SingleAsync(c => c.VendorId == vendorId));
        Assert.Equal((CreditGrade.New, CreditGrade.A, 5), (change.From, change.To, change.PaidOrders));
        Assert.Contains(orders[4].Number, change.Trigger);
        Assert.True(await app.Db(db => db.Notifications.AnyAsync(n => n.VendorId == vendorId && n.Link == "/vendor/credit" && n.Title.Contains("A级"))));

        // Shown on the shop and the product pages.
        var productId = await app.Db(db => db.Products.Where(p => p.VendorId == vendorId && p.Status == Domain.ProductStatus.Listed).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync());
        var anonymous = app.CreateBrowser();
        Assert.Equal("A", (await anonymous.GetPageAsync($"/vendors/{vendorId}")).QuerySelector("[data-credit-grade]")!.GetAttribute("data-credit-grade"));
        Assert.Equal("A", (await anonymous.GetPageAsync($"/products/{productId}")).QuerySelector("[data-credit-grade]")!.GetAttribute("data-credit-grade"));

        // Things that do not count change nothing: a nightly run over unchanged facts, a new order inside its shipping
        // promise, a dismissed complaint.
        var sixth = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(sixth.Id, OrderStatus.Paid);
        Assert.Equal((CreditGrade.A, 1000), await NightlyAsync(vendorId));
        Assert.Equal(HttpStatusCode.Redirect, (await Complaints.FileAsync(buyer, orders[0].Id, "送货晚了半天")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Complaints.RuleAsync(admin, await Complaints.LatestIdAsync(app, orders[0].Id), false, "在约定时间内送达")).StatusCode);
        await _orders.DispatchOutboxAsync();
        Assert.Equal((CreditGrade.A, 1000), await StoredAsync(vendorId));
        Assert.Equal(1, await HistoryCountAsync(vendorId));

        // Time alone makes the unshipped order late: the nightly run sees it (6 due, 1 late: 20 × 5/6 = 16.7 of 20).
        await app.Db(db => db.Orders.Where(o => o.Id == sixth.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.PaidAt, DateTime.UtcNow.AddHours(-49))));
        Assert.Equal((CreditGrade.A, 967), await NightlyAsync(vendorId));
        var page = await vendor.GetPageAsync("/vendor/credit");
        Assert.Contains("48", page.QuerySelector("tr[data-part=shipping]")!.TextContent);

        // Three upheld complaints: 15 points off, grade B, kept in the history and told to the vendor.
        foreach (var o in orders.Skip(1).Take(3))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Complaints.FileAsync(buyer, o.Id, "<script>alert(1)</script>短斤少两")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await Complaints.RuleAsync(admin, await Complaints.LatestIdAsync(app, o.Id), true, "核实属实")).StatusCode);
        }
        await _orders.DispatchOutboxAsync();
        Assert.Equal((CreditGrade.B, 817), await StoredAsync(vendorId));
        Assert.Equal(2, await HistoryCountAsync(vendorId));
        page = await vendor.GetPageAsync("/vendor/credit");
        Assert.Equal("B", page.QuerySelector("[data-grade]")!.GetAttribute("data-grade"));
        Assert.NotNull(page.QuerySelector("tr[data-part=penalties]"));
        Assert.Equal(3, page.QuerySelectorAll(".complaint[data-status=Upheld]").Length);
        // Entered text is shown as text, never as markup.
        Assert.Null(page.QuerySelector(".complaint script"));
        Assert.Contains("<script>alert(1)</script>", page.QuerySelector(".complaint[data-status=Upheld]")!.TextContent);

        // The platform sees the history; the grade moves the products in search (after the feed).
        var platform = await admin.GetPageAsync($"/admin/credit/{vendorId}");
        Assert.Equal(["B", "A"], platform.QuerySelectorAll(".credit-history tr[data-to]").Select(r => r.GetAttribute("data-to")));
        Assert.Contains(vendorId.ToString(), (await admin.GetPageAsync("/admin/credit?grade=B")).QuerySelector($"tr[data-vendor='{vendorId}']")!.GetAttribute("data-vendor"));
        await app.SearchCaughtUpAsync();
        var results = await anonymous.GetPageAsync("/search?grade=B");
        var listed = await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendorId && p.Status == Domain.ProductStatus.Listed));
        var shown = results.QuerySelectorAll(".card a.card-link").Select(a => int.Parse(a.GetAttribute("href")!.Split('/')[^1])).ToList();
        Assert.Equal(Math.Min(listed, 24), shown.Count);
        Assert.All(shown, id => Assert.True(app.Db(db => db.Products.AnyAsync(p => p.Id == id && p.VendorId == vendorId)).Result));
        Assert.NotNull(results.QuerySelector("[data-facet=grade]"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/search?sort=Credit&grade=Z&grade=99")).StatusCode);
    }
}

/// <summary>Complaints: what is refused, and that a refusal stores nothing (a class of its own: its orders would count for the vendor above).</summary>
/// <summary>Completions dispatched in one round recompute their vendor once, and that once counts every one of them.</summary>
public class VendorCreditRoundTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task Five_completions_in_one_dispatch_round_grade_the_vendor_from_all_five()
    {
        var driver = new OrderDriver(app);
        var vendorId = await app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).FirstAsync());
        var buyer = await app.SignedInAsync("buyer");
        for (var i = 0; i < 5; i++)
        {
            var o = await driver.PlaceAsync(buyer);
            await driver.AdvanceAsync(o.Id, OrderStatus.Completed);
        }
        Assert.Equal(CreditGrade.New, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.CreditGrade).FirstAsync()));
        await driver.DispatchOutboxAsync();
        Assert.Equal(CreditGrade.A, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.CreditGrade).FirstAsync()));
        var change = await app.Db(db => db.VendorCreditChanges.SingleAsync(c => c.VendorId == vendorId));
        Assert.Equal((CreditGrade.New, CreditGrade.A, 5), (change.From, change.To, change.PaidOrders));
        // Every message of the round is done, though four of them needed no work of their own.
        Assert.False(await app.Db(db => db.Outbox.AnyAsync(m => m.ProcessedAt == null)));
    }
}

public class ComplaintHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    [Fact]
    public async Task Bad_complaints_and_rulings_are_refused_and_store_nothing()
    {
        var buyer = await app.SignedInAsync("buyer");
        var admin = await app.SignedInAsync("admin");
        var unpaid = await _orders.PlaceAsync(buyer);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Complaints.FileAsync(buyer, unpaid.Id, "还没付款")).StatusCode);
        var paid = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(paid.Id, OrderStatus.Paid);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Complaints.FileAsync(buyer, paid.Id, "   ")).StatusCode);
        var tooLong = await Complaints.FileAsync(buyer, paid.Id, new string('长', 501));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("500", await tooLong.Content.ReadAsStringAsync());
        // Another unit's buyer cannot see the order at all.
        var mine = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnit!).FirstAsync());
        var unrelated = await app.Db(db => db.BudgetUnits.Where(u => u.Id != mine.Id && u.Id != mine.ParentId && u.ParentId != mine.Id && u.ParentId != mine.ParentId)
            .Select(u => u.Id).FirstAsync());
        var other = await app.SignedInAsync(await _orders.UserAsync("buyer.credit.other", Domain.Roles.Buyer, u => u.BudgetUnitId = unrelated));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync("/orders", $"/orders/{paid.Id}/complaints", new Dictionary<string, string> { ["reason"] = "x" })).StatusCode);
        Assert.False(await app.Db(db => db.Complaints.AnyAsync(c => c.OrderId == paid.Id || c.OrderId == unpaid.Id)));

        Assert.Equal(HttpStatusCode.Redirect, (await Complaints.FileAsync(buyer, paid.Id, "未按时发货")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Complaints.FileAsync(buyer, paid.Id, "再投诉一次")).StatusCode);
        var id = await Complaints.LatestIdAsync(app, paid.Id);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Complaints.RuleAsync(admin, id, true, " ")).StatusCode);
        Assert.Equal(ComplaintStatus.Open, await app.Db(db => db.Complaints.Where(c => c.Id == id).Select(c => c.Status).FirstAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await Complaints.RuleAsync(admin, id, true, "属实")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Complaints.RuleAsync(admin, id, false, "改判")).StatusCode);
        var ruled = await app.Db(db => db.Complaints.Where(c => c.Id == id).Select(c => new { c.Status, c.RulingNote }).FirstAsync());
        Assert.Equal((ComplaintStatus.Upheld, "属实"), (ruled.Status, ruled.RulingNote));
        Assert.Equal(HttpStatusCode.NotFound, (await Complaints.RuleAsync(admin, 999_999, true, "无此投诉")).StatusCode);
    }
}

/// <summary>A buyer's complaint and the platform's ruling, through the pages.</summary>
internal static class Complaints
{
    public static Task<HttpResponseMessage> FileAsync(HttpClient buyer, long orderId, string reason) =>
        buyer.PostFormAsync($"/orders/{orderId}", $"/orders/{orderId}/complaints", new Dictionary<string, string> { ["reason"] = reason });

    public static Task<long> LatestIdAsync(MarketplaceAppFactory app, long orderId) =>
        app.Db(db => db.Complaints.Where(c => c.OrderId == orderId).OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync());

    public static Task<HttpResponseMessage> RuleAsync(HttpClient admin, long complaintId, bool uphold, string note) =>
        admin.PostFormAsync("/admin/complaints", $"/complaints/{complaintId}/rule", new Dictionary<string, string> { ["uphold"] = uphold ? "true" : "false", ["note"] = note });
}
