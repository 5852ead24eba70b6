using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Notifications;

public sealed record NotificationsViewModel(IReadOnlyList<Notification> Rows, long ReadThroughId);

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
        var rows = (await Audience(db, actor, n => n.Id < cursor, PageSize).ToListAsync(ct))
            .DistinctBy(n => n.Id).OrderByDescending(n => n.Id).Take(PageSize).ToList();
        var readThrough = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.NotificationsReadThroughId).FirstOrDefaultAsync(ct);
        // Opening the newest page reads everything up to its newest message (shown as new this once).
        if (before is null && rows.Count > 0 && rows[0].Id > readThrough)
            await db.Users.Where(u => u.Id == actor.UserId && u.NotificationsReadThroughId < rows[0].Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.NotificationsReadThroughId, rows[0].Id), ct);
        return View("Notifications", new NotificationsViewModel(rows, readThrough));
    }

    /// <summary>
    /// The user's messages matching a condition, newest first: each audience has its own index (user, unit, vendor),
    /// so a page from each, concatenated, avoids an OR over all rows. May hold duplicates; callers de-duplicate.
    /// </summary>
    public static IQueryable<Notification> Audience(MarketplaceDbContext db, Actor actor, System.Linq.Expressions.Expression<Func<Notification, bool>> where, int take)
    {
        IQueryable<Notification> Page(IQueryable<Notification> q) => q.Where(where).OrderByDescending(n => n.Id).Take(take);
        var all = db.Notifications.AsNoTracking();
        var query = Page(all.Where(n => n.UserId == actor.UserId));
        if (actor.UnitId is { } unit) query = query.Concat(Page(all.Where(n => n.BudgetUnitId == unit)));
        if (actor.VendorId is { } vendor) query = query.Concat(Page(all.Where(n => n.VendorId == vendor)));
        return query;
    }

    /// <summary>Unread messages (newer than the user's read mark), counted up to 100.</summary>
    public static async Task<int> UnreadAsync(MarketplaceDbContext db, Actor actor, CancellationToken ct)
    {
        var readThrough = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.NotificationsReadThroughId).FirstOrDefaultAsync(ct);
        return (await Audience(db, actor, n => n.Id > readThrough, 100).Select(n => n.Id).ToListAsync(ct)).Distinct().Count();
    }
}

/// <summary>The unread count beside "Notifications" in the header.</summary>
public sealed class UnreadNotificationsViewComponent(MarketplaceDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var count = await NotificationsController.UnreadAsync(db, UserClaimsPrincipal.ToActor(), HttpContext.RequestAborted);
        return Content(count == 0 ? "" : count >= 100 ? "99+" : count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
