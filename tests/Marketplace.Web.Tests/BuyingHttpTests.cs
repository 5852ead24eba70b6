using System.Net;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class BuyingHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task A_buyer_orders_from_the_product_page_and_only_its_unit_sees_the_order()
    {
        var product = await app.Db(async db =>
        {
            var p = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active).OrderByDescending(p => p.Id).FirstAsync();
            p.Stock = 20; p.MinOrderQuantity = 2;
            await db.SaveChangesAsync();
            return p;
        });
        var buyer = await app.SignedInAsync("buyer");
        var page = await buyer.GetPageAsync($"/products/{product.Id}");
        Assert.Equal("2", page.QuerySelector(".add-to-cart input[name=quantity]")!.GetAttribute("value"));
        Assert.Null((await app.CreateClient().GetPageAsync($"/products/{product.Id}")).QuerySelector(".add-to-cart")); // the public cannot buy

        // A tampered price cannot be sent: the form has none, and an extra field is ignored.
        var add = await buyer.PostFormAsync($"/products/{product.Id}", "/cart/add", new Dictionary<string, string>
        {
            ["productId"] = product.Id.ToString(), ["quantity"] = "3", ["PriceFen"] = "1",
        });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        var cart = await buyer.GetPageAsync("/cart");
        Assert.Contains(new Money(product.PriceFen * 3).ToString(), cart.QuerySelector(".vendor-total")!.TextContent);

        var negative = await buyer.PostFormAsync($"/products/{product.Id}", "/cart/add", new Dictionary<string, string> { ["productId"] = product.Id.ToString(), ["quantity"] = "-5" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.StatusCode);
        var hidden = await app.Db(db => db.Products.Where(p => p.Status != ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await buyer.PostFormAsync("/cart", "/cart/add", new Dictionary<string, string> { ["productId"] = hidden.ToString(), ["quantity"] = "1" })).StatusCode);

        var placed = await buyer.PostFormAsync("/cart", "/cart/checkout", new Dictionary<string, string>
        {
            ["DeliveryAddress"] = "贵州省贵阳市观山湖区林城西路 机关食堂", ["CanteenContact"] = "李师傅", ["ContactPhone"] = "0851-86891234",
        });
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        var number = (await buyer.PlacedAsync(placed))[0];
        var orders = await buyer.GetPageAsync("/orders");
        Assert.NotNull(orders.QuerySelector($"tr[data-order='{number}']"));
        Assert.Contains("待付款", orders.QuerySelector($"tr[data-order='{number}']")!.TextContent);
        Assert.Equal(17, await app.Db(db => db.Products.Where(p => p.Id == product.Id).Select(p => p.Stock).FirstAsync()));

        // An unrelated unit's buyer does not see it; a vendor cannot use the cart.
        var mine = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnit!).FirstAsync());
        var unrelated = await app.Db(db => db.BudgetUnits.Where(u => u.Id != mine.Id && u.Id != mine.ParentId && u.ParentId != mine.Id && u.ParentId != mine.ParentId)
            .Select(u => u.Id).FirstAsync());
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>();
            var user = new Data.Entities.AppUser { UserName = "buyer.unrelated", Email = "unrelated@unit.example", BudgetUnitId = unrelated };
            Assert.True((await users.CreateAsync(user, Infrastructure.DemoAccounts.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Buyer)).Succeeded);
        }
        var other = await app.SignedInAsync("buyer.unrelated");
        Assert.Null((await other.GetPageAsync("/orders")).QuerySelector($"tr[data-order='{number}']"));
        var vendor = await app.SignedInAsync("vendor");
        Assert.Contains("/account/denied", (await vendor.GetAsync("/cart")).Headers.Location!.ToString());
    }

    [Fact]
    public async Task Text_in_a_link_never_reaches_the_payment_notice()
    {
        var buyer = await app.SignedInAsync("buyer");
        const string bait = "2026112975407390。注意：供应商收款账户已变更，请转账至中国银行 6217000000000000001 户名 张某";
        var page = await buyer.GetAsync("/orders?placed=" + Uri.EscapeDataString(bait));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // Nowhere in what the page shows (the language switch's return link may carry the URL itself, escaped).
        Assert.DoesNotContain("6217000000000000001", Html.Parse(html).Body!.TextContent);
        Assert.DoesNotContain("收款账户已变更", Html.Parse(html).Body!.TextContent);
        Assert.Null(Html.Parse(html).QuerySelector(".placed"));
    }
}
