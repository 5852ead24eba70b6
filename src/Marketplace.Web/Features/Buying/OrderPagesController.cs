using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Infrastructure.Images;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Buying;

public sealed record OrderLineRow(string Name, string Specification, string Unit, Money UnitPrice, int Quantity, Money LineTotal);
public sealed record OrderStep(DateTime At, string Action, OrderStatus To, string ActorName, string? Reason);

public sealed record OrderDetailViewModel(
    long Id, string Number, OrderStatus Status, string VendorName, Money Total, Money Paid, string PaymentCode,
    string DeliveryAddress, string CanteenContact, string ContactPhone, string? Carrier, string? TrackingNumber, bool HasInvoice,
    IReadOnlyList<OrderLineRow> Lines, IReadOnlyList<OrderStep> Timeline, IReadOnlyList<OrderAction> Actions, bool CanUploadInvoice)
{
    public string Role { get; init; } = "";
    /// <summary>A parent unit's buyer looking at a subordinate unit's order: nothing can be done here.</summary>
    public bool ReadOnly { get; init; }
    public string UnitName { get; init; } = "";
    public PaymentMethod PaymentMethod { get; init; }
    public Payments.PaymentService.BankAccount? VendorAccount { get; init; }
    public bool CardEnabled { get; init; }
    public Money Refunded { get; init; }
    /// <summary>What may still be asked for: paid, less refunded and less refunds already asked for.</summary>
    public Money Refundable { get; init; }
    public bool CanRequestRefund { get; init; }
    public IReadOnlyList<Refunds.RefundView> Refunds { get; init; } = [];
    public IReadOnlyList<Credit.ComplaintView> Complaints { get; init; } = [];
    public bool CanComplain { get; init; }
}

