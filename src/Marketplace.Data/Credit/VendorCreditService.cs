using System.Text.Json;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Credit;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data.Credit;

/// <summary>Outbox payload: recompute one vendor's credit (an order of theirs completed, a refund settled, a ruling).</summary>
public sealed record VendorCreditDue(int VendorId, string Trigger);

/// <summary>
/// Gathers each vendor's <see cref="CreditFacts"/> from the database over the rolling window and stores the result of
/// <see cref="CreditPolicy"/> on the vendor. A change of grade is kept in the append-only history, tells the vendor,
/// and puts the vendor's listed products on the change feed (search filters, sorts and boosts by grade).
/// </summary>
public sealed class VendorCreditService(MarketplaceDbContext db, TimeProvider clock)
{
    public const string DueType = nameof(VendorCreditDue);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Adds the outbox message that recomputes the vendor's credit to the caller's unit of work.</summary>
    public static void Enqueue(MarketplaceDbContext db, int vendorId, string trigger, DateTime now) =>
        db.Outbox.Add(new OutboxMessage
        {
            Type = DueType, CreatedAt = now, Payload = JsonSerializer.Serialize(new VendorCreditDue(vendorId, trigger), OutboxDispatcher.Json),
        });

    /// <summary>The facts of the given vendors (all vendors with orders when null), streamed in one pass over the window's orders.</summary>
    public async Task<Dictionary<int, CreditFacts>> FactsAsync(IReadOnlyCollection<int>? vendorIds, CancellationToken ct)
    {
        var now = Now;
        var start = CreditPolicy.WindowStart(now);
        var orders = db.Orders.AsNoTracking().Where(o => o.PaidAt != null && o.PaidAt >= start);
        if (vendorIds is not null) orders = orders.Where(o => vendorIds.Contains(o.VendorId));
        var rows = orders.Select(o => new
        {
            o.VendorId, PaidAt = o.PaidAt!.Value, o.ShippedAt, o.InvoiceUploadedAt, o.AcceptedOn, o.PaidFen, o.RefundedFen,
            o.RatingQuality, o.RatingDelivery, o.RatingService,
            RefundAsked = db.RefundRequests.Any(r => r.OrderId == o.Id),
            DisputesLost = db.RefundRequests.Count(r => r.OrderId == o.Id && r.ArbitrationNote != null
                                                        && (r.Status == RefundStatus.Approved || r.Status == RefundStatus.Refunded)),
        });
        var facts = new Dictionary<int, CreditFacts>();
        await foreach (var o in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var f = facts.GetValueOrDefault(o.VendorId) ?? new CreditFacts();
            var (shipDue, shipLate) = CreditPolicy.Shipment(o.PaidAt, o.ShippedAt, now);
            var (invoiceDue, invoiceLate) = o.ShippedAt is { } shipped ? CreditPolicy.Invoice(shipped, o.InvoiceUploadedAt, now) : (false, false);
            var evaluated = o.RatingQuality is not null && o.RatingDelivery is not null && o.RatingService is not null;
            facts[o.VendorId] = f with
            {
                PaidOrders = f.PaidOrders + 1, PaidFen = f.PaidFen + o.PaidFen, RefundedFen = f.RefundedFen + o.RefundedFen,
                EvaluatedOrders = f.EvaluatedOrders + (evaluated ? 1 : 0),
                QualitySum = f.QualitySum + (evaluated ? o.RatingQuality!.Value : 0),
                DeliverySum = f.DeliverySum + (evaluated ? o.RatingDelivery!.Value : 0),
                ServiceSum = f.ServiceSum + (evaluated ? o.RatingService!.Value : 0),
                ShipmentsDue = f.ShipmentsDue + (shipDue ? 1 : 0), ShipmentsLate = f.ShipmentsLate + (shipLate ? 1 : 0),
                InvoicesDue = f.InvoicesDue + (invoiceDue ? 1 : 0), InvoicesLate = f.InvoicesLate + (invoiceLate ? 1 : 0),
                AcceptedOrders = f.AcceptedOrders + (o.AcceptedOn is not null ? 1 : 0),
                AcceptedWithRefundRequest = f.AcceptedWithRefundRequest + (o.AcceptedOn is not null && o.RefundAsked ? 1 : 0),
                DisputesLost = f.DisputesLost + o.DisputesLost,
            };
        }
        var complaints = db.Complaints.AsNoTracking().Where(c => c.Status == ComplaintStatus.Upheld && c.RuledAt >= start);
        if (vendorIds is not null) complaints = complaints.Where(c => vendorIds.Contains(c.VendorId));
        foreach (var c in await complaints.GroupBy(c => c.VendorId).Select(g => new { VendorId = g.Key, Count = g.Count() }).ToListAsync(ct))
            facts[c.VendorId] = (facts.GetValueOrDefault(c.VendorId) ?? new CreditFacts()) with { ComplaintsUpheld = c.Count };
        return facts;
    }

