using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Buying;

public sealed record OrderRow(long Id, string Number, string VendorName, Money Total, OrderStatus Status, DateTime PlacedAt, string PaymentCode);

/// <summary>The buyer's cart, checkout and the unit's orders.</summary>
[Authorize(Roles = Roles.Buyer)]
public sealed class BuyingController(CheckoutService checkout, MarketplaceDbContext db) : Controller
{
    [HttpPost("/cart/add")]
    public async Task<IActionResult> Add(int productId, int quantity, CancellationToken ct)
    {
        await checkout.AddAsync(User.ToActor(), productId, quantity, ct);
        return Redirect("/cart");
    }

    [HttpGet("/cart")]
    public async Task<IActionResult> Cart(CancellationToken ct) => View("Cart", await checkout.CartAsync(User.ToActor(), ct));

    [HttpPost("/cart/items/{id:long}")]
    public async Task<IActionResult> SetQuantity(long id, int quantity, CancellationToken ct)
    {
        await checkout.SetQuantityAsync(User.ToActor(), id, quantity, ct);
        return Redirect("/cart");
    }

    [HttpPost("/cart/checkout")]
    public async Task<IActionResult> Checkout(CheckoutInput input, CancellationToken ct)
    {
        var numbers = await checkout.CheckoutAsync(User.ToActor(), input, ct);
        return Redirect("/orders?placed=" + string.Join(',', numbers));
    }

    /// <summary>The unit's orders, newest first (every buyer of the unit sees them; other units' orders never).</summary>
    [HttpGet("/orders")]
    public async Task<IActionResult> Orders(OrderStatus? status, CancellationToken ct)
    {
        var q = db.Orders.AsNoTracking().VisibleTo(User.ToActor());
        if (status is { } s) q = q.Where(o => o.Status == s);
        var rows = await q.OrderByDescending(o => o.Id).Take(100)
            .Select(o => new OrderRow(o.Id, o.Number, o.Vendor!.Name, new Money(o.TotalFen), o.Status, o.PlacedAt, o.PaymentCode)).ToListAsync(ct);
        return View("Orders", rows);
    }
}