/// <summary>One order, for the buyer's unit and for the vendor: details, timeline, and the steps this user may take.</summary>
[Authorize(Roles = Roles.Buyer + "," + Roles.Vendor + "," + Roles.PlatformAdmin)]
public sealed class OrderPagesController(MarketplaceDbContext db, OrderService orders, InvoiceStore invoices, Refunds.RefundService refunds,
    Payments.PaymentProviders providers, Credit.ComplaintService complaints) : Controller
{
    private IQueryable<Data.Entities.Order> Visible() => db.Orders.AsNoTracking().VisibleTo(User.ToActor());

    [HttpGet("/orders/{id:long}")]
    public async Task<IActionResult> Show(long id, CancellationToken ct)
    {
        Task<Data.Entities.Order?> Load(IQueryable<Data.Entities.Order> q) =>
            q.Include(x => x.Lines).Include(x => x.Vendor).Include(x => x.BudgetUnit).FirstOrDefaultAsync(x => x.Id == id, ct);
        var actor = User.ToActor();
        var o = await Load(Visible());
        if (o is null && actor.Is(Roles.Buyer))
        {
            // Not the unit's own: a parent unit's buyers may read (not act on) their subordinate units' orders.
            var subordinates = await UnitTree.SubordinatesAsync(db, actor.UnitId ?? 0, ct);
            o = await Load(db.Orders.AsNoTracking().Where(x => subordinates.Contains(x.BudgetUnitId)));
        }
        if (o is null) return NotFound();
        var readOnly = actor.Is(Roles.Buyer) && o.BudgetUnitId != actor.UnitId;
        var timeline = await db.OrderHistory.AsNoTracking().Where(h => h.OrderId == id).OrderBy(h => h.Id)
            .Select(h => new OrderStep(h.At, h.Action, h.To, h.ActorName, h.Reason)).ToListAsync(ct);
        var refundList = await refunds.ForOrderAsync(id, ct);
        var asked = new Money(refundList.Where(r => RefundRules.OpenStates.Contains(r.Status)).Sum(r => r.Amount.Fen));
        var refundable = RefundRules.Refundable(new Money(o.PaidFen), new Money(o.RefundedFen), asked);
        var role = actor.Role;
        var complaintList = await complaints.ListAsync(actor, null, id, ct);
        return View("Order", new OrderDetailViewModel(o.Id, o.Number, o.Status, o.Vendor!.Name, new Money(o.TotalFen), new Money(o.PaidFen), o.PaymentCode,
            o.DeliveryAddress, o.CanteenContact, o.ContactPhone, o.Carrier, o.TrackingNumber, o.InvoiceKey is not null,
            o.Lines.Select(l => new OrderLineRow(l.ProductName, l.Specification, l.Unit, new Money(l.UnitPriceFen), l.Quantity, new Money(l.LineTotalFen))).ToList(),
            timeline, readOnly ? [] : OrderStateMachine.AllowedActions(o.Status, role).ToList(),
            !readOnly && role == Roles.Vendor && o.Status is OrderStatus.Shipped or OrderStatus.Delivered)
        {
            Role = role, ReadOnly = readOnly, UnitName = o.BudgetUnit!.Name, PaymentMethod = o.PaymentMethod,
            VendorAccount = new Payments.PaymentService.BankAccount(o.Vendor.BankName, o.Vendor.BankAccountName, o.Vendor.BankAccountNumber),
            CardEnabled = providers.CardEnabled, Refunded = new Money(o.RefundedFen), Refundable = refundable, Refunds = refundList,
            CanRequestRefund = !readOnly && role == Roles.Buyer && refundable.Fen > 0 && Domain.Orders.RefundRules.RefundableStates.Contains(o.Status),
            Complaints = complaintList,
            CanComplain = !readOnly && role == Roles.Buyer && o.Status is not (OrderStatus.PendingPayment or OrderStatus.Cancelled)
                          && complaintList.All(c => c.Status != Domain.Credit.ComplaintStatus.Open),
        });
    }

    [HttpPost("/orders/{id:long}/{command:regex(^(ConfirmPayment|Ship|ConfirmDelivery|Accept|Evaluate|Cancel)$)}")]
    public async Task<IActionResult> Act(long id, OrderAction command, string? carrier, string? trackingNumber,
        int quality, int delivery, int service, string? comment, string? reason, CancellationToken ct)
    {
        var actor = User.ToActor();
        var task = command switch
        {
            OrderAction.ConfirmPayment => orders.ConfirmPaymentAsync(actor, id, ct),
            OrderAction.Ship => orders.ShipAsync(actor, id, carrier, trackingNumber, ct),
            OrderAction.ConfirmDelivery => orders.ConfirmDeliveryAsync(actor, id, ct),
            OrderAction.Accept => orders.AcceptAsync(actor, id, ct),
            OrderAction.Evaluate => orders.EvaluateAsync(actor, id, new Evaluation(quality, delivery, service, comment), ct),
            _ => orders.CancelAsync(actor, id, reason, ct),
        };
        await task;
        return Redirect($"/orders/{id}");
    }

    [HttpPost("/orders/{id:long}/invoice")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Upload)]
    [RequestSizeLimit(11 * 1024 * 1024)]
    public async Task<IActionResult> UploadInvoice(long id, IFormFile? invoice, CancellationToken ct)
    {
        if (!await Visible().AnyAsync(o => o.Id == id, ct)) return NotFound();
        if (invoice is null) throw new DomainException("请选择发票文件", "Choose the invoice file.");
        if (invoice.Length > InvoiceStore.MaxBytes) throw new ImageRejectedException("发票文件不能超过10MB", "The invoice may be at most 10 MB.");
        using var buffer = new MemoryStream();
        await invoice.CopyToAsync(buffer, ct);
        var key = await invoices.SaveAsync(buffer.ToArray(), ct);
        try
        {
            await orders.AttachInvoiceAsync(User.ToActor(), id, key, ct);
        }
        catch
        {
            invoices.Delete(key); // refused (wrong side, wrong state): the file goes with the request
            throw;
        }
        return Redirect($"/orders/{id}");
    }

    [HttpGet("/orders/{id:long}/invoice")]
    [Authorize(Roles = Roles.Buyer + "," + Roles.Vendor + "," + Roles.PlatformAdmin)]
    public async Task<IActionResult> Invoice(long id, CancellationToken ct)
    {
        var key = await Visible().Where(o => o.Id == id).Select(o => o.InvoiceKey).FirstOrDefaultAsync(ct);
        // A parent unit reads its subordinate units' orders (read-only), invoices included, as the order page shows them.
        if (key is null && User.ToActor() is { UnitId: { } unit } actor && actor.Is(Roles.Buyer))
        {
            var subordinates = await UnitTree.SubordinatesAsync(db, unit, ct);
            key = await db.Orders.AsNoTracking().Where(o => o.Id == id && subordinates.Contains(o.BudgetUnitId)).Select(o => o.InvoiceKey).FirstOrDefaultAsync(ct);
        }
        if (key is null || await invoices.OpenAsync(key, ct) is not { } file) return NotFound();
        Response.Headers.CacheControl = "private, no-store";
        return File(file.Stream, file.ContentType);
    }

    [HttpGet("/vendor/orders")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> Incoming(OrderStatus? status, string? month, long? before, CancellationToken ct)
    {
        var (rows, next) = await OrderLists.PageAsync(Visible(), status, month, before, ct);
        return View("Orders", new OrdersViewModel(rows, status, month, false, false, "/vendor/orders", next));
    }
}
