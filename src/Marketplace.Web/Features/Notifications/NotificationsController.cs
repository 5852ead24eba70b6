using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Notifications;

/// <summary>In-app messages: those to the user, to the user's budget unit (buyers) or to the user's vendor.</summary>
[Authorize]
public sealed class NotificationsController(MarketplaceDbContext db) : Controller
{
    public const int PageSize = 50;

    [HttpGet("/notifications")]
    public async Task<IActionResult> Index(long? before, CancellationToken ct)
    {
        var actor = User.ToActor();
        var cursor = before ?? long.MaxValue;
        // Each audience has its own index (user, unit, vendor); a page from each, merged, avoids an OR over all rows.
        IQueryable<Notification> Page(IQueryable<Notification> q) => q.Where(n => n.Id < cursor).OrderByDescending(n => n.Id).Take(PageSize);
        var all = db.Notifications.AsNoTracking();
        var query = Page(all.Where(n => n.UserId == actor.UserId));
        if (actor.UnitId is { } unit) query = query.Concat(Page(all.Where(n => n.BudgetUnitId == unit)));
        if (actor.VendorId is { } vendor) query = query.Concat(Page(all.Where(n => n.VendorId == vendor)));
        var rows = (await query.ToListAsync(ct)).DistinctBy(n => n.Id).OrderByDescending(n => n.Id).Take(PageSize).ToList();
        return View("Notifications", rows);
    }
}
