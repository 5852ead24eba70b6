using Marketplace.Data.Entities;
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
