using System.Security.Cryptography;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Buying;

public sealed record CheckoutInput(string? DeliveryAddress, string? CanteenContact, string? ContactPhone);

public sealed record CartLineView(long Id, int ProductId, string Name, string Specification, string Unit, Money UnitPrice, int Quantity,
    int MinOrderQuantity, int Stock, bool Available, int VendorId, string VendorName)
{
    public Money LineTotal => UnitPrice * Quantity;
}

/// <summary>
/// The cart (kept per user in the database) and checkout: one order per vendor, prices taken from the product at
/// that moment, stock reserved in the same transaction. Stock is taken by a conditional update (only while enough is
/// left), so when two buyers race for the last units exactly one gets them and stock never goes below zero (a check
/// constraint backs this up).
/// </summary>
public sealed class CheckoutService(MarketplaceDbContext db, TimeProvider clock, OrderNumbers orderNumbers)
{
    public const int MaxQuantity = 100_000;
    /// <summary>Distinct products in one cart: a canteen's weekly order is a few dozen; ten thousand is a script.</summary>
    public const int MaxCartLines = 200;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task AddAsync(Actor buyer, int productId, int quantity, CancellationToken ct)
    {
        RequireBuyer(buyer);
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId && p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
            .Select(p => new { p.Id, p.MinOrderQuantity, p.Stock }).FirstOrDefaultAsync(ct)
            ?? throw new DomainException("商品不存在或已下架", "The product does not exist or is not listed.");
        var item = await db.CartItems.FirstOrDefaultAsync(c => c.UserId == buyer.UserId && c.ProductId == productId, ct);
        var total = (item?.Quantity ?? 0) + quantity;
        CheckQuantity(quantity, total, product.MinOrderQuantity, product.Stock);
        if (item is null && await db.CartItems.CountAsync(c => c.UserId == buyer.UserId, ct) >= MaxCartLines)
            throw new DomainException($"采购车最多容纳{MaxCartLines}种商品，请先结算或移除部分商品",
                $"A cart holds at most {MaxCartLines} different products; check out or remove some first.");
        if (item is null) db.CartItems.Add(new CartItem { UserId = buyer.UserId, ProductId = productId, Quantity = total, AddedAt = Now });
        else item.Quantity = total;
        await db.SaveChangesAsync(ct);
    }

    public async Task SetQuantityAsync(Actor buyer, long itemId, int quantity, CancellationToken ct)
    {
        RequireBuyer(buyer);
        var item = await db.CartItems.Include(c => c.Product).FirstOrDefaultAsync(c => c.Id == itemId && c.UserId == buyer.UserId, ct)
                   ?? throw new NotFoundException();
        if (quantity == 0) db.CartItems.Remove(item);
        else
        {
            CheckQuantity(quantity, quantity, item.Product!.MinOrderQuantity, item.Product.Stock);
            item.Quantity = quantity;
        }
        await db.SaveChangesAsync(ct);
    }

    private static void CheckQuantity(int requested, int total, int minimum, int stock)
    {
        if (requested is <= 0 or > MaxQuantity)
            throw new DomainException($"数量须为1到{MaxQuantity}之间的整数", $"The quantity must be a whole number from 1 to {MaxQuantity}.");
        if (total < minimum) throw new DomainException($"起订量为{minimum}", $"The minimum order is {minimum}.");
        if (total > stock) throw new DomainException($"库存不足，仅剩{stock}", $"Not enough stock: {stock} left.");
    }

    public async Task<IReadOnlyList<CartLineView>> CartAsync(Actor buyer, CancellationToken ct) =>
        await db.CartItems.AsNoTracking().Where(c => c.UserId == buyer.UserId).OrderBy(c => c.Product!.VendorId).ThenBy(c => c.Id)
            .Select(c => new CartLineView(c.Id, c.ProductId, c.Product!.Name, c.Product.Specification, c.Product.Unit, new Money(c.Product.PriceFen), c.Quantity,
                c.Product.MinOrderQuantity, c.Product.Stock, c.Product.Status == ProductStatus.Listed && c.Product.Vendor!.Status == VendorStatus.Active,
                c.Product.VendorId, c.Product.Vendor!.Name))
            .ToListAsync(ct);

