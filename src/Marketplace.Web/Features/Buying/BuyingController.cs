using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Buying;

public sealed record OrderRow(long Id, string Number, string VendorName, Money Total, OrderStatus Status, DateTime PlacedAt, string PaymentCode, string? UnitName = null);

/// <summary>An orders list with its filters. <see cref="Subordinates"/>: a parent unit's read-only view of its subordinate units' orders.</summary>
public sealed record OrdersViewModel(IReadOnlyList<OrderRow> Rows, OrderStatus? Status, string? Month, bool Subordinates, bool HasSubordinates, string BasePath, long? NextBefore)
{
    /// <summary>The orders this browser's checkout just placed, looked up for this unit (never text from the request).</summary>
    public IReadOnlyList<PlacedOrder> Placed { get; init; } = [];
}

public sealed record PlacedOrder(long Id, string Number, string PaymentCode, long TotalFen);

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
        // Missing delivery details: the cart again, with what was typed and a message beside each field.
        if (CheckoutService.Validate(input) is { Count: > 0 } errors)
        {
            foreach (var (field, (zh, en)) in errors) ModelState.AddModelError(field, DisplayText.IsEnglish ? en : zh);
            ViewData["Checkout"] = input;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View("Cart", await checkout.CartAsync(User.ToActor(), ct));
        }
        var numbers = await checkout.CheckoutAsync(User.ToActor(), input, ct);
        // A flash set by the checkout itself (in the protected TempData cookie), not a query string anyone can link to.
        TempData["Placed"] = string.Join(',', numbers);
        return Redirect("/orders");
    }

    /// <summary>
    /// The unit's orders, newest first, by state and month (China time), 50 per page with keyset paging. Every buyer
    /// of the unit sees them; with <c>scope=subordinates</c> a parent unit's buyers see its subordinate units' orders,
    /// read-only. Other units' orders never.
    /// </summary>
    [HttpGet("/orders")]
    public async Task<IActionResult> Orders(OrderStatus? status, string? month, string? scope, long? before, CancellationToken ct)
    {
        var actor = User.ToActor();
        var unitId = actor.UnitId ?? 0;
        var showSubordinates = scope == "subordinates";
        IQueryable<Data.Entities.Order> q;
        bool hasSubordinates;
        if (showSubordinates)
        {
            var subordinates = await UnitTree.SubordinatesAsync(db, unitId, ct);
            (q, hasSubordinates) = (db.Orders.AsNoTracking().Where(o => subordinates.Contains(o.BudgetUnitId)), subordinates.Count > 0);
        }
        else
            // The whole subtree is only needed for the subordinate tab; here, whether there is one.
            (q, hasSubordinates) = (db.Orders.AsNoTracking().VisibleTo(actor), await db.BudgetUnits.AnyAsync(u => u.ParentId == unitId, ct));
        var (rows, next) = await OrderLists.PageAsync(q, status, month, before, ct);
        var placedNumbers = (TempData["Placed"] as string)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Take(50).ToList() ?? [];
        var placed = placedNumbers.Count == 0 ? [] : await db.Orders.AsNoTracking().Where(o => o.BudgetUnitId == unitId && placedNumbers.Contains(o.Number))
            .OrderBy(o => o.Id).Select(o => new PlacedOrder(o.Id, o.Number, o.PaymentCode, o.TotalFen)).ToListAsync(ct);
        return View("Orders", new OrdersViewModel(rows, status, month, showSubordinates, hasSubordinates, "/orders", next) { Placed = placed });
    }
}

public static class OrderLists
{
    public const int PageSize = 50;

    /// <summary>One page of an orders list (already scoped by the caller), filtered by state and by month "yyyy-MM" in China time.</summary>
    public static async Task<(IReadOnlyList<OrderRow> Rows, long? Next)> PageAsync(IQueryable<Data.Entities.Order> q, OrderStatus? status, string? month, long? before, CancellationToken ct)
    {
        if (status is { } s) q = q.Where(o => o.Status == s);
        if (!string.IsNullOrEmpty(month))
        {
            if (!DateTime.TryParseExact(month, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var m))
                throw new DomainException("月份格式应为 2026-11", "The month must look like 2026-11.");
            var (from, to) = (m.AddHours(-8), m.AddMonths(1).AddHours(-8)); // China time (UTC+8) month bounds in UTC
            q = q.Where(o => o.PlacedAt >= from && o.PlacedAt < to);
        }
        if (before is { } b) q = q.Where(o => o.Id < b);
        var rows = await q.OrderByDescending(o => o.Id).Take(PageSize + 1)
            .Select(o => new OrderRow(o.Id, o.Number, o.Vendor!.Name, new Money(o.TotalFen), o.Status, o.PlacedAt, o.PaymentCode, o.BudgetUnit!.Name)).ToListAsync(ct);
        return rows.Count > PageSize ? (rows[..PageSize], rows[PageSize - 1].Id) : (rows, null);
    }
}
