using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>Test-data builder for orders: places real orders through the HTTP checkout and moves them with the order service.</summary>
public sealed class OrderDriver(MarketplaceAppFactory app)
{
    public sealed record Placed(long Id, string Number, long TotalFen, string PaymentCode);

    /// <summary>The demo buyer orders <paramref name="quantity"/> of the demo vendor's first listed product.</summary>
    public async Task<Placed> PlaceAsync(HttpClient buyer, int quantity = 2)
    {
        var productId = await app.Db(async db =>
        {
            var vendorId = await db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).FirstAsync();
            var p = await db.Products.Where(p => p.VendorId == vendorId && p.Status == ProductStatus.Listed).OrderBy(p => p.Id).FirstAsync();
            p.Stock = Math.Max(p.Stock, 10_000); p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p.Id;
        });
        var added = await buyer.PostFormAsync($"/products/{productId}", "/cart/add", new Dictionary<string, string> { ["productId"] = productId.ToString(), ["quantity"] = quantity.ToString() });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, added.StatusCode);
        var placed = await buyer.PostFormAsync("/cart", "/cart/checkout", new Dictionary<string, string>
        {
            ["DeliveryAddress"] = "贵州省贵阳市观山湖区 食堂", ["CanteenContact"] = "陈师傅", ["ContactPhone"] = "13700000000",
        });
        var number = (await buyer.PlacedAsync(placed))[0];
        return await app.Db(db => db.Orders.Where(o => o.Number == number).Select(o => new Placed(o.Id, o.Number, o.TotalFen, o.PaymentCode)).FirstAsync());
    }

    public Task<Actor> ActorAsync(string userName) => app.Db(async db =>
    {
        var u = await db.Users.FirstAsync(x => x.UserName == userName);
        var role = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name).FirstAsync();
        return new Actor(u.Id, u.DisplayName, role!, u.RegionId, u.VendorId, u.BudgetUnitId);
    });

    /// <summary>Moves a bank-transfer order forward, step by step, until it reaches <paramref name="target"/>.</summary>
    public async Task AdvanceAsync(long orderId, OrderStatus target)
    {
        var vendor = await ActorAsync("vendor");
        var buyer = await ActorAsync("buyer");
        while (true)
        {
            using var scope = app.Services.CreateScope();
            var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
            var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
            var status = await db.Orders.Where(o => o.Id == orderId).Select(o => o.Status).FirstAsync();
            if (status == target) return;
            switch (status)
            {
                case OrderStatus.PendingPayment: await orders.ConfirmPaymentAsync(vendor, orderId, default); break;
                case OrderStatus.Paid: await orders.ShipAsync(vendor, orderId, "顺丰速运", "SF100200300", default); break;
                case OrderStatus.Shipped:
                    await orders.AttachInvoiceAsync(vendor, orderId, "0123456789abcdef0123456789abcdef.pdf", default);
                    await orders.ConfirmDeliveryAsync(buyer, orderId, default);
                    break;
                case OrderStatus.Delivered: await orders.AcceptAsync(buyer, orderId, default); break;
                case OrderStatus.Accepted: await orders.EvaluateAsync(buyer, orderId, new Evaluation(5, 5, 5, null), default); break;
                default: throw new InvalidOperationException($"Cannot advance from {status} to {target}.");
            }
        }
    }

    /// <summary>Creates (once) an extra account, e.g. another vendor's or another unit's, with the demo password.</summary>
    public async Task<string> UserAsync(string userName, string role, Action<Data.Entities.AppUser> scope)
    {
        using var s = app.Services.CreateScope();
        var users = s.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>();
        if (await users.FindByNameAsync(userName) is not null) return userName;
        var user = new Data.Entities.AppUser { UserName = userName, Email = userName + "@test.example", DisplayName = userName };
        scope(user);
        Assert.True((await users.CreateAsync(user, Infrastructure.DemoAccounts.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return userName;
    }

    /// <summary>A signed-in vendor account of an active vendor other than the demo vendor.</summary>
    public async Task<HttpClient> OtherVendorAsync()
    {
        var demoVendor = (await ActorAsync("vendor")).VendorId;
        var otherId = await app.Db(db => db.Vendors.Where(v => v.Id != demoVendor && v.Status == Domain.VendorStatus.Active).OrderBy(v => v.Id).Select(v => v.Id).FirstAsync());
        return await app.SignedInAsync(await UserAsync("vendor.other", Roles.Vendor, u => u.VendorId = otherId));
    }

    /// <summary>Runs the outbox once, as the background job would.</summary>
    public async Task<int> DispatchOutboxAsync()
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Data.Quota.OutboxDispatcher>().DispatchAsync(500, default);
    }
}
