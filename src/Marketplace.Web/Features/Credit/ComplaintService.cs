using Marketplace.Data;
using Marketplace.Data.Credit;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Credit;
using Marketplace.Web.Features.Buying;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Credit;

public sealed record ComplaintView(long Id, long OrderId, string OrderNumber, string VendorName, string Reason, ComplaintStatus Status,
    DateTime FiledAt, string? RulingNote, string? RuledByName, DateTime? RuledAt);

/// <summary>Buyers' complaints about orders and the platform's rulings (an upheld one counts against the vendor's credit).</summary>
public sealed class ComplaintService(MarketplaceDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task FileAsync(Actor actor, long orderId, string? reason, CancellationToken ct)
    {
        if (!actor.Is(Roles.Buyer)) throw new ForbiddenException("只有采购单位可以投诉", "Only the buying unit can complain.");
        await db.InTransactionAsync(async () =>
        {
            // Only the unit's own orders (a parent unit reads its subordinates' orders but does not act on them).
            var order = await db.Orders.VisibleTo(actor).Where(o => o.Id == orderId && o.BudgetUnitId == actor.UnitId).FirstOrDefaultAsync(ct)
                        ?? throw new NotFoundException();
            var open = await db.Complaints.AnyAsync(c => c.OrderId == orderId && c.Status == ComplaintStatus.Open, ct);
            ComplaintRules.CheckFiling(order.Status, open, reason);
            db.Complaints.Add(new Complaint
            {
                OrderId = order.Id, VendorId = order.VendorId, Reason = reason!.Trim(), Status = ComplaintStatus.Open, FiledByUserId = actor.UserId, FiledAt = Now,
            });
            db.Notifications.AddRange(OrderNotifications.About(order, actor, $"订单{order.Number}收到投诉 / Complaint about order {order.Number}", reason.Trim(), Now));
            await db.SaveChangesAsync(ct);
        }, ct);
    }

    public async Task RuleAsync(Actor admin, long complaintId, bool uphold, string? note, CancellationToken ct)
    {
        if (!admin.Is(Roles.PlatformAdmin)) throw new ForbiddenException("只有平台可以裁定投诉", "Only the platform rules on complaints.");
        await db.InTransactionAsync(async () =>
        {
            var complaint = await db.Complaints.Include(c => c.Order).FirstOrDefaultAsync(c => c.Id == complaintId, ct) ?? throw new NotFoundException();
            complaint.Status = ComplaintRules.Rule(complaint.Status, uphold, note);
            complaint.RulingNote = note!.Trim();
            complaint.RuledByName = admin.Name.Length > 100 ? admin.Name[..100] : admin.Name;
            complaint.RuledAt = Now;
            var order = complaint.Order!;
            var (zh, en) = uphold ? ("投诉成立", "complaint upheld") : ("投诉不成立", "complaint dismissed");
            db.Notifications.AddRange(OrderNotifications.About(order, admin, $"订单{order.Number}{zh} / Order {order.Number}: {en}", complaint.RulingNote, Now));
            if (uphold) VendorCreditService.Enqueue(db, order.VendorId, $"订单{order.Number}投诉成立 / order {order.Number} complaint upheld", Now);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new DomainException("投诉已被他人处理，请刷新", "The complaint was ruled on meanwhile; reload."); }
        }, ct);
    }

    /// <summary>Complaints this user may see (the platform all; a vendor its own; a unit those about its orders), optionally of one order.</summary>
    public Task<IReadOnlyList<ComplaintView>> ListAsync(Actor actor, ComplaintStatus? status, long? orderId, CancellationToken ct)
    {
        var visible = db.Orders.VisibleTo(actor).Select(o => o.Id);
        var q = db.Complaints.Where(c => visible.Contains(c.OrderId));
        if (status is { } s) q = q.Where(c => c.Status == s);
        if (orderId is { } id) q = q.Where(c => c.OrderId == id);
        return ViewsAsync(q, 200, ct);
    }

    /// <summary>The complaints about one vendor (its credit page, for the vendor and the platform), newest first.</summary>
    public Task<IReadOnlyList<ComplaintView>> AboutVendorAsync(int vendorId, CancellationToken ct) =>
        ViewsAsync(db.Complaints.Where(c => c.VendorId == vendorId), 50, ct);

    private static async Task<IReadOnlyList<ComplaintView>> ViewsAsync(IQueryable<Complaint> q, int take, CancellationToken ct) =>
        await q.AsNoTracking().OrderByDescending(c => c.Id).Take(take)
            .Select(c => new ComplaintView(c.Id, c.OrderId, c.Order!.Number, c.Order.Vendor!.Name, c.Reason, c.Status, c.FiledAt, c.RulingNote, c.RuledByName, c.RuledAt))
            .ToListAsync(ct);
}
