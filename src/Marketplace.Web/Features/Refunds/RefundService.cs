using System.Text.Json;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Marketplace.Web.Features.Buying;
using Marketplace.Web.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Refunds;

public sealed record RefundView(long Id, long OrderId, string OrderNumber, string VendorName, Money Amount, string Reason, IReadOnlyList<string> Photos,
    RefundStatus Status, DateTime RequestedAt, string? VendorNote, string? ArbitrationNote, string? PayoutReference, DateTime? RefundedAt, PaymentMethod Method);

/// <summary>
/// 退货退款: the buyer asks (reason, photos, amount up to what is still refundable), the vendor approves or disputes,
/// the platform arbitrates disputes, and the money goes back — through the card provider (confirmed by its webhook)
/// or, for bank transfers, by the vendor's transfer recorded with its bank reference. Each refund paid out updates
/// the order and, if the order already counted for the unit's reserved share, publishes OrderRefunded to the outbox
/// in the same transaction; when refunds reach what was paid the order becomes Refunded.
/// </summary>
public sealed class RefundService(MarketplaceDbContext db, OrderService orders, PaymentProviders providers, TimeProvider clock)
{
    public const string PayoutMessageType = "RefundPayout";
    public const int MaxPhotos = 4;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    private static readonly Actor SystemActor = new("system", "系统", OrderActors.System);

    /// <summary>
    /// Someone else's order is not found: checked before the form is read (a 404, not a message about the amount) and
    /// before the controller buffers up to <see cref="MaxPhotos"/> uploaded photos. <see cref="RequestAsync"/> loads the
    /// order again inside its transaction, where it is needed.
    /// </summary>
    public async Task EnsureOrderVisibleAsync(Actor buyer, long orderId, CancellationToken ct)
    {
        if (!await db.Orders.Where(o => o.Id == orderId).VisibleTo(buyer).AnyAsync(ct)) throw new NotFoundException();
    }

    /// <summary>
    /// The buyer's refund request. Who may ask and for how much is checked first (so a refused request stores no
    /// photos); the photos are stored next, outside the transaction (a database file store writes through its own
    /// connection, which must not wait behind this request's transaction), and removed again if recording the request
    /// fails. The transaction that records it checks again.
    /// </summary>
    public async Task<long> RequestAsync(Actor buyer, long orderId, Money amount, string? reason, IReadOnlyList<byte[]> photos,
        Infrastructure.Images.InvoiceStore store, CancellationToken ct)
    {
        if (!buyer.Is(Roles.Buyer)) throw new ForbiddenException("只有采购单位可以申请退款", "Only the buying unit can ask for a refund.");
        if (photos.Count > MaxPhotos) throw new DomainException($"最多上传{MaxPhotos}张照片", $"At most {MaxPhotos} photos.");
        if ((reason?.Trim().Length ?? 0) > 500) throw new DomainException("退款原因不能超过500字", "The reason may have at most 500 characters.");
        await CheckedOrderAsync(db.Orders.AsNoTracking(), buyer, orderId, amount, reason, ct);
        var photoKeys = new List<string>();
        try
        {
            foreach (var photo in photos) photoKeys.Add(await store.SaveAsync(photo, ct, imagesOnly: true));
            return await RecordRequestAsync(buyer, orderId, amount, reason, photoKeys, ct);
        }
        catch
        {
            foreach (var key in photoKeys) store.Delete(key);
            throw;
        }
    }

    /// <summary>The order, if <paramref name="buyer"/> may ask for <paramref name="amount"/> back on it now.</summary>
    private async Task<Order> CheckedOrderAsync(IQueryable<Order> orders, Actor buyer, long orderId, Money amount, string? reason, CancellationToken ct)
    {
        var order = await orders.Where(o => o.Id == orderId).VisibleTo(buyer).FirstOrDefaultAsync(ct) ?? throw new NotFoundException();
        // Money already asked for (and not refused) cannot be asked for again.
        var open = await db.RefundRequests.Where(r => r.OrderId == orderId && RefundRules.OpenStates.Contains(r.Status))
            .SumAsync(r => r.AmountFen, ct);
        RefundRules.CheckRequest(order.Status, new Money(order.PaidFen), new Money(order.RefundedFen + open), amount, reason);
        return order;
    }

