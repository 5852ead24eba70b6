using Marketplace.Data;
using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Marketplace.Domain;
using Marketplace.Domain.Orders;

namespace Marketplace.Web.Features.Buying;

/// <summary>The one rule for which orders a user may see: a buyer its unit's, a vendor its own, the system all.</summary>
public static class OrderScope
{
    public static IQueryable<Order> VisibleTo(this IQueryable<Order> orders, Actor actor) => actor.Role switch
    {
        Roles.Buyer => orders.Where(o => o.BudgetUnitId == actor.UnitId),
        Roles.Vendor => orders.Where(o => o.VendorId == actor.VendorId),
        OrderActors.System or Roles.PlatformAdmin => orders,
        _ => orders.Where(_ => false),
    };
}

/// <summary>A budget unit's subordinate units (all levels below it), whose orders its buyers may read but not act on.</summary>
public static class UnitTree
{
    public const int MaxDepth = 10;

    public static async Task<IReadOnlyList<int>> SubordinatesAsync(MarketplaceDbContext db, int unitId, CancellationToken ct)
    {
        var all = new List<int>();
        var frontier = new List<int> { unitId };
        for (var depth = 0; depth < MaxDepth && frontier.Count > 0; depth++)
        {
            var parents = frontier;
            frontier = await db.BudgetUnits.AsNoTracking().Where(u => u.ParentId != null && parents.Contains(u.ParentId.Value)).Select(u => u.Id).ToListAsync(ct);
            frontier.RemoveAll(id => id == unitId || all.Contains(id));
            all.AddRange(frontier);
        }
        return all;
    }
}
