using System.Net;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public class RefundHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    internal static async Task<HttpResponseMessage> AskAsync(HttpClient buyer, long orderId, string amount, string reason, params (string Name, byte[] Data)[] photos)
    {
        var content = new MultipartFormDataContent
        {
            { new StringContent(await buyer.TokenFromAsync($"/orders/{orderId}")), "__RequestVerificationToken" },
            { new StringContent(amount), "amount" }, { new StringContent(reason), "reason" },
        };
        foreach (var (name, data) in photos) content.Add(new ByteArrayContent(data), "photos", name);
        return await buyer.PostAsync($"/orders/{orderId}/refunds", content);
    }

    private Task<long> LatestRefundAsync(long orderId) => app.Db(db => db.RefundRequests.Where(r => r.OrderId == orderId).OrderByDescending(r => r.Id).Select(r => r.Id).FirstAsync());

    [Fact]
    public async Task Bad_refund_requests_are_refused_and_store_nothing()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Shipped);
        var yuan = new Money(order.TotalFen).ToYuanString();
        // Not delivered yet: no refund form, and a forged post is refused.
        Assert.Null((await buyer.GetPageAsync($"/orders/{order.Id}")).QuerySelector("form.refund-request"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, yuan, "坏了")).StatusCode);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Delivered);
        Assert.NotNull((await buyer.GetPageAsync($"/orders/{order.Id}")).QuerySelector("form.refund-request"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, new Money(order.TotalFen + 1).ToYuanString(), "坏了")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "-5", "坏了")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "1.001", "坏了")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "1", " ")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "1", "坏了", ("invoice.pdf", "%PDF-1.4\n%%EOF\n"u8.ToArray()))).StatusCode);
        var five = Enumerable.Range(0, 5).Select(i => ($"p{i}.png", TestImages.Png(32, 32))).ToArray();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "1", "坏了", five)).StatusCode);
        Assert.False(await app.Db(db => db.RefundRequests.AnyAsync(r => r.OrderId == order.Id)));

        // Asking for everything, then for more while that is open, is refused too.
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, yuan, "整单质量问题")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "0.01", "再退一点")).StatusCode);
        Assert.Equal(1, await app.Db(db => db.RefundRequests.CountAsync(r => r.OrderId == order.Id)));
    }

    [Fact]
    public async Task A_refused_refund_request_leaves_no_photo_files_behind()
    {
        var folder = Path.Combine(app.DataFolder, "invoices");
        int Files() => Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Delivered);
        var photos = new[] { ("a.jpg", TestImages.Jpeg(64, 48)), ("b.png", TestImages.Png(40, 40)) };
        var before = Files();

        // Another unit's buyer posts to this order (404), the amount is over the limit (422), one photo is not an image (422).
        var other = await app.SignedInAsync("buyer.parent");
        var token = await other.TokenFromAsync("/orders");
        var foreign = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("1"), "amount" }, { new StringContent("坏了"), "reason" } };
        foreach (var (name, data) in photos) foreign.Add(new ByteArrayContent(data), "photos", name);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/orders/{order.Id}/refunds", foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, new Money(order.TotalFen + 1).ToYuanString(), "坏了", photos)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, "1", "坏了", photos[0], ("c.png", "not an image"u8.ToArray()))).StatusCode);
        Assert.Equal(before, Files());

        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, "1", "坏了", photos)).StatusCode);
        Assert.Equal(before + 2, Files());
    }

    [Fact]
    public async Task Dispute_arbitration_and_the_vendors_transfer_refund_a_completed_order_in_full_and_debit_the_ledger()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer, quantity: 3);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Completed);
        await _orders.DispatchOutboxAsync();

        var first = order.TotalFen / 3;
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, new Money(first).ToYuanString(), "一箱变质", ("box.jpg", TestImages.Jpeg(120, 90)))).StatusCode);
        var refundId = await LatestRefundAsync(order.Id);

        // Other parties cannot touch it: another vendor gets 404, the buyer cannot decide or arbitrate.
        var otherVendor = await _orders.OtherVendorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await otherVendor.PostFormAsync("/vendor/refunds", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "true" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherVendor.GetAsync($"/refunds/{refundId}/photos/0")).StatusCode);
        Assert.Contains("/account/denied", (await buyer.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "true" })).Headers.Location!.ToString());
        Assert.Contains("/account/denied", (await buyer.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/arbitrate", new Dictionary<string, string> { ["approve"] = "true", ["note"] = "x" })).Headers.Location!.ToString());

        var vendor = await app.SignedInAsync("vendor");
        Assert.NotNull((await vendor.GetPageAsync("/vendor/refunds")).QuerySelector($"tr[data-refund='{refundId}']"));
        // Disputing needs a reason.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "false" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "false", ["note"] = "签收时无异议" })).StatusCode);
        // A disputed refund cannot be approved by the vendor any more, nor paid.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "true" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/transfer", new Dictionary<string, string> { ["reference"] = "TR0001" })).StatusCode);

        var admin = await app.SignedInAsync("admin");
        var queue = await admin.GetPageAsync("/admin/refunds");
        Assert.NotNull(queue.QuerySelector($"tr[data-refund='{refundId}'][data-status='Disputed']"));
        Assert.NotNull((await admin.GetPageAsync($"/orders/{order.Id}")).QuerySelector($"form[action='/refunds/{refundId}/arbitrate']"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/refunds/{refundId}/photos/0")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/admin/refunds", $"/refunds/{refundId}/arbitrate", new Dictionary<string, string> { ["approve"] = "true", ["note"] = "照片显示变质" })).StatusCode);
        // Both sides hear of the decision, once each.
        var decided = await app.Db(db => db.Notifications.Where(n => n.Link == $"/orders/{order.Id}" && n.Body == "照片显示变质").Select(n => new ValueTuple<int?, int?>(n.BudgetUnitId, n.VendorId)).ToListAsync());
        Assert.Equal(2, decided.Count);
        Assert.Single(decided, d => d.Item2 != null);

        // Bank transfer: the vendor pays back and records the reference; then the order has a partial refund.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/transfer", new Dictionary<string, string> { ["reference"] = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/transfer", new Dictionary<string, string> { ["reference"] = "TR20261123001" })).StatusCode);
        Assert.Equal((OrderStatus.Completed, first), await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => new ValueTuple<OrderStatus, long>(o.Status, o.RefundedFen)).FirstAsync()));

        // The rest, approved by the vendor directly: the order becomes Refunded.
        var rest = order.TotalFen - first;
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, new Money(rest).ToYuanString(), "其余退回")).StatusCode);
        var second = await LatestRefundAsync(order.Id);
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{second}/decide", new Dictionary<string, string> { ["approve"] = "true" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{second}/transfer", new Dictionary<string, string> { ["reference"] = "TR20261123002" })).StatusCode);
        Assert.Equal((OrderStatus.Refunded, order.TotalFen), await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => new ValueTuple<OrderStatus, long>(o.Status, o.RefundedFen)).FirstAsync()));

        // Each refund reaches the ledger once, traceable to the order; running the outbox again adds nothing.
        await _orders.DispatchOutboxAsync();
        await _orders.DispatchOutboxAsync();
        var ledger = await app.Db(db => db.QuotaLedgerEntries.Where(e => e.OrderId == order.Id).OrderBy(e => e.Id).Select(e => new ValueTuple<LedgerEntryKind, long>(e.Kind, e.AmountFen)).ToListAsync());
        Assert.Equal([(LedgerEntryKind.OrderCredit, order.TotalFen), (LedgerEntryKind.RefundDebit, -first), (LedgerEntryKind.RefundDebit, -rest)], ledger);

        // The unit's ledger links each line to its order.
        var quota = await buyer.GetPageAsync("/quota");
        Assert.Equal(3, quota.QuerySelectorAll($".ledger a[href='/orders/{order.Id}']").Length);
        Assert.Contains(order.Number, quota.QuerySelector($".ledger a[href='/orders/{order.Id}']")!.TextContent);

        // The buyer's page tells the story.
        var page = await buyer.GetPageAsync($"/orders/{order.Id}");
        Assert.Contains("已退款", page.QuerySelector("h1 .status")!.TextContent);
        Assert.Equal(2, page.QuerySelectorAll("article.refund[data-status='Refunded']").Length);
        Assert.Null(page.QuerySelector("form.refund-request"));
    }

    [Fact]
    public async Task A_refund_before_completion_lowers_the_credit_instead_of_debiting()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer, quantity: 2);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Delivered);
        var part = order.TotalFen / 2;
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, new Money(part).ToYuanString(), "少了一件")).StatusCode);
        var id = await LatestRefundAsync(order.Id);
        var vendor = await app.SignedInAsync("vendor");
        await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{id}/decide", new Dictionary<string, string> { ["approve"] = "true" });
        await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{id}/transfer", new Dictionary<string, string> { ["reference"] = "TR-BEFORE-1" });
        await _orders.AdvanceAsync(order.Id, OrderStatus.Completed);
        await _orders.DispatchOutboxAsync();
        var ledger = await app.Db(db => db.QuotaLedgerEntries.Where(e => e.OrderId == order.Id).Select(e => new ValueTuple<LedgerEntryKind, long>(e.Kind, e.AmountFen)).ToListAsync());
        Assert.Equal([(LedgerEntryKind.OrderCredit, order.TotalFen - part)], ledger);
    }
}