    private async Task<long> RecordRequestAsync(Actor buyer, long orderId, Money amount, string? reason, IReadOnlyList<string> photoKeys, CancellationToken ct)
    {
        return await InTransactionAsync(async () =>
        {
            var order = await CheckedOrderAsync(db.Orders, buyer, orderId, amount, reason, ct);
            var refund = new RefundRequest
            {
                OrderId = orderId, AmountFen = amount.Fen, Reason = reason!.Trim(), PhotoKeys = string.Join(' ', photoKeys), Status = RefundStatus.Requested,
                RequestedByUserId = buyer.UserId, RequestedAt = Now,
            };
            db.RefundRequests.Add(refund);
            History(order, buyer, "RefundRequest", $"{amount}：{refund.Reason}");
            db.Notifications.AddRange(OrderNotifications.About(order, buyer, $"订单{order.Number}申请退款{amount} / Refund of {amount} requested for order {order.Number}", refund.Reason, Now));
            await db.SaveChangesAsync(ct);
            return refund.Id;
        }, ct);
    }

    /// <summary>The vendor approves, or disputes with a reason (then the platform arbitrates).</summary>
    public Task DecideAsync(Actor vendor, long refundId, bool approve, string? note, CancellationToken ct) =>
        StepAsync(vendor, refundId, approve ? RefundAction.Approve : RefundAction.Dispute, approve, note, ct);

    /// <summary>The platform decides a disputed refund.</summary>
    public Task ArbitrateAsync(Actor admin, long refundId, bool approve, string? note, CancellationToken ct) =>
        StepAsync(admin, refundId, RefundAction.Arbitrate, approve, note, ct);

    private Task StepAsync(Actor actor, long refundId, RefundAction action, bool approve, string? note, CancellationToken ct) => InTransactionAsync(async () =>
    {
        var refund = await ScopedAsync(actor, refundId, ct);
        var order = refund.Order!;
        if ((note?.Trim().Length ?? 0) > 500) throw new DomainException("说明不能超过500字", "The note may have at most 500 characters.");
        refund.Status = RefundRules.Apply(refund.Status, action, actor.Role, approve, note);
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (action == RefundAction.Arbitrate) refund.ArbitrationNote = text; else refund.VendorNote = text;
        var (zh, en) = refund.Status switch
        {
            RefundStatus.Approved => ("退款已同意", "refund approved"),
            RefundStatus.Disputed => ("退款有异议，待平台仲裁", "refund disputed, awaiting arbitration"),
            _ => ("退款申请被驳回", "refund rejected"),
        };
        History(order, actor, "Refund" + refund.Status, $"{new Money(refund.AmountFen)}{(text is null ? "" : "：" + text)}");
        // The vendor's steps go to the unit; the platform's arbitration to both sides.
        db.Notifications.AddRange(OrderNotifications.About(order, actor, $"订单{order.Number}{zh} / Order {order.Number}: {en}", text ?? new Money(refund.AmountFen).ToString(), Now));
        if (action == RefundAction.Arbitrate && refund.Status == RefundStatus.Approved)
            // The vendor disputed and lost: that counts against its credit.
            Marketplace.Data.Credit.VendorCreditService.Enqueue(db, order.VendorId, $"订单{order.Number}退款争议裁定 / order {order.Number} dispute ruled", Now);
        if (refund.Status == RefundStatus.Approved && order.PaymentMethod == PaymentMethod.Card)
            // Paid out by the background job through the provider (retried if the provider is down).
            db.Outbox.Add(new OutboxMessage { Type = PayoutMessageType, CreatedAt = Now, Payload = JsonSerializer.Serialize(new RefundPayout(refund.Id), OutboxDispatcher.Json) });
        await db.SaveChangesAsync(ct);
        return 0;
    }, ct);

