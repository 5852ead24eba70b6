using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class CheckoutTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static readonly CheckoutInput Delivery = new("贵州省都匀市剑江中路8号 机关食堂", "王师傅", "0854-8221234");

    private async Task<List<Actor>> BuyersAsync(string prefix, int count)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var units = await app.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Select(u => u.Id).Take(count).ToListAsync());
        var actors = new List<Actor>();
        for (var i = 0; i < count; i++)
        {
            var user = new AppUser { UserName = $"{prefix}{i}", Email = $"{prefix}{i}@unit.example", BudgetUnitId = units[i % units.Count] };
            Assert.True((await users.CreateAsync(user, "Buyer@2026!")).Succeeded);
            actors.Add(new Actor(user.Id, user.UserName!, Roles.Buyer, UnitId: user.BudgetUnitId));
        }
        return actors;
    }

    private async Task<T> Checkout<T>(Func<CheckoutService, Task<T>> run)
    {
        using var scope = app.Services.CreateScope();
        return await run(scope.ServiceProvider.GetRequiredService<CheckoutService>());
    }

    private async Task<int> ListedProductAsync(int skip, int stock, int minimum = 1) =>
        await app.Db(async db =>
        {
            var p = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active).OrderBy(p => p.Id).Skip(skip).FirstAsync();
            p.Stock = stock;
            p.MinOrderQuantity = minimum;
            await db.SaveChangesAsync();
            return p.Id;
        });

    [Fact]
    public async Task Parallel_checkouts_of_the_last_unit_have_exactly_one_winner()
    {
        var product = await ListedProductAsync(skip: 10, stock: 1);
        var buyers = await BuyersAsync("race", 8);
        foreach (var b in buyers) await Checkout(async s => { await s.AddAsync(b, product, 1, default); return 0; });

        var outcomes = await Task.WhenAll(buyers.Select(b => Task.Run(async () =>
        {
            try { await Checkout(s => s.CheckoutAsync(b, Delivery, default)); return true; }
            catch (DomainException) { return false; }
        })));

        Assert.Equal(1, outcomes.Count(o => o));
        Assert.Equal(0, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
        Assert.Equal(1, await app.Db(db => db.OrderLines.Where(l => l.ProductId == product).SumAsync(l => l.Quantity)));
        // The losers keep their carts: nothing of theirs was half-written.
        Assert.Equal(7, await app.Db(db => db.CartItems.CountAsync(c => c.ProductId == product)));
    }

    [Fact]
    public async Task The_same_cart_checked_out_many_times_at_once_becomes_one_order()
    {
        var product = await ListedProductAsync(skip: 12, stock: 100);
        var buyer = (await BuyersAsync("twice", 1))[0];
        await Checkout(async s => { await s.AddAsync(buyer, product, 5, default); return 0; });

        // The cart is read before the turn to write: every one of these reads the same cart, one removes it.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try { return (await Checkout(s => s.CheckoutAsync(buyer, Delivery, default))).Count; }
            catch (DomainException e) { Assert.Contains("采购车是空的", e.MessageZh); return 0; }
        })));

        Assert.Equal(1, outcomes.Sum());
        Assert.Equal(95, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
        Assert.Equal(5, await app.Db(db => db.OrderLines.Where(l => l.ProductId == product).SumAsync(l => l.Quantity)));
        Assert.Equal(1, await app.Db(db => db.Orders.CountAsync(o => o.BuyerUserId == buyer.UserId)));
    }

    /// <summary>
    /// Makes a change (committed, through a context of its own) just after the checkout has read the cart and before it
    /// writes, as when the buyer removes the line in another tab or the vendor changes the price.
    /// </summary>
    private sealed class ChangedAfterTheCartWasRead(Func<Task<int>> change) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public int Changed;

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken ct = default)
        {
            if (Changed == 0 && command.CommandText.Contains("FROM \"CartItems\"")) Changed = await change();
            return result;
        }
    }

    /// <summary>A context on the app's database with this interceptor.</summary>
    private Marketplace.Data.MarketplaceDbContext ContextWith(Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor interceptor) =>
        Marketplace.Data.DataServiceCollectionExtensions.CreateContext(new Marketplace.Data.DatabaseOptions
        {
            Provider = Enum.Parse<Marketplace.Data.DatabaseProvider>(app.Database.Provider), ConnectionString = app.Database.ConnectionString,
        }, interceptor);

    [Fact]
    public async Task A_price_changed_between_the_read_and_the_write_is_the_price_ordered()
    {
        var product = await ListedProductAsync(skip: 16, stock: 100);
        var buyer = (await BuyersAsync("repriced", 1))[0];
        await Checkout(async s => { await s.AddAsync(buyer, product, 2, default); return 0; });
        var price = await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.PriceFen).FirstAsync());

        var interceptor = new ChangedAfterTheCartWasRead(() => app.Db(db => db.Products.Where(p => p.Id == product)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.PriceFen, price + 100).SetProperty(p => p.Version, p => p.Version + 1))));
        await using var db = ContextWith(interceptor);
        var number = Assert.Single(await new CheckoutService(db, TimeProvider.System, new OrderNumbers()).CheckoutAsync(buyer, Delivery, default));

        Assert.Equal(1, interceptor.Changed);
        var line = await app.Db(db => db.Orders.Where(o => o.Number == number).SelectMany(o => o.Lines).SingleAsync());
        Assert.Equal((price + 100, (price + 100) * 2), (line.UnitPriceFen, line.LineTotalFen));
        Assert.Equal(98, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
    }

    [Fact]
    public async Task A_quantity_changed_between_the_read_and_the_write_is_the_quantity_ordered()
    {
        var product = await ListedProductAsync(skip: 18, stock: 100);
        var buyer = (await BuyersAsync("requantified", 1))[0];
        await Checkout(async s => { await s.AddAsync(buyer, product, 5, default); return 0; });

        var interceptor = new ChangedAfterTheCartWasRead(() => app.Db(db => db.CartItems.Where(c => c.UserId == buyer.UserId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Quantity, 7))));
        await using var db = ContextWith(interceptor);
        var number = Assert.Single(await new CheckoutService(db, TimeProvider.System, new OrderNumbers()).CheckoutAsync(buyer, Delivery, default));

        Assert.Equal(1, interceptor.Changed);
        Assert.Equal(7, await app.Db(db => db.Orders.Where(o => o.Number == number).SelectMany(o => o.Lines).Select(l => l.Quantity).SingleAsync()));
        Assert.Equal(93, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
        Assert.Empty(await Checkout(s => s.CartAsync(buyer, default)));
    }

    [Fact]
    public async Task A_cart_line_removed_between_the_read_and_the_write_is_not_ordered()
    {
        var product = await ListedProductAsync(skip: 14, stock: 100);
        var buyer = (await BuyersAsync("removed", 1))[0];
        await Checkout(async s => { await s.AddAsync(buyer, product, 5, default); return 0; });
        var itemId = await app.Db(db => db.CartItems.Where(c => c.UserId == buyer.UserId).Select(c => c.Id).SingleAsync());

        var interceptor = new ChangedAfterTheCartWasRead(() => app.Db(db => db.CartItems.Where(c => c.Id == itemId).ExecuteDeleteAsync()));
        await using var db = ContextWith(interceptor);
        var service = new CheckoutService(db, TimeProvider.System, new OrderNumbers());

        var refused = await Assert.ThrowsAsync<DomainException>(() => service.CheckoutAsync(buyer, Delivery, default));
        Assert.Contains("采购车是空的", refused.MessageZh); // the second reading finds the cart empty
        Assert.Equal(1, interceptor.Changed);
        Assert.Equal(100, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync())); // the first attempt's reservation was undone
        Assert.Equal(0, await app.Db(db => db.Orders.CountAsync(o => o.BuyerUserId == buyer.UserId)));
    }

    [Fact]
    public async Task A_cart_becomes_one_order_per_vendor_with_prices_copied_and_stock_reserved()
    {
        var (a, b) = await app.Db(async db =>
        {
            var first = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active).OrderBy(p => p.Id).Skip(20).FirstAsync();
            var other = await db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active && p.VendorId != first.VendorId).OrderBy(p => p.Id).FirstAsync();
            first.MinOrderQuantity = 1; first.Stock = 50; other.MinOrderQuantity = 1; other.Stock = 50;
            await db.SaveChangesAsync();
            return (first, other);
        });
        var buyer = (await BuyersAsync("split", 1))[0];
        await Checkout(async s => { await s.AddAsync(buyer, a.Id, 3, default); await s.AddAsync(buyer, b.Id, 2, default); return 0; });

        var numbers = await Checkout(s => s.CheckoutAsync(buyer, Delivery, default));
        Assert.Equal(2, numbers.Count);
        Assert.All(numbers, n => Assert.Matches(@"^\d{16}$", n));
        var orders = await app.Db(db => db.Orders.Include(o => o.Lines).Where(o => numbers.Contains(o.Number)).ToListAsync());
        Assert.Equal(new[] { a.VendorId, b.VendorId }.Order(), orders.Select(o => o.VendorId).Order());
        var orderA = orders.Single(o => o.VendorId == a.VendorId);
        Assert.Equal((OrderStatus.PendingPayment, a.PriceFen * 3), (orderA.Status, orderA.TotalFen));
        Assert.Equal(8, orderA.PaymentCode.Length);
        Assert.Equal(47, await app.Db(db => db.Products.Where(p => p.Id == a.Id).Select(p => p.Stock).FirstAsync()));
        Assert.Empty(await Checkout(s => s.CartAsync(buyer, default)));
        Assert.Equal(2, await app.Db(db => db.OrderHistory.CountAsync(h => orders.Select(o => o.Id).Contains(h.OrderId) && h.Action == "Place")));
    }

    /// <summary>Gives an order number that is already taken, then fresh ones.</summary>
    private sealed class ClashingNumbers(string taken) : OrderNumbers
    {
        public int Calls;
        public override string Next(DateTimeOffset now) => Interlocked.Increment(ref Calls) == 1 ? taken : base.Next(now);
    }

    [Fact]
    public async Task An_order_number_that_is_already_taken_is_drawn_again_and_the_checkout_goes_through_once()
    {
        var product = await ListedProductAsync(skip: 30, stock: 10);
        var buyers = await BuyersAsync("clash", 2);
        await Checkout(async s => { await s.AddAsync(buyers[0], product, 1, default); return 0; });
        var first = (await Checkout(s => s.CheckoutAsync(buyers[0], Delivery, default)))[0];

        await Checkout(async s => { await s.AddAsync(buyers[1], product, 2, default); return 0; });
        using var scope = app.Services.CreateScope();
        var numbers = new ClashingNumbers(first);
        var service = new CheckoutService(scope.ServiceProvider.GetRequiredService<Marketplace.Data.MarketplaceDbContext>(), TimeProvider.System, numbers);
        var second = await service.CheckoutAsync(buyers[1], Delivery, default);

        Assert.Equal(2, numbers.Calls);
        Assert.NotEqual(first, Assert.Single(second));
        Assert.Equal(7, await app.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
        Assert.Equal(1, await app.Db(db => db.Orders.CountAsync(o => o.Number == second[0])));
        Assert.Equal(3, await app.Db(db => db.OrderLines.Where(l => l.ProductId == product).SumAsync(l => l.Quantity)));
        Assert.Empty(await Checkout(s => s.CartAsync(buyers[1], default)));
    }

    [Theory]
    [InlineData(-1, "数量")]
    [InlineData(0, "数量")]
    [InlineData(2, "起订量")]
    [InlineData(11, "库存不足")]
    public async Task Bad_quantities_are_refused_and_change_nothing(int quantity, string reason)
    {
        var product = await ListedProductAsync(skip: 30 + quantity + 2, stock: 10, minimum: 3);
        var buyer = (await BuyersAsync("qty" + (quantity + 2), 1))[0];
        var ex = await Assert.ThrowsAsync<DomainException>(() => Checkout(async s => { await s.AddAsync(buyer, product, quantity, default); return 0; }));
        Assert.Contains(reason, ex.MessageZh);
        Assert.Empty(await Checkout(s => s.CartAsync(buyer, default)));
    }

    [Fact]
    public async Task Unlisted_products_and_non_buyers_cannot_be_ordered()
    {
        var hidden = await app.Db(db => db.Products.Where(p => p.Status != ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var buyer = (await BuyersAsync("hidden", 1))[0];
        await Assert.ThrowsAsync<DomainException>(() => Checkout(async s => { await s.AddAsync(buyer, hidden, 1, default); return 0; }));
        var vendor = new Actor("v", "供应商", Roles.Vendor, VendorId: 1);
        await Assert.ThrowsAsync<ForbiddenException>(() => Checkout(async s => { await s.AddAsync(vendor, hidden, 1, default); return 0; }));
        await Assert.ThrowsAsync<DomainException>(() => Checkout(s => s.CheckoutAsync(buyer, Delivery, default))); // empty cart
        await Assert.ThrowsAsync<DomainException>(() => Checkout(s => s.CheckoutAsync(buyer, Delivery with { ContactPhone = "abc" }, default)));
    }
}
