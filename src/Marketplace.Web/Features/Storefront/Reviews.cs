using Marketplace.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Storefront;

public sealed record Review(DateOnly On, string Unit, int Quality, int Delivery, int Service, string? Comment);

public sealed record ReviewsViewModel(int Count, double Quality, double Delivery, double Service, IReadOnlyList<Review> Latest);

/// <summary>
/// Buyers' evaluations (quality, delivery, service, comment) of a product's or a vendor's completed orders: the
/// averages and the ten latest, the buying unit's name shortened (units are public bodies, but a comment is a person's).
/// </summary>
public sealed class ReviewsViewComponent(MarketplaceDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(int? productId, int? vendorId)
    {
        var ct = HttpContext.RequestAborted;
        // The averages come from the totals kept on the product or vendor row (RatingTotals), not from its orders.
        var totals = productId is { } p
            ? await db.Products.AsNoTracking().Where(x => x.Id == p)
                .Select(x => new Totals(x.RatingCount, x.RatingQualitySum, x.RatingDeliverySum, x.RatingServiceSum)).FirstOrDefaultAsync(ct)
            : await db.Vendors.AsNoTracking().Where(x => x.Id == vendorId)
                .Select(x => new Totals(x.RatingCount, x.RatingQualitySum, x.RatingDeliverySum, x.RatingServiceSum)).FirstOrDefaultAsync(ct);
        if (totals is not { Count: > 0 } t)
            return View("~/Features/Storefront/Views/_Reviews.cshtml", new ReviewsViewModel(0, 0, 0, 0, []));
        // The latest ten: a product's order lines newest first (indexed by product and order), a vendor's orders newest
        // first; both stop at the tenth evaluated one.
        var orders = productId is { } id
            ? db.OrderLines.AsNoTracking().Where(l => l.ProductId == id).Join(db.Orders, l => l.OrderId, o => o.Id, (l, o) => new { Key = l.OrderId, Order = o })
            : db.Orders.AsNoTracking().Where(o => o.VendorId == vendorId).Select(o => new { Key = o.Id, Order = o });
        var latest = await orders.Where(x => x.Order.RatingQuality != null).OrderByDescending(x => x.Key).Take(10)
            .Select(x => new { x.Order.AcceptedOn, Unit = x.Order.BudgetUnit!.Name, x.Order.RatingQuality, x.Order.RatingDelivery, x.Order.RatingService, x.Order.EvaluationComment })
            .ToListAsync(ct);
        return View("~/Features/Storefront/Views/_Reviews.cshtml", new ReviewsViewModel(t.Count, (double)t.Quality / t.Count, (double)t.Delivery / t.Count,
            (double)t.Service / t.Count,
            latest.Select(r => new Review(r.AcceptedOn ?? default, Mask(r.Unit), r.RatingQuality!.Value, r.RatingDelivery!.Value, r.RatingService!.Value, r.EvaluationComment)).ToList()));
    }

    private sealed record Totals(int Count, long Quality, long Delivery, long Service);

    private static string Mask(string unit) => unit.Length <= 4 ? unit[..1] + "**" : unit[..4] + "**";
}
