using System.Text.Json;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Buying;

/// <summary>
/// Moves orders through the state machine. Every step is scoped (a buyer acts on its unit's orders, a vendor on its
/// own), recorded in the history, and — when it completes an order — publishes OrderCompleted to the outbox in the
/// same transaction, for the quota ledger.
/// </summary>
public sealed class OrderService(MarketplaceDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<Order> ScopedAsync(Actor actor, long orderId, CancellationToken ct)
    {
        var q = db.Orders.Where(o => o.Id == orderId).VisibleTo(actor);
        // Another unit's or vendor's order does not exist for this actor.
        return await q.FirstOrDefaultAsync(ct) ?? throw new NotFoundException();
    }

    public Task ConfirmPaymentAsync(Actor actor, long orderId, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.ConfirmPayment, null, o => { o.PaidFen = o.TotalFen; o.PaidAt = Now; return new OrderFacts(); }, ct);

    public Task ShipAsync(Actor actor, long orderId, string? carrier, string? tracking, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.Ship, null, o =>
        {
            o.Carrier = carrier?.Trim(); o.TrackingNumber = tracking?.Trim(); o.ShippedAt = Now;
            return new OrderFacts(Shipment: new Shipment(o.Carrier ?? "", o.TrackingNumber ?? ""));
        }, ct);

    public Task ConfirmDeliveryAsync(Actor actor, long orderId, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.ConfirmDelivery, null, _ => new OrderFacts(), ct);

    public Task AttachInvoiceAsync(Actor actor, long orderId, string invoiceKey, CancellationToken ct) =>
        UpdateAsync(actor, orderId, o =>
        {
            if (o.Status is not (OrderStatus.Shipped or OrderStatus.Delivered))
                throw new DomainException("发货后、验收前上传发票", "Upload the invoice after shipping and before acceptance.");
            o.InvoiceKey = invoiceKey;
            o.InvoiceUploadedAt ??= Now; // a corrected invoice replaces the file, not the time it first came
        }, ct);

    public Task AcceptAsync(Actor actor, long orderId, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.Accept, null, o =>
        {
            o.AcceptedOn = ChinaTime.DateOf(Now);
            return new OrderFacts(InvoiceUploaded: o.InvoiceKey is not null);
        }, ct);

    public Task EvaluateAsync(Actor actor, long orderId, Evaluation evaluation, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.Evaluate, null, o =>
        {
            o.RatingQuality = evaluation.Quality; o.RatingDelivery = evaluation.Delivery; o.RatingService = evaluation.Service;
            o.EvaluationComment = string.IsNullOrWhiteSpace(evaluation.Comment) ? null : evaluation.Comment.Trim();
            return new OrderFacts(Evaluation: evaluation);
        }, ct, then: o => RatingTotals.AddAsync(db, o, evaluation.Quality, evaluation.Delivery, evaluation.Service, ct));

    public Task CancelAsync(Actor actor, long orderId, string? reason, CancellationToken ct) =>
        StepAsync(actor, orderId, OrderAction.Cancel, reason, o =>
        {
            // Unpaid orders held stock: give it back (the lines' products were loaded with the order).
            foreach (var p in db.Products.Local.Where(p => o.Lines.Any(l => l.ProductId == p.Id)))
                p.Stock += o.Lines.Where(l => l.ProductId == p.Id).Sum(l => l.Quantity);
            return new OrderFacts();
        }, ct, loadLineProducts: true);

    public static readonly TimeSpan CardWebhookGrace = TimeSpan.FromHours(1);

    /// <summary>Cancels orders still unpaid after the timeout (their stock goes back). Returns how many.</summary>
    public async Task<int> ExpireUnpaidAsync(TimeSpan timeout, CancellationToken ct)
    {
        var cutoff = Now - timeout;
        // A card checkout closes with the payment window, but its webhook may arrive a little later (Stripe retries
        // when we were unreachable): such orders get an hour's grace before they are cancelled.
        var cardCutoff = cutoff - CardWebhookGrace;
        var ids = await db.Orders.AsNoTracking().Where(o => o.Status == OrderStatus.PendingPayment && o.PlacedAt <= cutoff
                && (o.StripeSessionId == null || o.PlacedAt <= cardCutoff))
            .OrderBy(o => o.Id).Select(o => o.Id).Take(200).ToListAsync(ct);
        var system = new Actor("system", "系统", OrderActors.System);
        foreach (var id in ids)
        {
            db.ChangeTracker.Clear();
            try { await CancelAsync(system, id, $"超过{timeout.TotalHours:0.#}小时未支付，自动取消 / unpaid after {timeout.TotalHours:0.#} h", ct); }
            catch (DomainException) { } // paid or cancelled meanwhile
        }
        return ids.Count;
    }

    private async Task UpdateAsync(Actor actor, long orderId, Action<Order> change, CancellationToken ct)
    {
        var order = await ScopedAsync(actor, orderId, ct);
        if (!actor.Is(Roles.Vendor)) throw new ForbiddenException("只有供应商可以上传发票", "Only the vendor uploads the invoice.");
        change(order);
        await SaveAsync(ct);
    }

    /// <param name="then">More writes in the step's transaction, after the step is checked and recorded.</param>
    private async Task StepAsync(Actor actor, long orderId, OrderAction action, string? reason, Func<Order, OrderFacts> prepare, CancellationToken ct,
        bool loadLineProducts = false, Func<Order, Task>? then = null)
    {
        await db.InTransactionAsync(async () =>
        {
            var order = await ScopedAsync(actor, orderId, ct);
            if (loadLineProducts)
            {
                await db.Entry(order).Collection(o => o.Lines).LoadAsync(ct);
                var ids = order.Lines.Select(l => l.ProductId).ToList();
                await db.Products.Where(p => ids.Contains(p.Id)).LoadAsync(ct);
            }
            // Check the step first against the current state, then let it record its data.
            OrderStateMachine.Apply(order.Status, action, actor.Role, FactsFor(order, action), reason);
            Record(order, actor, action, reason, prepare(order));
            if (then is not null) await then(order);
            await SaveAsync(ct);
        }, ct);
    }

    /// <summary>
    /// Moves a loaded order one step and adds what goes with it — history, notifications, and the ledger event when
    /// the order completes — to the caller's unit of work. Callers save (inside their own transaction when they write
    /// more, e.g. a statement line or a webhook event id).
    /// </summary>
    public OrderTransition Record(Order order, Actor actor, OrderAction action, string? reason, OrderFacts facts)
    {
        var step = OrderStateMachine.Apply(order.Status, action, actor.Role, facts, reason);
        order.Status = step.To;
        db.OrderHistory.Add(new OrderHistory
        {
            OrderId = order.Id, From = step.From, To = step.To, Action = step.Action.ToString(), ActorUserId = actor.UserId,
            ActorName = actor.Name, Reason = step.Reason, At = Now,
        });
        db.Notifications.AddRange(OrderNotifications.For(order, step, actor, Now));
        if (OrderStateMachine.Completes(step))
            // What counts is what was paid and not refunded before completion (refunds after it are debited later).
            db.Outbox.Add(new OutboxMessage
            {
                Type = OutboxDispatcher.OrderCompletedType, CreatedAt = Now,
                Payload = JsonSerializer.Serialize(new OrderCompleted(order.Id, order.BudgetUnitId, new Money(order.PaidFen - order.RefundedFen), order.AcceptedOn!.Value), OutboxDispatcher.Json),
            });
        return step;
    }

    /// <summary>Facts for the pre-check, before the step's own inputs are applied (so e.g. Ship without data fails the same way).</summary>
    private static OrderFacts FactsFor(Order o, OrderAction action) => action switch
    {
        OrderAction.Ship => new OrderFacts(Shipment: new Shipment("-", "-")),
        OrderAction.Evaluate => new OrderFacts(Evaluation: new Evaluation(5, 5, 5, null)),
        OrderAction.Accept => new OrderFacts(InvoiceUploaded: true),
        _ => new OrderFacts(),
    };

    private async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new DomainException("订单已被他人修改，请刷新后重试", "The order changed meanwhile; reload and try again."); }
    }
}

/// <summary>The thing asked for does not exist for this user (another unit's or vendor's order): a 404, never a leak.</summary>
public sealed class NotFoundException() : Exception("Not found.");
