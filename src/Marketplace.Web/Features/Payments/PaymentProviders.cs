using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Stripe;
using PaymentMethod = Marketplace.Domain.Orders.PaymentMethod;
using Order = Marketplace.Data.Entities.Order;
using Stripe.Checkout;

namespace Marketplace.Web.Features.Payments;

/// <summary>What starting a payment gives the buyer: a provider page to go to, or nothing (pay by the shown instructions).</summary>
public sealed record PaymentStart(string? SessionId, string? RedirectUrl);

/// <summary>
/// The payment port. Bank transfer (the default) needs no provider calls: the order shows the vendor's account and
/// 识别码, and receipt is confirmed by the vendor or a statement import; refunds are transferred back by hand.
/// A card provider (Stripe) hosts the checkout page and refunds through its API; both are confirmed by webhooks.
/// </summary>
public interface IPaymentProvider
{
    PaymentMethod Method { get; }
    bool Enabled { get; }
    Task<PaymentStart> StartAsync(Order order, string returnBaseUrl, DateTime expiresAtUtc, CancellationToken ct);
    /// <summary>Asks the provider to pay back <paramref name="amount"/>; returns its refund reference, or null when the refund is made by hand.</summary>
    Task<string?> RefundAsync(Order order, long refundId, Money amount, CancellationToken ct);
}

public sealed class BankTransferProvider : IPaymentProvider
{
    public PaymentMethod Method => PaymentMethod.BankTransfer;
    public bool Enabled => true;
    public Task<PaymentStart> StartAsync(Order order, string returnBaseUrl, DateTime expiresAtUtc, CancellationToken ct) => Task.FromResult(new PaymentStart(null, null));
    public Task<string?> RefundAsync(Order order, long refundId, Money amount, CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>Payments:Stripe settings. Card payment is offered only when both keys are configured.</summary>
public sealed class StripeOptions
{
    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
    /// <summary>Only for tests and stubs: where the API lives (default https://api.stripe.com).</summary>
    public string? ApiBase { get; set; }
    /// <summary>How old a signed webhook may be before it is refused as a replay.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;
    public string Currency { get; set; } = "cny";
    public bool Enabled => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);
}

/// <summary>
/// Card payments through Stripe Checkout. The session is created server-side with an idempotency key per order (a
/// double click or a retry gets the same session), carries the order id in its metadata, and expires when the
/// order's payment window closes. The order is marked paid only by the signed webhook, never by the redirect back.
/// </summary>
public sealed class StripePaymentProvider(StripeOptions options) : IPaymentProvider
{
    private readonly StripeClient? _client = options.Enabled
        ? new StripeClient(apiKey: options.SecretKey, apiBase: string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase)
        : null;

    public PaymentMethod Method => PaymentMethod.Card;
    public bool Enabled => _client is not null;

    private StripeClient Client => _client ?? throw new DomainException("未启用银行卡支付", "Card payment is not enabled.");

    public async Task<PaymentStart> StartAsync(Order order, string returnBaseUrl, DateTime expiresAtUtc, CancellationToken ct)
    {
        var metadata = new Dictionary<string, string> { ["order_id"] = order.Id.ToString(), ["order_number"] = order.Number };
        var create = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = order.Id.ToString(),
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = metadata },
            ExpiresAt = expiresAtUtc,
            SuccessUrl = $"{returnBaseUrl}/orders/{order.Id}?paid=card",
            CancelUrl = $"{returnBaseUrl}/orders/{order.Id}",
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = options.Currency, UnitAmount = order.TotalFen,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = $"订单 {order.Number}" },
                    },
                },
            ],
        };
        var session = await new SessionService(Client).CreateAsync(create, new RequestOptions { IdempotencyKey = $"order-{order.Id}-checkout" }, ct);
        return new PaymentStart(session.Id, session.Url);
    }

    public async Task<string?> RefundAsync(Order order, long refundId, Money amount, CancellationToken ct)
    {
        if (order.StripePaymentIntentId is null) throw new InvalidOperationException($"Order {order.Id} has no Stripe payment to refund.");
        var refund = await new RefundService(Client).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = order.StripePaymentIntentId, Amount = amount.Fen,
            Metadata = new Dictionary<string, string> { ["order_id"] = order.Id.ToString(), ["refund_request_id"] = refundId.ToString() },
        }, new RequestOptions { IdempotencyKey = $"refund-{refundId}" }, ct);
        return refund.Id;
    }
}

/// <summary>The providers by method.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    private readonly Dictionary<PaymentMethod, IPaymentProvider> _byMethod = providers.ToDictionary(p => p.Method);
    public IPaymentProvider For(PaymentMethod method) => _byMethod[method];
    public bool CardEnabled => _byMethod.TryGetValue(PaymentMethod.Card, out var p) && p.Enabled;
}