    /// <summary>
    /// Turns the cart into one order per vendor. Everything is checked against the products as they are now; nothing
    /// is stored unless every line can be ordered. Returns the new order numbers.
    /// </summary>
    /// <summary>The delivery fields' problems, by field (empty when all is well), for the form to show beside each field.</summary>
    public static Dictionary<string, (string Zh, string En)> Validate(CheckoutInput input)
    {
        var errors = new Dictionary<string, (string, string)>();
        var address = input.DeliveryAddress?.Trim() ?? "";
        var contact = input.CanteenContact?.Trim() ?? "";
        var phone = input.ContactPhone?.Trim() ?? "";
        if (address.Length is < 5 or > 300) errors["DeliveryAddress"] = ("请填写收货地址（5到300字）", "Enter the delivery address (5 to 300 characters).");
        if (contact.Length is < 2 or > 50) errors["CanteenContact"] = ("请填写食堂联系人", "Enter the canteen contact.");
        if (phone.Length is < 7 or > 20 || !phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' '))
            errors["ContactPhone"] = ("请填写有效的联系电话", "Enter a valid phone number.");
        return errors;
    }

    public async Task<IReadOnlyList<string>> CheckoutAsync(Actor buyer, CheckoutInput input, CancellationToken ct)
    {
        var unitId = RequireBuyer(buyer);
        if (Validate(input) is { Count: > 0 } problems) throw new DomainException(problems.First().Value.Zh, problems.First().Value.En);
        var address = input.DeliveryAddress!.Trim();
        var contact = input.CanteenContact!.Trim();
        var phone = input.ContactPhone!.Trim();

        // Order numbers and payment codes are random (8 digits a day; 8 letters); a clash with an existing order is
        // refused by their unique indexes, and the checkout is then simply made again with new ones.
        var tried = new List<(string Number, string Code)>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PlaceAsync(buyer, unitId, address, contact, phone, tried, ct);
            }
            catch (StockRaceException) when (attempt < 4)
            {
                // One of these products (others' orders took its stock, the vendor changed it) or this cart changed between
                // our read and our write: read again, and place the order again or say why not.
                db.ChangeTracker.Clear();
                tried.Clear();
            }
            catch (DbUpdateException) when (attempt < 3 && tried.Count > 0)
            {
                db.ChangeTracker.Clear();
                if (!await NumberTakenAsync(tried, ct)) throw;
                tried.Clear();
            }
            catch
            {
                db.ChangeTracker.Clear(); // the orders built for this attempt are not kept for a later save of this context
                throw;
            }
        }
    }

    private async Task<bool> NumberTakenAsync(List<(string Number, string Code)> tried, CancellationToken ct)
    {
        var numbers = tried.Select(t => t.Number).ToList();
        var codes = tried.Select(t => t.Code).ToList();
        return await db.Orders.AsNoTracking().AnyAsync(o => numbers.Contains(o.Number) || codes.Contains(o.PaymentCode), ct);
    }

    /// <summary>What a checkout needs of a cart line and its product, read without tracking.</summary>
    private sealed record CartRow(long Id, int Quantity, int ProductId, string Name, string Specification, string Unit, long PriceFen,
        int MinOrderQuantity, int Stock, int VendorId, bool Orderable);

    private async Task<IReadOnlyList<string>> PlaceAsync(Actor buyer, int unitId, string address, string contact, string phone,
        List<(string Number, string Code)> tried, CancellationToken ct)
    {
        // The cart is read, checked and turned into orders before the turn to write is taken, so that the single writer
        // (SQLite) spends its turn on the writes alone. What was read is then made good inside the transaction:
        // - each product's stock is taken by one conditional update that holds only while the product can still be
        //   ordered as read (enough stock, the same price and minimum, listed, its vendor active); concurrent orders of the
        //   same product do not refuse each other while stock lasts, and stock never goes below zero;
        // - exactly the cart lines read, with the quantities read, are removed (a cart changed in between, e.g. a line
        //   removed or its quantity changed in another tab, removes fewer).
        // Otherwise nothing is kept and the checkout reads again (without loading and tracking whole product rows).
        var items = await db.CartItems.AsNoTracking().Where(c => c.UserId == buyer.UserId).OrderBy(c => c.Id)
            .Select(c => new CartRow(c.Id, c.Quantity, c.ProductId, c.Product!.Name, c.Product.Specification, c.Product.Unit, c.Product.PriceFen,
                c.Product.MinOrderQuantity, c.Product.Stock, c.Product.VendorId,
                c.Product.Status == ProductStatus.Listed && c.Product.Vendor!.Status == VendorStatus.Active))
            .ToListAsync(ct);
        if (items.Count == 0) throw new DomainException("采购车是空的", "The cart is empty.");
        foreach (var item in items)
        {
            if (!item.Orderable)
                throw new DomainException($"“{item.Name}”已下架，请从采购车移除", $"'{item.Name}' is no longer listed; remove it from the cart.");
            CheckQuantity(item.Quantity, item.Quantity, item.MinOrderQuantity, item.Stock);
        }

        var now = Now;
        var orders = new List<Order>();
        foreach (var group in items.GroupBy(i => i.VendorId))
        {
            var order = new Order
            {
                Number = NewNumber(), PaymentCode = NewPaymentCode(), BudgetUnitId = unitId, BuyerUserId = buyer.UserId, VendorId = group.Key,
                Status = OrderStatus.PendingPayment, DeliveryAddress = address, CanteenContact = contact, ContactPhone = phone, PlacedAt = now,
            };
            foreach (var item in group)
                order.Lines.Add(new OrderLine
                {
                    ProductId = item.ProductId, ProductName = item.Name, Specification = item.Specification, Unit = item.Unit,
                    UnitPriceFen = item.PriceFen, Quantity = item.Quantity, LineTotalFen = item.PriceFen * item.Quantity,
                });
            order.TotalFen = order.Lines.Sum(l => l.LineTotalFen);
            db.Orders.Add(order);
            orders.Add(order);
            tried.Add((order.Number, order.PaymentCode));
        }
        foreach (var item in items) db.ProductChanges.Add(new ProductChange { ProductId = item.ProductId, At = now }); // the search index follows stock
        // A cart line as read: its id and quantity in one number (quantities stay below a million).
        var linesRead = items.Select(i => i.Id * 1_000_000L + i.Quantity).ToList();

        return await db.InTransactionAsync(async () =>
        {
            // Reserved now; released if the order is cancelled or times out unpaid.
            foreach (var item in items)
            {
                var (id, quantity, price) = (item.ProductId, item.Quantity, item.PriceFen);
                var reserved = await db.Products
                    .Where(p => p.Id == id && p.Stock >= quantity && p.PriceFen == price && p.MinOrderQuantity <= quantity && p.Status == ProductStatus.Listed
                                && db.Vendors.Any(v => v.Id == p.VendorId && v.Status == VendorStatus.Active))
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.Stock, p => p.Stock - quantity).SetProperty(p => p.Version, p => p.Version + 1)
                        .SetProperty(p => p.UpdatedAt, now), ct);
                if (reserved == 0) throw new StockRaceException();
            }
            var removed = await db.CartItems.Where(c => c.UserId == buyer.UserId && linesRead.Contains(c.Id * 1_000_000L + c.Quantity)).ExecuteDeleteAsync(ct);
            if (removed != items.Count) throw new StockRaceException();
            await db.SaveChangesAsync(ct);
            // History rows and notifications need the order ids.
            foreach (var order in orders)
            {
                db.OrderHistory.Add(new OrderHistory { OrderId = order.Id, To = OrderStatus.PendingPayment, Action = "Place", ActorUserId = buyer.UserId, ActorName = buyer.Name, At = now });
                db.Notifications.AddRange(OrderNotifications.About(order, buyer, $"新订单{order.Number}：{new Money(order.TotalFen)} / New order {order.Number}: {new Money(order.TotalFen)}",
                    $"{order.CanteenContact} · {order.DeliveryAddress}", now));
            }
            await db.SaveChangesAsync(ct);
            return (IReadOnlyList<string>)orders.Select(o => o.Number).ToList();
        }, ct);
    }

    private static int RequireBuyer(Actor actor) =>
        actor.Is(Roles.Buyer) && actor.UnitId is { } unit ? unit : throw new ForbiddenException("只有预算单位的采购员可以下单", "Only a budget unit's buyer can order.");

    private string NewNumber() => orderNumbers.Next(clock.GetUtcNow());

    private const string CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; // no 0/O, 1/I/L: read over the phone and typed at a bank
    private static string NewPaymentCode() => new(Enumerable.Range(0, 8).Select(_ => CodeAlphabet[RandomNumberGenerator.GetInt32(CodeAlphabet.Length)]).ToArray());
}

/// <summary>Order numbers: the China date and eight random digits (a clash is retried by the checkout).</summary>
public class OrderNumbers
{
    public virtual string Next(DateTimeOffset now) => now.AddHours(8).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
                                                      + RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("00000000", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A product's stock changed under a checkout (optimistic concurrency); the checkout retries a few times.</summary>
public sealed class StockRaceException() : DomainException("下单期间库存发生变化，请刷新采购车后重试", "Stock changed while you were ordering; reload the cart and try again.");