    public sealed record RefundPayout(long RefundId);

    /// <summary>Asks the card provider to pay an approved refund back (idempotent per refund). The webhook completes it.</summary>
    public async Task PayOutAsync(long refundId, CancellationToken ct)
    {
        var refund = await db.RefundRequests.Include(r => r.Order).FirstAsync(r => r.Id == refundId, ct);
        if (refund.Status != RefundStatus.Approved || refund.PayoutReference is not null) return;
        var reference = await providers.For(refund.Order!.PaymentMethod).RefundAsync(refund.Order, refund.Id, new Money(refund.AmountFen), ct);
        if (reference is null) return;
        refund.PayoutReference = reference;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Bank transfer orders: the vendor has transferred the money back and records the bank reference.</summary>
    public Task RecordTransferAsync(Actor vendor, long refundId, string? bankReference, CancellationToken ct) => InTransactionAsync(async () =>
    {
        var refund = await ScopedAsync(vendor, refundId, ct);
        if (!vendor.Is(Roles.Vendor)) throw new ForbiddenException("只有供应商可以登记退款转账", "Only the vendor records the refund transfer.");
        if (refund.Order!.PaymentMethod != PaymentMethod.BankTransfer)
            throw new DomainException("银行卡付款的退款由支付机构原路退回", "Card payments are refunded through the card provider.");
        var reference = bankReference?.Trim() ?? "";
        if (reference.Length is < 4 or > 100) throw new DomainException("请填写退款转账的银行流水号", "Enter the bank reference of the refund transfer.");
        refund.PayoutReference = reference;
        Complete(refund, vendor);
        await db.SaveChangesAsync(ct);
        return 0;
    }, ct);

    /// <summary>
    /// The card provider reports <paramref name="totalRefunded"/> refunded on the order's payment so far: approved
    /// refunds already sent to it are completed, oldest first, up to that total. Returns how many were completed.
    /// Runs inside the webhook's transaction.
    /// </summary>
    public async Task<int> ProviderRefundedAsync(Order order, Money totalRefunded, CancellationToken ct)
    {
        var pending = await db.RefundRequests.Where(r => r.OrderId == order.Id && r.Status == RefundStatus.Approved && r.PayoutReference != null)
            .OrderBy(r => r.Id).ToListAsync(ct);
        var done = 0;
        foreach (var refund in pending)
        {
            if (order.RefundedFen + refund.AmountFen > totalRefunded.Fen) break;
            refund.Order = order;
            Complete(refund, SystemActor);
            done++;
        }
        return done;
    }

    /// <summary>The money is back: the refund is done, the order's refunded total grows, the ledger hears of it.</summary>
    private void Complete(RefundRequest refund, Actor by)
    {
        var order = refund.Order!;
        refund.Status = RefundRules.Apply(refund.Status, RefundAction.MarkRefunded, OrderActors.System, true, null);
        refund.RefundedAt = Now;
        order.RefundedFen += refund.AmountFen;
        var amount = new Money(refund.AmountFen);
        History(order, by, "Refunded", $"{amount}（{refund.PayoutReference}）");
        db.Notifications.AddRange(OrderNotifications.About(order, by.Is(Roles.Vendor) ? by : SystemActor,
            $"订单{order.Number}已退款{amount} / {amount} refunded for order {order.Number}", refund.PayoutReference ?? "", Now));
        // Only an order that already counted for the reserved share is debited; before completion the credit
        // itself will be the paid amount net of refunds.
        if (order.Status == OrderStatus.Completed && order.AcceptedOn is { } acceptedOn)
            db.Outbox.Add(new OutboxMessage
            {
                Type = OutboxDispatcher.OrderRefundedType, CreatedAt = Now,
                Payload = JsonSerializer.Serialize(new OrderRefunded(order.Id, refund.Id, order.BudgetUnitId, amount, acceptedOn, DateOnly.FromDateTime(Now.AddHours(8))), OutboxDispatcher.Json),
            });
        Marketplace.Data.Credit.VendorCreditService.Enqueue(db, order.VendorId, $"订单{order.Number}退款 / order {order.Number} refunded", Now);
        if (RefundRules.IsFull(new Money(order.PaidFen), new Money(order.RefundedFen)))
            orders.Record(order, SystemActor, OrderAction.RefundInFull, "退款金额已达实付金额 / refunds reached the amount paid", new OrderFacts());
    }

    private async Task<RefundRequest> ScopedAsync(Actor actor, long refundId, CancellationToken ct)
    {
        var visible = db.Orders.VisibleTo(actor).Select(o => o.Id);
        return await db.RefundRequests.Include(r => r.Order).Where(r => r.Id == refundId && visible.Contains(r.OrderId)).FirstOrDefaultAsync(ct)
               ?? throw new NotFoundException();
    }

    private void History(Order order, Actor actor, string action, string reason) =>
        db.OrderHistory.Add(new OrderHistory
        {
            OrderId = order.Id, From = order.Status, To = order.Status, Action = action, ActorUserId = actor.UserId, ActorName = actor.Name,
            Reason = reason.Length > 500 ? reason[..500] : reason, At = Now,
        });

    private async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        try { return await db.InTransactionAsync(work, ct); }
        catch (DbUpdateConcurrencyException) { throw new DomainException("退款或订单已被他人修改，请刷新后重试", "The refund or order changed meanwhile; reload and try again."); }
    }