    /// <summary>One vendor's score as it stands now, with every part explained (the vendor's portal, the platform).</summary>
    public async Task<CreditResult> ExplainAsync(int vendorId, CancellationToken ct) =>
        CreditPolicy.Evaluate((await FactsAsync([vendorId], ct)).GetValueOrDefault(vendorId) ?? new CreditFacts());

    /// <summary>Recomputes the given vendors and saves; returns how many changed grade.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<int> vendorIds, string trigger, CancellationToken ct)
    {
        if (vendorIds.Count == 0) return 0;
        var facts = await FactsAsync(vendorIds, ct);
        var changed = 0;
        await db.InTransactionAsync(async () =>
        {
            var now = Now;
            var vendors = await db.Vendors.Where(v => vendorIds.Contains(v.Id)).ToListAsync(ct);
            var regraded = new List<int>();
            foreach (var v in vendors)
            {
                var f = facts.GetValueOrDefault(v.Id) ?? new CreditFacts();
                var result = CreditPolicy.Evaluate(f);
                if (result.Grade != v.CreditGrade)
                {
                    db.VendorCreditChanges.Add(new VendorCreditChange
                    {
                        VendorId = v.Id, From = v.CreditGrade, To = result.Grade, ScoreTenths = result.ScoreTenths, PaidOrders = f.PaidOrders,
                        Trigger = trigger.Length > 200 ? trigger[..200] : trigger, At = now,
                    });
                    db.Notifications.Add(new Notification
                    {
                        VendorId = v.Id, Link = "/vendor/credit", SenderName = "平台 / platform", CreatedAt = now,
                        Title = $"信用等级：{CreditPolicy.Label(v.CreditGrade)} → {CreditPolicy.Label(result.Grade)} / Credit: {CreditPolicy.LabelEn(v.CreditGrade)} → {CreditPolicy.LabelEn(result.Grade)}",
                        Body = $"信用分{result.Score:0.0}，详见信用页 / Score {result.Score:0.0}; see the credit page for what counts.",
                    });
                    regraded.Add(v.Id);
                    v.CreditGrade = result.Grade;
                }
                v.CreditScoreTenths = result.ScoreTenths;
                v.CreditComputedAt = now;
            }
            // The grade is on every product document of the vendor: put them on the change feed.
            if (regraded.Count > 0)
            {
                var products = await db.Products.AsNoTracking().Where(p => regraded.Contains(p.VendorId) && p.Status == ProductStatus.Listed)
                    .Select(p => p.Id).ToListAsync(ct);
                db.ProductChanges.AddRange(products.Select(id => new ProductChange { ProductId = id, At = now }));
            }
            await db.SaveChangesAsync(ct);
            changed = regraded.Count;
            return 0;
        }, ct);
        return changed;
    }

    /// <summary>
    /// The nightly full recomputation, in batches: every vendor not computed since <paramref name="since"/> (so a run cut
    /// short goes on where it stopped, and a vendor recomputed meanwhile by an event is not done twice).
    /// </summary>
    public async Task<(int Vendors, int Regraded)> RecomputeStaleAsync(DateTime since, int batch, CancellationToken ct)
    {
        int vendors = 0, regraded = 0, after = 0;
        while (!ct.IsCancellationRequested)
        {
            // Keyset over the ids: each vendor once per run, even when "since" is later than the computation's own time.
            var ids = await db.Vendors.AsNoTracking()
                .Where(v => v.Id > after && (v.Status == VendorStatus.Active || v.Status == VendorStatus.Suspended) && (v.CreditComputedAt == null || v.CreditComputedAt < since))
                .OrderBy(v => v.Id).Select(v => v.Id).Take(batch).ToListAsync(ct);
            if (ids.Count == 0) break;
            after = ids[^1];
            regraded += await RecomputeAsync(ids, "每日重算 / nightly", ct);
            vendors += ids.Count;
            db.ChangeTracker.Clear();
        }
        return (vendors, regraded);
    }
}
