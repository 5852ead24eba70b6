using System.Net;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public class OrderViewsTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    [Fact]
    public async Task A_parent_units_buyer_reads_subordinate_orders_but_cannot_act_on_them()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        var parent = await app.SignedInAsync("buyer.parent");

        // Not among the parent unit's own orders, but in the subordinate view, with the unit's name.
        Assert.Null((await parent.GetPageAsync("/orders")).QuerySelector($"tr[data-order='{order.Number}']"));
        var sub = await parent.GetPageAsync("/orders?scope=subordinates");
        var row = sub.QuerySelector($"tr[data-order='{order.Number}']");
        Assert.NotNull(row);
        var unitName = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.BudgetUnit!.Name).FirstAsync());
        Assert.Contains(unitName, row!.TextContent);

        var detail = await parent.GetPageAsync($"/orders/{order.Id}");
        Assert.Empty(detail.QuerySelectorAll("form[method=post][action^='/orders/']"));
        Assert.NotNull(detail.QuerySelector(".notice"));
        // Read-only means read-only: acting through a forged post finds no such order.
        var token = await parent.TokenFromAsync("/orders");
        var cancel = await parent.PostAsync($"/orders/{order.Id}/Cancel", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));

        // The child unit does not see its parent's or siblings' orders through the subordinate view.
        var childSub = await buyer.GetPageAsync("/orders?scope=subordinates");
        Assert.Null(childSub.QuerySelector($"tr[data-order='{order.Number}']"));
    }

    [Fact]
    public async Task Orders_filter_by_state_and_month_and_bad_months_are_refused()
    {
        var buyer = await app.SignedInAsync("buyer");
        var paid = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(paid.Id, OrderStatus.Paid);
        var unpaid = await _orders.PlaceAsync(buyer);
        // An older order, placed in last year's December (China time).
        var old = await _orders.PlaceAsync(buyer);
        await app.Db(db => db.Orders.Where(o => o.Id == old.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.PlacedAt, new DateTime(2025, 12, 31, 16, 30, 0, DateTimeKind.Utc)))); // 2026-01-01 00:30 CST

        var paidOnly = await buyer.GetPageAsync("/orders?status=Paid");
        Assert.NotNull(paidOnly.QuerySelector($"tr[data-order='{paid.Number}']"));
        Assert.Null(paidOnly.QuerySelector($"tr[data-order='{unpaid.Number}']"));

        var january = await buyer.GetPageAsync("/orders?month=2026-01");
        Assert.NotNull(january.QuerySelector($"tr[data-order='{old.Number}']"));
        Assert.Null(january.QuerySelector($"tr[data-order='{paid.Number}']"));
        Assert.Null((await buyer.GetPageAsync("/orders?month=2025-12")).QuerySelector($"tr[data-order='{old.Number}']"));

        var bad = await buyer.GetAsync("/orders?month=2026-13");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("2026-11", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_state_change_notifies_the_other_side_only()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        var vendor = await app.SignedInAsync("vendor");
        static IEnumerable<string> Titles(AngleSharp.Html.Dom.IHtmlDocument page, string number) =>
            page.QuerySelectorAll("ul.notifications li strong").Select(s => s.TextContent).Where(t => t.Contains(number));

        Assert.Contains(Titles(await vendor.GetPageAsync("/notifications"), order.Number), t => t.StartsWith("新订单"));
        Assert.Empty(Titles(await buyer.GetPageAsync("/notifications"), order.Number)); // the buyer placed it

        await _orders.AdvanceAsync(order.Id, OrderStatus.Shipped);
        var buyerSees = Titles(await buyer.GetPageAsync("/notifications"), order.Number).ToList();
        Assert.Contains(buyerSees, t => t.Contains("已付款"));
        Assert.Contains(buyerSees, t => t.Contains("已发货"));
        // The parent unit and other vendors are not told about this unit's order.
        Assert.Empty(Titles(await (await app.SignedInAsync("buyer.parent")).GetPageAsync("/notifications"), order.Number));
        Assert.Empty(Titles(await (await _orders.OtherVendorAsync()).GetPageAsync("/notifications"), order.Number));
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreateBrowser().GetAsync("/notifications")).StatusCode); // sign in first
    }

    [Fact]
    public async Task An_unpaid_order_shows_the_vendors_account_and_card_payment_is_off_without_keys()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        var page = await buyer.GetPageAsync($"/orders/{order.Id}");
        var account = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Vendor!.BankAccountNumber).FirstAsync());
        Assert.Contains(account!, page.QuerySelector(".bank-account")!.TextContent);
        Assert.Contains(order.PaymentCode, page.QuerySelector("#payment")!.TextContent);
        Assert.Null(page.QuerySelector($"form[action='/orders/{order.Id}/pay/card']"));
        var forged = await buyer.PostAsync($"/orders/{order.Id}/pay/card", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = await buyer.TokenFromAsync("/orders") }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.StatusCode);
        // Without keys the webhook endpoint accepts nothing.
        var hook = await app.CreateClient().PostAsync("/payments/stripe/webhook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, hook.StatusCode);

        // The vendor keeps its receiving account; bad account numbers are refused and the old one stays.
        var vendor = await app.SignedInAsync("vendor");
        var refused = await vendor.PostFormAsync("/vendor/payments", "/vendor/payments/account", new Dictionary<string, string> { ["bankName"] = "中国农业银行", ["accountName"] = "某合作社", ["accountNumber"] = "12ab" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(account, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Vendor!.BankAccountNumber).FirstAsync()));
    }
}
