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
        var rows = await For(db, User.ToActor()).Where(n => before == null || n.Id < before)
            .OrderByDescending(n => n.Id).Take(PageSize).ToListAsync(ct);
        return View("Notifications", rows);
    }

    public static IQueryable<Notification> For(MarketplaceDbContext db, Domain.Actor actor) =>
        db.Notifications.AsNoTracking().Where(n => n.UserId == actor.UserId
            || (actor.UnitId != null && n.BudgetUnitId == actor.UnitId)
            || (actor.VendorId != null && n.VendorId == actor.VendorId));
}