    public async Task<IReadOnlyList<RefundView>> ForOrderAsync(long orderId, CancellationToken ct) =>
        await Project(db.RefundRequests.AsNoTracking().Where(r => r.OrderId == orderId).OrderBy(r => r.Id)).ToListAsync(ct);

    /// <summary>Refunds visible to the actor (vendor: its orders'; admin: all), optionally by state, newest first.</summary>
    public async Task<IReadOnlyList<RefundView>> ListAsync(Actor actor, RefundStatus? status, CancellationToken ct, long? refundId = null)
    {
        var visible = db.Orders.VisibleTo(actor).Select(o => o.Id);
        var q = db.RefundRequests.AsNoTracking().Where(r => visible.Contains(r.OrderId));
        if (refundId is { } id) q = q.Where(r => r.Id == id);
        if (status is { } s) q = q.Where(r => r.Status == s);
        return await Project(q.OrderByDescending(r => r.Id).Take(200)).ToListAsync(ct);
    }

    private static IQueryable<RefundView> Project(IQueryable<RefundRequest> q) =>
        q.Select(r => new RefundView(r.Id, r.OrderId, r.Order!.Number, r.Order.Vendor!.Name, new Money(r.AmountFen), r.Reason,
            r.PhotoKeys == "" ? Array.Empty<string>() : r.PhotoKeys.Split(' ', StringSplitOptions.None), r.Status, r.RequestedAt, r.VendorNote, r.ArbitrationNote,
            r.PayoutReference, r.RefundedAt, r.Order.PaymentMethod));
}

/// <summary>Delivers approved card refunds to the provider from the outbox (idempotent: the provider call carries the refund's key).</summary>
public sealed class RefundPayoutHandler(RefundService refunds) : Marketplace.Data.Quota.IOutboxHandler
{
    public string Type => RefundService.PayoutMessageType;
    public Task HandleAsync(string payload, CancellationToken ct) =>
        refunds.PayOutAsync(JsonSerializer.Deserialize<RefundService.RefundPayout>(payload, OutboxDispatcher.Json)!.RefundId, ct);
}
