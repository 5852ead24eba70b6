using System.Net;
using System.Text;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class OrderPagesTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    [Fact]
    public async Task Vendor_and_buyer_take_an_order_to_completion_through_the_pages()
    {
        // The demo vendor's product, bought by the demo buyer.
        var product = await app.Db(async db =>
        {
            var vendorId = await db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).FirstAsync();
            var p = await db.Products.Where(p => p.VendorId == vendorId && p.Status == ProductStatus.Listed).OrderBy(p => p.Id).FirstAsync();
            p.Stock = 30; p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p;
        });
        var buyer = await app.SignedInAsync("buyer");
        await buyer.PostFormAsync($"/products/{product.Id}", "/cart/add", new Dictionary<string, string> { ["productId"] = product.Id.ToString(), ["quantity"] = "2" });
        var placed = await buyer.PostFormAsync("/cart", "/cart/checkout", new Dictionary<string, string>
        {
            ["DeliveryAddress"] = "贵州省贵阳市观山湖区 食堂", ["CanteenContact"] = "陈师傅", ["ContactPhone"] = "13700000000",
        });
        var number = (await buyer.PlacedAsync(placed))[0];
        var id = await app.Db(db => db.Orders.Where(o => o.Number == number).Select(o => o.Id).FirstAsync());
        var page = $"/orders/{id}";

        var vendor = await app.SignedInAsync("vendor");
        Assert.NotNull((await vendor.GetPageAsync("/vendor/orders")).QuerySelector($"tr[data-order='{number}']"));
        Task<HttpResponseMessage> Act(HttpClient who, string command, Dictionary<string, string>? fields = null) =>
            who.PostFormAsync(page, $"/orders/{id}/{command}", fields ?? []);

        Assert.Equal(HttpStatusCode.Forbidden, (await Act(buyer, "ConfirmPayment")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(vendor, "ConfirmPayment")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Act(vendor, "Ship", new() { ["carrier"] = "顺丰速运", ["trackingNumber"] = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(vendor, "Ship", new() { ["carrier"] = "顺丰速运", ["trackingNumber"] = "SF1400999888777" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(buyer, "ConfirmDelivery")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Act(buyer, "Accept")).StatusCode); // no invoice yet

        var notAnInvoice = await vendor.PostFilesAsync(page, $"/orders/{id}/invoice", "invoice", ("invoice.pdf", Encoding.UTF8.GetBytes("不是发票")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAnInvoice.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync(page, $"/orders/{id}/invoice", "invoice", ("invoice.pdf", Pdf()))).StatusCode);
        var invoice = await buyer.GetAsync($"/orders/{id}/invoice");
        Assert.Equal("application/pdf", invoice.Content.Headers.ContentType!.MediaType);

        Assert.Equal(HttpStatusCode.Redirect, (await Act(buyer, "Accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(buyer, "Evaluate", new() { ["quality"] = "5", ["delivery"] = "4", ["service"] = "5", ["comment"] = "菜品新鲜" })).StatusCode);

        var detail = await buyer.GetPageAsync(page);
        Assert.Contains("已完成", detail.QuerySelector("h1 .status")!.TextContent);
        Assert.Equal(6, detail.QuerySelectorAll(".timeline li").Length); // placed, paid, shipped, delivered, accepted, completed
        Assert.Equal(OrderStatus.Completed, await app.Db(db => db.Orders.Where(o => o.Id == id).Select(o => o.Status).FirstAsync()));
        Assert.Equal(1, await app.Db(db => db.Outbox.CountAsync(m => m.Payload.Contains($"\"orderId\":{id},"))));

        // Nobody else sees the order or its invoice.
        var mine = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnit!).FirstAsync());
        var unrelated = await app.Db(db => db.BudgetUnits.Where(u => u.Id != mine.Id && u.Id != mine.ParentId && u.ParentId != mine.Id && u.ParentId != mine.ParentId).Select(u => u.Id).FirstAsync());
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>();
            var user = new Data.Entities.AppUser { UserName = "buyer.elsewhere", Email = "elsewhere@unit.example", BudgetUnitId = unrelated };
            Assert.True((await users.CreateAsync(user, Infrastructure.DemoAccounts.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Buyer)).Succeeded);
        }
        var otherBuyer = await app.SignedInAsync("buyer.elsewhere");
        await otherBuyer.GetPageAsync(page, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await otherBuyer.GetAsync($"/orders/{id}/invoice")).StatusCode);
    }
}
