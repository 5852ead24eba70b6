using Marketplace.Domain.Credit;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public sealed class TradeAppFactory : MarketplaceAppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Seed:Trade"] = "true";
            s["Seed:Quota"] = "true";
            return s;
        }
    }
}

/// <summary>The demo's trade history: consistent with the ledger, and the vendors graded from it at the first start.</summary>
public class DemoTradeTests(TradeAppFactory app) : IClassFixture<TradeAppFactory>
{
    [Fact]
    public async Task Every_seeded_completed_order_has_one_ledger_credit_and_the_vendors_are_graded_from_their_history()
    {
        var orders = await app.Db(db => db.Orders.AsNoTracking().Select(o => new { o.Id, o.Status, o.PaidFen, o.RefundedFen, o.AcceptedOn, o.PlacedAt, o.ShippedAt, o.InvoiceUploadedAt }).ToListAsync());
        Assert.True(orders.Count > 50, $"{orders.Count} orders");
        Assert.All(orders, o => Assert.True(o.Status is OrderStatus.Completed or OrderStatus.Refunded));
        Assert.All(orders, o => Assert.True(o.PlacedAt < DateTime.UtcNow && o.ShippedAt > o.PlacedAt && o.InvoiceUploadedAt >= o.ShippedAt));
        var credits = await app.Db(db => db.QuotaLedgerEntries.AsNoTracking().Where(e => e.OrderId != null)
            .Select(e => new { OrderId = e.OrderId!.Value, e.Kind, e.AmountFen }).ToListAsync());
        foreach (var o in orders)
        {
            var mine = credits.Where(c => c.OrderId == o.Id).ToList();
            if (o.Status == OrderStatus.Refunded) Assert.Empty(mine);
            else Assert.Equal((LedgerEntryKind.OrderCredit, o.PaidFen - o.RefundedFen), (Assert.Single(mine).Kind, mine[0].AmountFen));
        }
        // The month totals the dashboards read add up to the ledger's lines.
        var lines = await app.Db(db => db.QuotaLedgerEntries.GroupBy(e => e.BudgetUnitId).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountFen) }).ToDictionaryAsync(g => g.Key, g => g.Sum));
        var months = await app.Db(db => db.QuotaLedgerMonths.GroupBy(e => e.BudgetUnitId).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountFen) }).ToDictionaryAsync(g => g.Key, g => g.Sum));
        Assert.Equal(lines.OrderBy(kv => kv.Key), months.OrderBy(kv => kv.Key));

        // The rating totals kept on vendors (for their shop pages) equal their evaluated orders after the bulk seed.
        var vendorTotals = await app.Db(db => db.Vendors.Where(v => v.RatingCount > 0).ToDictionaryAsync(v => v.Id, v => (long)v.RatingCount * 1_000_000 + v.RatingQualitySum));
        var fromOrders = await app.Db(db => db.Orders.Where(o => o.RatingQuality != null).GroupBy(o => o.VendorId)
            .Select(g => new { g.Key, Count = g.Count(), Sum = g.Sum(o => (long)o.RatingQuality!.Value) }).ToDictionaryAsync(g => g.Key, g => g.Count * 1_000_000L + g.Sum));
        Assert.NotEmpty(fromOrders);
        Assert.Equal(fromOrders.OrderBy(kv => kv.Key), vendorTotals.OrderBy(kv => kv.Key));

        var grades = await app.Db(db => db.Vendors.Where(v => v.Status == Domain.VendorStatus.Active).Select(v => v.CreditGrade).ToListAsync());
        Assert.Contains(CreditGrade.A, grades);
        Assert.Contains(grades, g => g is CreditGrade.B or CreditGrade.C or CreditGrade.D);
        Assert.Contains(CreditGrade.New, grades);
        Assert.True(await app.Db(db => db.VendorCreditChanges.AnyAsync()));
        var admin = await app.SignedInAsync("admin");
        var page = await admin.GetPageAsync("/admin/credit?grade=A");
        Assert.NotEmpty(page.QuerySelectorAll("tr[data-grade=A]"));
        // Their invoice opens (one demo PDF shared by the demo orders).
        var completed = orders.First(o => o.Status == OrderStatus.Completed);
        var invoice = await admin.GetAsync($"/orders/{completed.Id}/invoice");
        Assert.Equal(System.Net.HttpStatusCode.OK, invoice.StatusCode);
        Assert.Equal("application/pdf", invoice.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await invoice.Content.ReadAsByteArrayAsync())[..5]);
    }
}
