using Bogus;
using Marketplace.Data.Entities;
using Marketplace.Domain.Credit;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;

namespace Marketplace.Seed;

/// <summary>A listed product as the trade generator needs it.</summary>
public sealed record TradeProduct(int Id, int VendorId, string Name, string Specification, string Unit, long PriceFen);

public sealed record TradeDemoData(
    IReadOnlyList<Order> Orders, IReadOnlyList<OrderLine> Lines, IReadOnlyList<OrderHistory> History, IReadOnlyList<RefundRequest> Refunds,
    IReadOnlyList<Complaint> Complaints, IReadOnlyList<QuotaLedgerEntry> Credits);

/// <summary>
/// The demo's trade history over the last ten months, from a fixed seed: orders from the units to most vendors, carried
/// through payment, shipping, invoice, acceptance and evaluation — with each vendor's habits (most ship within a day or
/// two and are rated well, some are slower, a few are late, refund often, lose disputes and draw upheld complaints) —
/// so that vendor credit, pavilion and public sales have facts to show from the first start. Every completed order has
/// its one ledger credit (net of what was refunded before completion); a wholly refunded order has none. Demo orders
/// share one demo invoice file (<see cref="DemoInvoiceKey"/>, written by the app at start).
/// </summary>
public sealed class TradeDemoGenerator(IReadOnlyList<int> vendorIds, IReadOnlyList<int> unitIds, IReadOnlyList<TradeProduct> products, DateTime nowUtc, int seed)
{
    /// <summary>The storage key every demo order's invoice points at (a key the invoice store accepts).</summary>
    public const string DemoInvoiceKey = "00000000000000000000000000000832.pdf";

    /// <summary>A one-page PDF saying it is a demo invoice.</summary>
    public static byte[] DemoInvoicePdf()
    {
        const string text = "BT /F1 18 Tf 72 720 Td (Demo invoice - not a real fapiao) Tj ET";
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {text.Length} >>\nstream\n{text}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var sb = new System.Text.StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(sb.Length);
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = sb.Length;
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return System.Text.Encoding.ASCII.GetBytes(sb.ToString());
    }

    private enum Habit { Good, Slow, Poor }

