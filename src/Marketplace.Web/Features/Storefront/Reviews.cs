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
        // A product's orders are looked up by id from its order lines (indexed by product): testing every order of the
        // platform for a line of the product probed the product's lines once per order, seconds per page for a product
        // bought a few thousand times.
        var orders = db.Orders.AsNoTracking();
        orders = productId is { } p
            ? orders.Where(o => db.OrderLines.Where(l => l.ProductId == p).Select(l => l.OrderId).Contains(o.Id))
            : orders.Where(o => o.VendorId == vendorId);
        orders = orders.Where(o => o.RatingQuality != null);
        var totals = await orders.GroupBy(_ => 1).Select(g => new
        {
            Count = g.Count(), Quality = g.Average(o => (double)o.RatingQuality!), Delivery = g.Average(o => (double)o.RatingDelivery!),
            Service = g.Average(o => (double)o.RatingService!),
        }).FirstOrDefaultAsync(HttpContext.RequestAborted);
        var latest = totals is null ? [] : await orders.OrderByDescending(o => o.Id).Take(10)
            .Select(o => new { o.AcceptedOn, Unit = o.BudgetUnit!.Name, o.RatingQuality, o.RatingDelivery, o.RatingService, o.EvaluationComment })
            .ToListAsync(HttpContext.RequestAborted);
        return View("~/Features/Storefront/Views/_Reviews.cshtml", new ReviewsViewModel(totals?.Count ?? 0, totals?.Quality ?? 0, totals?.Delivery ?? 0, totals?.Service ?? 0,
            latest.Select(r => new Review(r.AcceptedOn ?? default, Mask(r.Unit), r.RatingQuality!.Value, r.RatingDelivery!.Value, r.RatingService!.Value, r.EvaluationComment)).ToList()));
    }

    private static string Mask(string unit) => unit.Length <= 4 ? unit[..1] + "**" : unit[..4] + "**";
}
