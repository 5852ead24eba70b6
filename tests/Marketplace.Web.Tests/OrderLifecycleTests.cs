using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class OrderLifecycleTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private async Task<T> In<TService, T>(Func<TService, Task<T>> run) where TService : notnull
    {
        using var scope = app.Services.CreateScope();
        return await run(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private Task Orders(Func<OrderService, Task> run) => In<OrderService, int>(async s => { await run(s); return 0; });

    private async Task<(Actor Buyer, Actor Vendor, long OrderId, Product Product)> PlaceAsync(string name, int quantity)
    {
        var product = await app.Db(async db =>
        {
            var p = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active).OrderBy(p => p.Id).Skip(40 + name.Length).FirstAsync();
            p.Stock = 100; p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p;
        });
        var unit = await app.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Select(u => u.Id).FirstAsync());
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.CreateAsync(new AppUser { UserName = name, Email = name + "@unit.example", BudgetUnitId = unit }, "Buyer@2026!")).Succeeded);
        }
        var userId = await app.Db(db => db.Users.Where(u => u.UserName == name).Select(u => u.Id).FirstAsync());
        var buyer = new Actor(userId, name, Roles.Buyer, UnitId: unit);
        var numbers = await In<CheckoutService, IReadOnlyList<string>>(async s =>
        {
            await s.AddAsync(buyer, product.Id, quantity, default);
            return await s.CheckoutAsync(buyer, new CheckoutInput("贵州省贵阳市云岩区中华北路 食堂", "张师傅", "13800000000"), default);
        });
        var orderId = await app.Db(db => db.Orders.Where(o => o.Number == numbers[0]).Select(o => o.Id).FirstAsync());
        return (buyer, new Actor("vendor-" + product.VendorId, "供应商", Roles.Vendor, VendorId: product.VendorId), orderId, product);
    }

    [Fact]
    public async Task An_order_goes_from_payment_to_completion_and_credits_the_ledger_exactly_once()
    {
        var (buyer, vendor, id, product) = await PlaceAsync("life1", 4);
        await Assert.ThrowsAsync<ForbiddenException>(() => Orders(s => s.ConfirmPaymentAsync(buyer, id, default)));
        await Orders(s => s.ConfirmPaymentAsync(vendor, id, default));
        await Assert.ThrowsAsync<DomainException>(() => Orders(s => s.ShipAsync(vendor, id, "顺丰速运", " ", default)));
        await Orders(s => s.ShipAsync(vendor, id, "顺丰速运", "SF1400123456789", default));
        await Orders(s => s.ConfirmDeliveryAsync(buyer, id, default));
        Assert.Contains("发票", (await Assert.ThrowsAsync<DomainException>(() => Orders(s => s.AcceptAsync(buyer, id, default)))).MessageZh);
        await Orders(s => s.AttachInvoiceAsync(vendor, id, "0123456789abcdef0123456789abcdef", default));
        await Orders(s => s.AcceptAsync(buyer, id, default));
        Assert.Equal(0, await app.Db(db => db.Outbox.CountAsync()));
        await Assert.ThrowsAsync<DomainException>(() => Orders(s => s.EvaluateAsync(buyer, id, new Evaluation(0, 5, 5, null), default)));
        await Orders(s => s.EvaluateAsync(buyer, id, new Evaluation(5, 4, 5, "新鲜，送货准时"), default));

        var order = await app.Db(db => db.Orders.FirstAsync(o => o.Id == id));
        Assert.Equal((OrderStatus.Completed, product.PriceFen * 4), (order.Status, order.PaidFen));
        var history = await app.Db(db => db.OrderHistory.Where(h => h.OrderId == id).OrderBy(h => h.Id).Select(h => h.Action).ToListAsync());
        Assert.Equal(["Place", "ConfirmPayment", "Ship", "ConfirmDelivery", "Accept", "Evaluate"], history);

        // The completion event was written with the order; dispatching it twice credits once.
        Assert.Equal(1, await app.Db(db => db.Outbox.CountAsync(m => m.Type == OutboxDispatcher.OrderCompletedType)));
        Assert.Equal(1, await In<OutboxDispatcher, int>(d => d.DispatchAsync(100, default)));
        Assert.Equal(0, await In<OutboxDispatcher, int>(d => d.DispatchAsync(100, default)));
        await app.Db(async db => { db.Outbox.Where(m => m.ProcessedAt != null).ToList().ForEach(m => m.ProcessedAt = null); return await db.SaveChangesAsync(); }); // a replay
        await In<OutboxDispatcher, int>(d => d.DispatchAsync(100, default));
        var credits = await app.Db(db => db.QuotaLedgerEntries.Where(x => x.OrderId == id).ToListAsync());
        Assert.Single(credits);
        Assert.Equal((order.PaidFen, order.BudgetUnitId, order.AcceptedOn!.Value.Year), (credits[0].AmountFen, credits[0].BudgetUnitId, credits[0].Year));
    }

    [Fact]
    public async Task Others_cannot_act_on_an_order_and_cancelling_releases_the_stock()
    {
        var (buyer, vendor, id, product) = await PlaceAsync("life22", 5);
        Assert.Equal(95, await app.Db(db => db.Products.Where(p => p.Id == product.Id).Select(p => p.Stock).FirstAsync()));
        var otherVendor = vendor with { VendorId = vendor.VendorId + 1 };
        var otherUnit = buyer with { UnitId = buyer.UnitId + 1 };
        await Assert.ThrowsAsync<NotFoundException>(() => Orders(s => s.ConfirmPaymentAsync(otherVendor, id, default)));
        await Assert.ThrowsAsync<NotFoundException>(() => Orders(s => s.CancelAsync(otherUnit, id, null, default)));

        await Orders(s => s.CancelAsync(buyer, id, null, default));
        Assert.Equal(OrderStatus.Cancelled, await app.Db(db => db.Orders.Where(o => o.Id == id).Select(o => o.Status).FirstAsync()));
        Assert.Equal(100, await app.Db(db => db.Products.Where(p => p.Id == product.Id).Select(p => p.Stock).FirstAsync()));
        await Assert.ThrowsAsync<DomainException>(() => Orders(s => s.ConfirmPaymentAsync(vendor, id, default)));
    }
}

