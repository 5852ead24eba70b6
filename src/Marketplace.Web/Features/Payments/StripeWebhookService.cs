using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Marketplace.Web.Features.Refunds;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Stripe.Checkout;
using Order = Marketplace.Data.Entities.Order;
using RefundService = Marketplace.Web.Features.Refunds.RefundService;

namespace Marketplace.Web.Features.Payments;

public enum WebhookOutcome
{
    Applied = 1,
    AlreadyProcessed = 2,
    Ignored = 3,   // a type we do not act on, or nothing to do; still acknowledged so Stripe stops retrying
    Rejected = 4,  // bad signature, stale timestamp or unreadable body: 400
}

/// <summary>
/// Stripe webhooks: the only way a card payment or a card refund takes effect. The signature is checked with the
/// configured secret and the timestamp must be within the tolerance (a captured request replayed later fails);
/// each event id is stored in the same transaction as its effect, so a redelivered event changes nothing.
/// </summary>
public sealed class StripeWebhookService(MarketplaceDbContext db, OrderService orders, RefundService refunds, StripeOptions options,
    TimeProvider clock, ILogger<StripeWebhookService> logger)
{
    private static readonly Actor Stripe = new("stripe", "Stripe", OrderActors.System);
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<WebhookOutcome> HandleAsync(string json, string? signature, CancellationToken ct)
    {
        if (!options.Enabled || string.IsNullOrEmpty(signature)) return WebhookOutcome.Rejected;
        Event e;
        try
        {
            e = EventUtility.ConstructEvent(json, signature, options.WebhookSecret, options.WebhookToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", ex.Message);
            return WebhookOutcome.Rejected;
        }
        if (await db.ProcessedWebhookEvents.AsNoTracking().AnyAsync(x => x.EventId == e.Id, ct)) return WebhookOutcome.AlreadyProcessed;

        try
        {
            return await db.InTransactionAsync(async () =>
            {
                db.ChangeTracker.Clear();
                var (outcome, orderId) = e.Type switch
                {
                    EventTypes.CheckoutSessionCompleted when e.Data.Object is Session s => await SessionCompletedAsync(s, ct),
                    EventTypes.ChargeRefunded when e.Data.Object is Charge c => await ChargeRefundedAsync(c, ct),
                    _ => (WebhookOutcome.Ignored, (long?)null),
                };
                db.ProcessedWebhookEvents.Add(new ProcessedWebhookEvent { EventId = e.Id, Type = e.Type, OrderId = orderId, ProcessedAt = Now });
                await db.SaveChangesAsync(ct);
                return outcome;
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The same event delivered twice at once: the other delivery applied it (otherwise this is a real failure).
            db.ChangeTracker.Clear();
            if (await db.ProcessedWebhookEvents.AsNoTracking().AnyAsync(x => x.EventId == e.Id, ct)) return WebhookOutcome.AlreadyProcessed;
            throw;
        }
    }

    private async Task<(WebhookOutcome, long?)> SessionCompletedAsync(Session s, CancellationToken ct)
    {
        var order = await db.Orders.FirstOrDefaultAsync(o => o.StripeSessionId == s.Id, ct);
        if (order is null || !long.TryParse(s.ClientReferenceId, out var id) || id != order.Id)
        {
            logger.LogWarning("Stripe session {Session} matches no order", s.Id);
            return (WebhookOutcome.Ignored, null);
        }
        if (s.PaymentStatus != "paid") return (WebhookOutcome.Ignored, order.Id);
        var amount = s.AmountTotal ?? 0;
        if (order.Status != OrderStatus.PendingPayment || amount != order.TotalFen || !string.Equals(s.Currency, options.Currency, StringComparison.OrdinalIgnoreCase))
        {
            // Money arrived that does not fit the order: flag it to both sides instead of accepting it silently.
            logger.LogWarning("Stripe session {Session} paid {Amount} {Currency} for order {Order} in state {State}", s.Id, amount, s.Currency, order.Id, order.Status);
            db.Notifications.AddRange(OrderNotifications.About(order, Stripe, $"订单{order.Number}收到异常的银行卡付款 / Unusual card payment for order {order.Number}",
                $"{new Money(amount)} {s.Currency}，订单状态 {order.Status}，请平台核对并退款 / to be checked and refunded by the platform", Now));
            return (WebhookOutcome.Ignored, order.Id);
        }
        order.PaidFen = amount;
        order.PaidAt = Now;
        order.StripePaymentIntentId = s.PaymentIntentId;
        orders.Record(order, Stripe, OrderAction.ConfirmPayment, $"银行卡支付 / card payment {s.PaymentIntentId}", new OrderFacts());
        return (WebhookOutcome.Applied, order.Id);
    }

    private async Task<(WebhookOutcome, long?)> ChargeRefundedAsync(Charge c, CancellationToken ct)
    {
        Order? order = c.PaymentIntentId is { } pi ? await db.Orders.FirstOrDefaultAsync(o => o.StripePaymentIntentId == pi, ct) : null;
        if (order is null) return (WebhookOutcome.Ignored, null);
        var done = await refunds.ProviderRefundedAsync(order, new Money(c.AmountRefunded), ct);
        return (done > 0 ? WebhookOutcome.Applied : WebhookOutcome.Ignored, order.Id);
    }
}
