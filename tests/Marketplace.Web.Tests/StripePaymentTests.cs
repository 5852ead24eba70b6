using System.Net;
using System.Text;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>The app with card payments enabled, its Stripe client pointed at a loopback <see cref="FakeStripe"/>.</summary>
public sealed class StripeAppFactory : MarketplaceAppFactory
{
    public const string WebhookSecret = "whsec_test_0123456789abcdef";
    public FakeStripe Stripe { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Payments:Stripe:SecretKey"] = "sk_test_fake_key",
        ["Payments:Stripe:WebhookSecret"] = WebhookSecret,
        ["Payments:Stripe:ApiBase"] = Stripe.BaseUrl,
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Stripe.Dispose();
    }
}

public class StripePaymentTests(StripeAppFactory app) : IClassFixture<StripeAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    private async Task<HttpResponseMessage> DeliverAsync(string payload, string? signature)
    {
        var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/payments/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("Stripe-Signature", signature);
        return await client.SendAsync(request);
    }

    private Task<HttpResponseMessage> DeliverSignedAsync(string payload) =>
        DeliverAsync(payload, FakeStripe.Sign(payload, StripeAppFactory.WebhookSecret, DateTimeOffset.UtcNow));

    private static string SessionCompleted(string eventId, string sessionId, long orderId, long amount, string paymentIntent, string currency = "cny") =>
        FakeStripe.Event(eventId, "checkout.session.completed", new Dictionary<string, object?>
        {
            ["id"] = sessionId, ["object"] = "checkout.session", ["amount_total"] = amount, ["currency"] = currency, ["client_reference_id"] = orderId.ToString(),
            ["metadata"] = new Dictionary<string, string> { ["order_id"] = orderId.ToString() }, ["payment_intent"] = paymentIntent,
            ["payment_status"] = "paid", ["status"] = "complete", ["mode"] = "payment",
        });

    private async Task<(OrderDriver.Placed Order, string SessionId)> StartCardPaymentAsync()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        var page = await buyer.GetPageAsync($"/orders/{order.Id}");
        Assert.NotNull(page.QuerySelector($"form[action='/orders/{order.Id}/pay/card']"));
        var redirect = await buyer.PostFormAsync($"/orders/{order.Id}", $"/orders/{order.Id}/pay/card", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", redirect.Headers.Location!.ToString());
        var sessionId = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.StripeSessionId!).FirstAsync());
        return (order, sessionId);
    }

    [Fact]
    public async Task Checkout_session_is_created_server_side_with_an_idempotency_key_and_the_order_stays_unpaid_until_the_webhook()
    {
        var (order, sessionId) = await StartCardPaymentAsync();
        var call = app.Stripe.Calls.Last(c => c.Path == "/v1/checkout/sessions" && c.Form["client_reference_id"] == order.Id.ToString());
        Assert.Equal($"order-{order.Id}-checkout", call.IdempotencyKey);
        Assert.Equal("Bearer sk_test_fake_key", call.Authorization);
        Assert.Equal(order.TotalFen.ToString(), call.Form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("cny", call.Form["line_items[0][price_data][currency]"]);
        Assert.Equal(order.Id.ToString(), call.Form["metadata[order_id]"]);
        Assert.True(long.Parse(call.Form["expires_at"]) <= DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds());

        // Coming back from the provider's page proves nothing: still unpaid.
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));

        // Paying twice (double click) asks Stripe with the same key and gets the same session.
        var buyer = await app.SignedInAsync("buyer");
        var again = await buyer.PostFormAsync($"/orders/{order.Id}", $"/orders/{order.Id}/pay/card", new Dictionary<string, string>());
        Assert.EndsWith(sessionId, again.Headers.Location!.ToString());
    }

    [Fact]
    public async Task An_order_with_a_card_checkout_gets_grace_for_a_late_webhook_before_it_is_cancelled()
    {
        var (order, _) = await StartCardPaymentAsync();
        using var scope = app.Services.CreateScope();
        var orders = scope.ServiceProvider.GetRequiredService<Marketplace.Web.Features.Buying.OrderService>();
        await orders.ExpireUnpaidAsync(TimeSpan.Zero, default); // the window is over, the grace is not
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
        await orders.ExpireUnpaidAsync(-Marketplace.Web.Features.Buying.OrderService.CardWebhookGrace, default); // as if the grace had passed too
        Assert.Equal(OrderStatus.Cancelled, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
    }

    [Fact]
    public async Task A_signed_completed_session_pays_the_order_exactly_once_and_replays_change_nothing()
    {
        var (order, sessionId) = await StartCardPaymentAsync();
        var payload = SessionCompleted("evt_paid_" + order.Id, sessionId, order.Id, order.TotalFen, "pi_test_" + order.Id);

        var first = await DeliverSignedAsync(payload);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Applied", await first.Content.ReadAsStringAsync());
        var stored = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => new { o.Status, o.PaidFen, o.StripePaymentIntentId, o.PaymentMethod }).FirstAsync());
        Assert.Equal((OrderStatus.Paid, order.TotalFen, "pi_test_" + order.Id, PaymentMethod.Card), (stored.Status, stored.PaidFen, stored.StripePaymentIntentId, stored.PaymentMethod));

        // Stripe redelivers (a fresh signature on the same event): acknowledged, applied once.
        var history = await app.Db(db => db.OrderHistory.CountAsync(h => h.OrderId == order.Id));
        var again = await DeliverSignedAsync(payload);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("AlreadyProcessed", await again.Content.ReadAsStringAsync());
        // Several redeliveries at once: still once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DeliverSignedAsync(payload)));
        Assert.Equal(history, await app.Db(db => db.OrderHistory.CountAsync(h => h.OrderId == order.Id)));
        Assert.Equal(1, await app.Db(db => db.ProcessedWebhookEvents.CountAsync(e => e.EventId == "evt_paid_" + order.Id)));

        // The vendor hears of it in-app.
        var vendor = await app.SignedInAsync("vendor");
        Assert.Contains((await vendor.GetPageAsync("/notifications")).QuerySelectorAll("li a"), a => a.TextContent.Contains(order.Number) && a.TextContent.Contains("已付款"));
    }

    [Fact]
    public async Task Forged_tampered_stale_or_unsigned_webhooks_are_refused_and_change_nothing()
    {
        var (order, sessionId) = await StartCardPaymentAsync();
        var payload = SessionCompleted("evt_forged_" + order.Id, sessionId, order.Id, order.TotalFen, "pi_forged");

        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(payload, null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(payload, FakeStripe.Sign(payload, "whsec_someone_else", DateTimeOffset.UtcNow))).StatusCode);
        var signed = FakeStripe.Sign(payload, StripeAppFactory.WebhookSecret, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(payload.Replace(order.TotalFen.ToString(), "1"), signed)).StatusCode);
        // A genuine request captured and replayed after the tolerance (5 minutes).
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(payload, FakeStripe.Sign(payload, StripeAppFactory.WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-10)))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync("not json", FakeStripe.Sign("not json", StripeAppFactory.WebhookSecret, DateTimeOffset.UtcNow))).StatusCode);

        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
        Assert.False(await app.Db(db => db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == "evt_forged_" + order.Id)));
    }

    [Fact]
    public async Task A_payment_that_does_not_match_the_order_is_flagged_not_accepted()
    {
        var (order, sessionId) = await StartCardPaymentAsync();
        var response = await DeliverSignedAsync(SessionCompleted("evt_short_" + order.Id, sessionId, order.Id, order.TotalFen - 1, "pi_short"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
        Assert.True(await app.Db(db => db.Notifications.AnyAsync(n => n.Link == $"/orders/{order.Id}" && n.Title.Contains("异常"))));
        // Another order's session id does not pay this order either.
        var other = await DeliverSignedAsync(SessionCompleted("evt_wrong_" + order.Id, "cs_test_unknown", order.Id, order.TotalFen, "pi_x"));
        Assert.Contains("Ignored", await other.Content.ReadAsStringAsync());
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
    }

    [Fact]
    public async Task A_card_refund_goes_to_stripe_once_and_the_charge_refunded_webhook_completes_it_and_debits_the_ledger()
    {
        var (order, sessionId) = await StartCardPaymentAsync();
        var intent = "pi_refund_" + order.Id;
        Assert.Equal(HttpStatusCode.OK, (await DeliverSignedAsync(SessionCompleted("evt_p_" + order.Id, sessionId, order.Id, order.TotalFen, intent))).StatusCode);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Completed);
        await _orders.DispatchOutboxAsync(); // the credit

        var buyer = await app.SignedInAsync("buyer");
        var part = order.TotalFen / 2;
        var asked = await buyer.PostFilesAsync($"/orders/{order.Id}", $"/orders/{order.Id}/refunds", "photos", ("damaged.png", TestImages.Png(64, 48)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, asked.StatusCode); // no amount, no reason
        var content = new MultipartFormDataContent
        {
            { new StringContent(await buyer.TokenFromAsync($"/orders/{order.Id}")), "__RequestVerificationToken" },
            { new StringContent(new Marketplace.Domain.Money(part).ToYuanString()), "amount" }, { new StringContent("部分蔬菜运输途中损坏"), "reason" },
            { new ByteArrayContent(TestImages.Png(64, 48)), "photos", "damaged.png" },
        };
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostAsync($"/orders/{order.Id}/refunds", content)).StatusCode);
        var refundId = await app.Db(db => db.RefundRequests.Where(r => r.OrderId == order.Id).Select(r => r.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.OK, (await buyer.GetAsync($"/refunds/{refundId}/photos/0")).StatusCode);

        var vendor = await app.SignedInAsync("vendor");
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/orders/{order.Id}", $"/refunds/{refundId}/decide", new Dictionary<string, string> { ["approve"] = "true", ["orderId"] = order.Id.ToString() })).StatusCode);

        // The payout goes out from the outbox; Stripe being down loses nothing, the next run retries with the same key.
        app.Stripe.Failing = true;
        await _orders.DispatchOutboxAsync();
        Assert.Null(await app.Db(db => db.RefundRequests.Where(r => r.Id == refundId).Select(r => r.PayoutReference).FirstAsync()));
        app.Stripe.Failing = false;
        await _orders.DispatchOutboxAsync();
        await _orders.DispatchOutboxAsync();
        var refundCalls = app.Stripe.Calls.Where(c => c.Path == "/v1/refunds" && c.IdempotencyKey == $"refund-{refundId}").ToList();
        Assert.True(refundCalls.Count >= 2); // the failed attempt and the retry, same key
        Assert.All(refundCalls, c => Assert.Equal((intent, part.ToString()), (c.Form["payment_intent"], c.Form["amount"])));
        var reference = await app.Db(db => db.RefundRequests.Where(r => r.Id == refundId).Select(r => r.PayoutReference).FirstAsync());
        Assert.StartsWith("re_test_", reference);
        Assert.Equal(RefundStatus.Approved, await app.Db(db => db.RefundRequests.Where(r => r.Id == refundId).Select(r => r.Status).FirstAsync()));

        var refunded = FakeStripe.Event("evt_rf_" + order.Id, "charge.refunded", new Dictionary<string, object?>
        {
            ["id"] = "ch_" + order.Id, ["object"] = "charge", ["amount"] = order.TotalFen, ["amount_refunded"] = part, ["currency"] = "cny",
            ["payment_intent"] = intent, ["refunded"] = false, ["status"] = "succeeded",
        });
        Assert.Contains("Applied", await (await DeliverSignedAsync(refunded)).Content.ReadAsStringAsync());
        Assert.Contains("AlreadyProcessed", await (await DeliverSignedAsync(refunded)).Content.ReadAsStringAsync());
        var after = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => new { o.Status, o.RefundedFen }).FirstAsync());
        Assert.Equal((OrderStatus.Completed, part), (after.Status, after.RefundedFen)); // partial: the order stays completed
        Assert.Equal(RefundStatus.Refunded, await app.Db(db => db.RefundRequests.Where(r => r.Id == refundId).Select(r => r.Status).FirstAsync()));

        await _orders.DispatchOutboxAsync();
        var ledger = await app.Db(db => db.QuotaLedgerEntries.Where(e => e.OrderId == order.Id).OrderBy(e => e.Id).Select(e => new { e.Kind, e.AmountFen }).ToListAsync());
        Assert.Equal([(LedgerEntryKind.OrderCredit, order.TotalFen), (LedgerEntryKind.RefundDebit, -part)], ledger.Select(l => (l.Kind, l.AmountFen)));
    }
}
