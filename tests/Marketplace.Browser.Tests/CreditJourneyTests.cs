using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Browser.Tests;

/// <summary>
/// Issue 16 through the real pages in Chromium: a unit complains about a paid order, the platform upholds it, the
/// vendor's credit page shows it counted; the public progress page draws its charts.
/// </summary>
public class CreditJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_unit_complains_the_platform_upholds_and_the_vendor_sees_it_on_its_credit_page()
    {
        // A paid order of the demo unit to the demo vendor (arranged as a checkout and a confirmed transfer leave it).
        var (orderId, vendorId) = await app.Db(async db =>
        {
            var buyer = await db.Users.SingleAsync(u => u.UserName == "buyer");
            var vendor = await db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).SingleAsync();
            var order = new Data.Entities.Order
            {
                Number = "20261129" + Random.Shared.Next(10_000_000, 99_999_999), BudgetUnitId = buyer.BudgetUnitId!.Value, BuyerUserId = buyer.Id,
                VendorId = vendor, Status = OrderStatus.Paid, TotalFen = 12_800, PaidFen = 12_800, PaymentCode = "CJ" + Random.Shared.Next(1_000_000, 9_999_999),
                DeliveryAddress = "机关食堂", CanteenContact = "陈师傅", ContactPhone = "13700000000", PlacedAt = DateTime.UtcNow.AddDays(-3), PaidAt = DateTime.UtcNow.AddDays(-3),
            };
            db.Orders.Add(order);
            await db.SaveChangesAsync();
            return (order.Id, vendor);
        });

        var buyer = await Tab.OpenAsync(app, "credit", "buyer");
        await buyer.SignInAsync("buyer");
        await buyer.GoAsync($"/orders/{orderId}");
        await buyer.Page.Locator("form.complaint-form input[name=reason]").FillAsync("<b>付款三天仍未发货</b>");
        await buyer.SubmitAsync($"/orders/{orderId}/complaints");
        Assert.Equal("Open", await buyer.Page.Locator(".complaints .complaint").First.GetAttributeAsync("data-status"));
        Assert.Contains("<b>付款三天仍未发货</b>", await buyer.Page.Locator(".complaints .complaint").First.InnerTextAsync()); // text, not markup
        Assert.Equal(0, await buyer.Page.Locator("form.complaint-form").CountAsync()); // one open complaint at a time
        await buyer.StepAsync("complained");

        var admin = await Tab.OpenAsync(app, "credit", "admin");
        await admin.SignInAsync("admin");
        await admin.GoAsync("/admin/complaints");
        var complaintId = await app.Db(db => db.Complaints.Where(c => c.OrderId == orderId).Select(c => c.Id).SingleAsync());
        var entry = admin.Page.Locator($".complaint[data-complaint='{complaintId}']");
        await entry.Locator("input[name=note]").FillAsync("核实属实：超过48小时未发货");
        await entry.Locator("button[name=uphold][value=true]").ClickAsync();
        await admin.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.Load);
        Assert.Equal(0, await admin.Page.Locator($".complaint[data-complaint='{complaintId}']").CountAsync()); // gone from the open list
        await admin.StepAsync("upheld");

        // The app's own order jobs deliver the credit recomputation (within a few seconds).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await app.Db(db => db.Outbox.AnyAsync(m => m.ProcessedAt == null && m.Type == "VendorCreditDue")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the credit recomputation was not delivered within 30 s");
            await Task.Delay(250);
        }
        var vendor = await Tab.OpenAsync(app, "credit", "vendor");
        await vendor.SignInAsync("vendor");
        await vendor.GoAsync("/vendor/credit");
        Assert.Equal(1, await vendor.Page.Locator(".complaint[data-status=Upheld]").CountAsync());
        Assert.Equal(1, await vendor.Page.Locator("tr[data-part=penalties]").CountAsync());
        Assert.Contains("核实属实", await vendor.Page.Locator(".complaint[data-status=Upheld]").InnerTextAsync());
        await vendor.StepAsync("credit");
        // Stored as well: the upheld complaint's five points are off the vendor's score.
        Assert.True(await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.CreditScoreTenths).SingleAsync()) <= 950);

        var visitor = await Tab.OpenAsync(app, "credit", "anon");
        await visitor.GoAsync("/public/progress");
        await visitor.Page.Locator("[data-chart=series] svg").First.WaitForAsync();
        Assert.True(await visitor.Page.Locator("table.public-regions tr[data-region]").CountAsync() > 0);
        await visitor.StepAsync("public-progress");
        foreach (var tab in new[] { buyer, admin, vendor, visitor }) await tab.CloseAsync();
    }
}