    public TradeDemoData Generate()
    {
        var f = new Faker("zh_CN") { Random = new Randomizer(seed * 7919 + 500) };
        var byVendor = products.GroupBy(p => p.VendorId).ToDictionary(g => g.Key, g => g.ToList());
        var orders = new List<Order>();
        var lines = new List<OrderLine>();
        var history = new List<OrderHistory>();
        var refunds = new List<RefundRequest>();
        var complaints = new List<Complaint>();
        var credits = new List<QuotaLedgerEntry>();
        if (unitIds.Count == 0) return new TradeDemoData(orders, lines, history, refunds, complaints, credits);
        long orderId = 0, lineId = 0, historyId = 0, refundId = 0, complaintId = 0;

        foreach (var vendorId in vendorIds)
        {
            if (!byVendor.TryGetValue(vendorId, out var catalogue) || f.Random.Double() < 0.2) continue; // some vendors have not sold yet
            var habit = f.Random.Double() switch { < 0.7 => Habit.Good, < 0.9 => Habit.Slow, _ => Habit.Poor };
            var count = f.Random.WeightedRandom([2, 4, 8, 15, 30], [0.1f, 0.15f, 0.3f, 0.3f, 0.15f]) + f.Random.Int(0, 3);
            for (var n = 0; n < count; n++)
            {
                var id = ++orderId;
                var placed = nowUtc.AddDays(-f.Random.Double(45, 330)).AddSeconds(-f.Random.Int(0, 86_399));
                placed = new DateTime(placed.Ticks - placed.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
                var unit = unitIds[f.Random.Int(0, unitIds.Count - 1)];
                var order = new Order
                {
                    Id = id, Number = $"{placed.AddHours(8):yyyyMMdd}9{id:D7}", BudgetUnitId = unit, BuyerUserId = "seed", VendorId = vendorId,
                    PaymentCode = $"DM{id:D8}", DeliveryAddress = f.Address.FullAddress() + " 机关食堂", CanteenContact = f.Name.FullName(),
                    ContactPhone = "1" + f.Random.ReplaceNumbers("##########"), PlacedAt = placed, PaymentMethod = PaymentMethod.BankTransfer,
                };
                foreach (var p in f.PickRandom(catalogue, Math.Min(catalogue.Count, f.Random.Int(1, 3))))
                {
                    var quantity = f.Random.WeightedRandom([2, 5, 10, 20, 50], [0.2f, 0.3f, 0.25f, 0.15f, 0.1f]);
                    lines.Add(new OrderLine
                    {
                        Id = ++lineId, OrderId = id, ProductId = p.Id, ProductName = p.Name, Specification = p.Specification, Unit = p.Unit,
                        UnitPriceFen = p.PriceFen, Quantity = quantity, LineTotalFen = p.PriceFen * quantity,
                    });
                    order.TotalFen += p.PriceFen * quantity;
                }
                void Step(OrderStatus from, OrderStatus to, string action, string actor, DateTime at, string? reason = null) =>
                    history.Add(new OrderHistory { Id = ++historyId, OrderId = id, From = from, To = to, Action = action, ActorUserId = "seed", ActorName = actor, At = at, Reason = reason });

                var paid = placed.AddHours(f.Random.Double(0.2, 20));
                order.PaidFen = order.TotalFen;
                order.PaidAt = paid;
                Step(OrderStatus.PendingPayment, OrderStatus.Paid, nameof(OrderAction.ConfirmPayment), "供应商 / vendor", paid);
                var shipHours = habit switch { Habit.Good => f.Random.Double(2, 40), Habit.Slow => f.Random.Double(12, 72), _ => f.Random.Double(24, 130) };
                var shipped = paid.AddHours(shipHours);
                (order.ShippedAt, order.Carrier, order.TrackingNumber) = (shipped, f.PickRandom("顺丰速运", "中国邮政", "京东物流", "德邦快递"), $"SF{id:D12}");
                Step(OrderStatus.Paid, OrderStatus.Shipped, nameof(OrderAction.Ship), "供应商 / vendor", shipped);
                var invoiceDays = habit switch { Habit.Good => f.Random.Double(0, 5), Habit.Slow => f.Random.Double(1, 9), _ => f.Random.Double(2, 16) };
                order.InvoiceUploadedAt = shipped.AddDays(invoiceDays);
                order.InvoiceKey = DemoInvoiceKey;
                var delivered = shipped.AddHours(f.Random.Double(20, 96));
                Step(OrderStatus.Shipped, OrderStatus.Delivered, nameof(OrderAction.ConfirmDelivery), "采购单位 / buyer", delivered);
                var at = new[] { delivered, order.InvoiceUploadedAt.Value }.Max().AddHours(f.Random.Double(1, 48));

                // A refund before acceptance (part of the money, or all of it), sometimes disputed and lost.
                var refundChance = habit switch { Habit.Good => 0.03, Habit.Slow => 0.08, _ => 0.25 };
                if (f.Random.Double() < refundChance)
                {
                    var whole = f.Random.Double() < 0.3;
                    var amount = whole ? order.PaidFen : Math.Max(100, order.PaidFen * f.Random.Int(5, 40) / 100);
                    var disputed = f.Random.Double() < (habit == Habit.Poor ? 0.5 : 0.15);
                    refunds.Add(new RefundRequest
                    {
                        Id = ++refundId, OrderId = id, AmountFen = amount, Reason = f.PickRandom("部分货品破损", "品质与描述不符", "数量短缺", "临近保质期"),
                        Status = RefundStatus.Refunded, RequestedByUserId = "seed", RequestedAt = delivered.AddHours(2),
                        VendorNote = disputed ? "对破损情况有异议" : "同意退款", ArbitrationNote = disputed ? "经核实照片，支持退款" : null,
                        PayoutReference = $"TK{refundId:D10}", RefundedAt = at.AddHours(-0.5),
                    });
                    order.RefundedFen = amount;
                    Step(OrderStatus.Delivered, OrderStatus.Delivered, "Refunded", "系统 / system", at.AddHours(-0.5), $"{new Domain.Money(amount)}");
                    if (whole)
                    {
                        order.Status = OrderStatus.Refunded;
                        Step(OrderStatus.Delivered, OrderStatus.Refunded, nameof(OrderAction.RefundInFull), "系统 / system", at.AddHours(-0.5));
                        orders.Add(order);
                        continue;
                    }
                }

                order.AcceptedOn = DateOnly.FromDateTime(at.AddHours(8));
                Step(OrderStatus.Delivered, OrderStatus.Accepted, nameof(OrderAction.Accept), "采购单位 / buyer", at);
                var (low, high) = habit switch { Habit.Good => (4, 5), Habit.Slow => (3, 5), _ => (2, 4) };
                (order.RatingQuality, order.RatingDelivery, order.RatingService) = (f.Random.Int(low, high), f.Random.Int(low, high), f.Random.Int(low, high));
                order.EvaluationComment = f.Random.Double() < 0.5 ? f.PickRandom("米质好，食堂反映不错", "包装结实，送货及时", "口感正宗，下次再订", "发货稍慢，品质可以", "整体满意") : null;
                order.Status = OrderStatus.Completed;
                Step(OrderStatus.Accepted, OrderStatus.Completed, nameof(OrderAction.Evaluate), "采购单位 / buyer", at.AddHours(0.2));
                var credited = order.PaidFen - order.RefundedFen;
                if (credited > 0)
                    credits.Add(new QuotaLedgerEntry
                    {
                        BudgetUnitId = unit, Year = order.AcceptedOn.Value.Year, Kind = LedgerEntryKind.OrderCredit, AmountFen = credited, On = order.AcceptedOn.Value,
                        SourceKey = $"order:{id}:completed", OrderId = id, CreatedBy = "system", CreatedAt = at.AddHours(0.3),
                    });
                if (habit == Habit.Poor && f.Random.Double() < 0.15)
                    complaints.Add(new Complaint
                    {
                        Id = ++complaintId, OrderId = id, VendorId = vendorId, Reason = f.PickRandom("多次催促仍未按时发货", "货品与合同约定规格不符"),
                        Status = ComplaintStatus.Upheld, FiledByUserId = "seed", FiledAt = at.AddDays(1), RulingNote = "经核实，投诉属实",
                        RuledByName = "平台运营", RuledAt = at.AddDays(3),
                    });
                orders.Add(order);
            }
        }
        return new TradeDemoData(orders, lines, history, refunds, complaints, credits);
    }
}
