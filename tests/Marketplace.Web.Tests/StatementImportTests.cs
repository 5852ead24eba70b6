using System.Net;
using System.Text;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public class StatementImportTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private readonly OrderDriver _orders = new(app);

    private static byte[] Csv(params string[] rows) => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("交易流水号,交易日期,金额(元),对方户名,摘要\r\n" + string.Join("\r\n", rows))).ToArray();

    private static string Yuan(long fen) => new Marketplace.Domain.Money(fen).ToYuanString();

    [Fact]
    public async Task A_statement_confirms_exact_matches_and_flags_everything_else_once()
    {
        var buyer = await app.SignedInAsync("buyer");
        var exact = await _orders.PlaceAsync(buyer);
        var short_ = await _orders.PlaceAsync(buyer);
        var twice = await _orders.PlaceAsync(buyer);
        var vendor = await app.SignedInAsync("vendor");
        var tag = Guid.NewGuid().ToString("N")[..8];

        var file = Csv(
            $"A{tag}1,2026-11-20,{Yuan(exact.TotalFen)},某某中学,货款 识别码{exact.PaymentCode}",
            $"A{tag}2,2026-11-20,{Yuan(short_.TotalFen - 100)},某某中学,{short_.PaymentCode.ToLowerInvariant()} 货款",
            $"A{tag}3,2026-11-21,{Yuan(twice.TotalFen)},某某中学,{twice.PaymentCode}",
            $"A{tag}4,2026-11-21,{Yuan(twice.TotalFen)},某某中学,{twice.PaymentCode} 重复转账",
            $"A{tag}5,2026-11-21,88.00,路人甲,没有识别码",
            $"A{tag}6,2026-11-22,-12.00,快递公司,运费");
        var response = await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("statement.csv", file));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        string? Outcome(string id) => page.QuerySelector($".import-result tr[data-transaction='{id}']")?.GetAttribute("data-outcome");
        Assert.Equal(nameof(StatementOutcome.Confirmed), Outcome($"A{tag}1"));
        Assert.Equal(nameof(StatementOutcome.AmountMismatch), Outcome($"A{tag}2"));
        Assert.Equal(nameof(StatementOutcome.Confirmed), Outcome($"A{tag}3"));
        Assert.Equal(nameof(StatementOutcome.DuplicatePayment), Outcome($"A{tag}4"));
        Assert.Equal(nameof(StatementOutcome.UnknownCode), Outcome($"A{tag}5"));
        Assert.Null(Outcome($"A{tag}6")); // outgoing: skipped

        async Task<(OrderStatus, long)> State(long id) => await app.Db(db => db.Orders.Where(o => o.Id == id).Select(o => new ValueTuple<OrderStatus, long>(o.Status, o.PaidFen)).FirstAsync());
        Assert.Equal((OrderStatus.Paid, exact.TotalFen), await State(exact.Id));
        Assert.Equal((OrderStatus.PendingPayment, 0L), await State(short_.Id));
        Assert.Equal((OrderStatus.Paid, twice.TotalFen), await State(twice.Id));
        // The buying unit is told about the short and the double payment.
        Assert.True(await app.Db(db => db.Notifications.AnyAsync(n => n.Link == $"/orders/{short_.Id}" && n.BudgetUnitId != null && n.Title.Contains("异常"))));
        Assert.True(await app.Db(db => db.Notifications.AnyAsync(n => n.Link == $"/orders/{twice.Id}" && n.BudgetUnitId != null && n.Title.Contains("异常"))));

        // The same statement again: every line is recognised, nothing is confirmed or stored twice.
        var history = await app.Db(db => db.OrderHistory.CountAsync());
        var again = Html.Parse(await (await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("statement.csv", file))).Content.ReadAsStringAsync());
        Assert.All(again.QuerySelectorAll(".import-result tr[data-transaction]"), tr => Assert.Equal(nameof(StatementOutcome.AlreadyImported), tr.GetAttribute("data-outcome")));
        Assert.Equal(history, await app.Db(db => db.OrderHistory.CountAsync()));
        Assert.Equal(5, await app.Db(db => db.BankStatementLines.CountAsync(l => l.TransactionId.StartsWith("A" + tag))));

        // Flagged lines stay visible for the vendor to deal with.
        var flagged = await vendor.GetPageAsync("/vendor/payments?flagged=true");
        Assert.NotNull(flagged.QuerySelector($"tr[data-transaction='A{tag}2'].flagged"));
        Assert.Null(flagged.QuerySelector($"tr[data-transaction='A{tag}1']"));
    }

    [Fact]
    public async Task A_malformed_statement_is_refused_with_its_row_and_nothing_is_confirmed()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        var vendor = await app.SignedInAsync("vendor");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Csv($"B{tag}1,2026-11-20,{Yuan(order.TotalFen)},某某中学,{order.PaymentCode}", $"B{tag}2,昨天,10.00,某某中学,x");
        var response = await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("statement.csv", file));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("第3行", body);
        var english = await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import?culture=en&ui-culture=en", "statement", ("statement.csv", file));
        Assert.Contains("Row 3", await english.Content.ReadAsStringAsync());
        Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
        Assert.False(await app.Db(db => db.BankStatementLines.AnyAsync(l => l.TransactionId.StartsWith("B" + tag))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("x.csv", [0xFF, 0xFE, 0x00, 0xD8]))).StatusCode);
        // Buyers cannot import statements.
        Assert.Contains("/account/denied", (await buyer.PostFilesAsync("/orders", "/vendor/payments/import", "statement", ("statement.csv", file))).Headers.Location!.ToString());
        Assert.False(await app.Db(db => db.BankStatementLines.AnyAsync(l => l.TransactionId.StartsWith("B" + tag))));
    }

    [Fact]
    public async Task A_gbk_statement_is_read_and_another_vendors_code_matches_nothing()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        // Another vendor imports a statement quoting the demo vendor's order code: not theirs to confirm.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var gbk = Encoding.GetEncoding("GB18030").GetBytes($"交易流水号,交易日期,金额,付款人,附言\r\nC{tag},2026-11-20,{Yuan(order.TotalFen)},某某中学,{order.PaymentCode}\r\n");
        var vendor = await app.SignedInAsync("vendor");
        {
            var other = await _orders.OtherVendorAsync();
            var foreign = Html.Parse(await (await other.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("s.csv", gbk))).Content.ReadAsStringAsync());
            Assert.Equal(nameof(StatementOutcome.UnknownCode), foreign.QuerySelector($"tr[data-transaction='C{tag}']")!.GetAttribute("data-outcome"));
            Assert.Equal(OrderStatus.PendingPayment, await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync()));
        }
        var page = Html.Parse(await (await vendor.PostFilesAsync("/vendor/payments", "/vendor/payments/import", "statement", ("s.csv", gbk))).Content.ReadAsStringAsync());
        Assert.Equal(nameof(StatementOutcome.Confirmed), page.QuerySelector($"tr[data-transaction='C{tag}']")!.GetAttribute("data-outcome"));
        Assert.Contains("某某中学", page.QuerySelector($"tr[data-transaction='C{tag}']")!.TextContent);
    }
}
