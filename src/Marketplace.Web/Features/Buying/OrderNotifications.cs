using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;

namespace Marketplace.Web.Features.Buying;

/// <summary>
/// The in-app messages for an order's state changes: the buying unit and the vendor each hear about the steps the
/// other side (or the system) took. Stored bilingually, like error messages.
/// </summary>
public static class OrderNotifications
{
    private static readonly Dictionary<OrderStatus, (string Zh, string En)> Said = new()
    {
        [OrderStatus.PendingPayment] = ("已下单，待付款", "placed, awaiting payment"),
        [OrderStatus.Paid] = ("已付款", "paid"),
        [OrderStatus.Shipped] = ("已发货", "shipped"),
        [OrderStatus.Delivered] = ("已送达", "delivered"),
        [OrderStatus.Accepted] = ("已验收", "accepted"),
        [OrderStatus.Completed] = ("已评价，订单完成", "evaluated and completed"),
        [OrderStatus.Cancelled] = ("已取消", "cancelled"),
        [OrderStatus.Refunded] = ("已全额退款", "fully refunded"),
    };

    public static IEnumerable<Notification> For(Order order, OrderTransition step, Actor actor, DateTime now)
    {
        var (zh, en) = Said[step.To];
        return About(order, actor, $"订单{order.Number}{zh} / Order {order.Number} {en}", step.Reason ?? "", now);
    }

    /// <summary>A message about an order to whichever of the unit and the vendor did not cause it.</summary>
    public static IEnumerable<Notification> About(Order order, Actor actor, string title, string body, DateTime now)
    {
        if (actor.Role != Roles.Buyer)
            yield return new Notification { BudgetUnitId = order.BudgetUnitId, Title = Cut(title, 200), Body = Cut(body, 2000), SenderName = Cut(actor.Name, 100), CreatedAt = now, Link = $"/orders/{order.Id}" };
        if (actor.Role != Roles.Vendor)
            yield return new Notification { VendorId = order.VendorId, Title = Cut(title, 200), Body = Cut(body, 2000), SenderName = Cut(actor.Name, 100), CreatedAt = now, Link = $"/orders/{order.Id}" };
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