public class UnpaidOrderTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task Orders_unpaid_past_the_timeout_are_cancelled_and_their_stock_released()
    {
        var product = await app.Db(async db =>
        {
            var p = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active).OrderBy(p => p.Id).Skip(60).FirstAsync();
            p.Stock = 10; p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p;
        });
        var unit = await app.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Select(u => u.Id).FirstAsync());
        var buyer = new Actor("expire-buyer", "采购员", Roles.Buyer, UnitId: unit);
        using (var scope = app.Services.CreateScope())
        {
            var checkout = scope.ServiceProvider.GetRequiredService<CheckoutService>();
            await checkout.AddAsync(buyer, product.Id, 4, default);
            await checkout.CheckoutAsync(buyer, new CheckoutInput("贵州省贵阳市南明区 食堂", "赵师傅", "13900000000"), default);
        }
        Assert.Equal(6, await app.Db(db => db.Products.Where(p => p.Id == product.Id).Select(p => p.Stock).FirstAsync()));

        using (var scope = app.Services.CreateScope())
        {
            var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
            Assert.Equal(0, await orders.ExpireUnpaidAsync(TimeSpan.FromHours(1), default)); // not yet
            Assert.True(await orders.ExpireUnpaidAsync(TimeSpan.Zero, default) >= 1);
        }
        Assert.Equal(10, await app.Db(db => db.Products.Where(p => p.Id == product.Id).Select(p => p.Stock).FirstAsync()));
        var cancelled = await app.Db(db => db.OrderHistory.Where(h => h.Action == "Cancel" && h.ActorUserId == "system").Select(h => h.Reason).FirstAsync());
        Assert.Contains("未支付", cancelled);
    }
}
