using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Marketplace.Web.Tests;

/// <summary>
/// Stored and reflected XSS (issue 14): every text a vendor, buyer, bank statement or county enters holds markup and a
/// javascript: link; every page that shows it must show it as text, and every export must neutralise spreadsheet formulas.
/// </summary>
public class HostileTextTests(FinanceAppFactory app) : IClassFixture<FinanceAppFactory>
{
    private const string Script = "<script>alert('xss1')</script>";
    private const string Breakout = "\"><img src=x onerror=alert('xss2')>";
    private const string Formula = "=cmd|' /C calc'!A0";
    private const string Hostile = Script + Breakout;

    private static void AssertInert(string url, string body)
    {
        var page = Html.Parse(body);
        Assert.DoesNotContain(page.QuerySelectorAll("script"), s => s.TextContent.Contains("alert("));
        Assert.DoesNotContain(page.QuerySelectorAll("img"), i => i.GetAttribute("src") == "x");
        foreach (var element in page.All)
        {
            Assert.False(element.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)),
                $"{url}: <{element.LocalName}> carries an event handler attribute");
            foreach (var attribute in new[] { "href", "src", "action", "formaction" })
                Assert.False(element.GetAttribute(attribute)?.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) == true,
                    $"{url}: <{element.LocalName} {attribute}> is a javascript: link");
        }
        Assert.DoesNotContain("<script>alert", body);
        Assert.DoesNotContain("<img src=x", body);
    }

    private static async Task SweepAsync(HttpClient client, params string[] urls)
    {
        foreach (var url in urls)
        {
            var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}");
            AssertInert(url, body);
        }
    }

    [Fact]
    public async Task Hostile_names_reasons_memos_and_notifications_render_as_text_everywhere_and_exports_neutralise_formulas()
    {
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var order = await driver.PlaceAsync(buyer);
        await driver.AdvanceAsync(order.Id, OrderStatus.Accepted);

        var (productId, vendorId, unitId, pendingVendorId) = await app.Db(async db =>
        {
            var o = await db.Orders.Include(x => x.Lines).SingleAsync(x => x.Id == order.Id);
            var product = await db.Products.SingleAsync(p => p.Id == o.Lines[0].ProductId);
            product.Name = "渗透大米" + Hostile;
            product.Description = Hostile + "\njavascript:alert('xss3')";
            var vendor = await db.Vendors.SingleAsync(v => v.Id == o.VendorId);
            vendor.Name = Formula + "合作社" + Hostile;
            var unit = await db.BudgetUnits.SingleAsync(u => u.Id == o.BudgetUnitId);
            unit.Name = Formula + "食堂" + Hostile;
            o.EvaluationComment = Hostile;
            // A product waiting for review, a vendor waiting for admission, a disputed refund, a flagged statement line.
            var pending = await db.Products.Where(p => p.VendorId == vendor.Id && p.Id != product.Id).FirstAsync();
            pending.Name = "待审" + Hostile;
            pending.Status = ProductStatus.PendingReview;
            var applicant = await db.Vendors.Where(v => v.Id != vendor.Id && v.Status == VendorStatus.Active).OrderBy(v => v.Id).FirstAsync();
            applicant.Name = "申请" + Hostile;
            applicant.Status = VendorStatus.Submitted;
            var buyerId = await db.Users.Where(u => u.UserName == "buyer").Select(u => u.Id).SingleAsync();
            db.RefundRequests.Add(new RefundRequest
            {
                OrderId = o.Id, AmountFen = 100, Reason = Hostile, Status = RefundStatus.Disputed, RequestedByUserId = buyerId,
                RequestedAt = DateTime.UtcNow, VendorNote = Breakout,
            });
            db.BankStatementLines.Add(new BankStatementLine
            {
                VendorId = vendor.Id, TransactionId = "X" + Guid.NewGuid().ToString("N")[..12], BookedOn = DateOnly.FromDateTime(DateTime.UtcNow),
                AmountFen = 1, Payer = Formula + Script, Memo = Breakout, Outcome = StatementOutcome.UnknownCode, ImportedByUserId = buyerId, ImportedAt = DateTime.UtcNow,
            });
            foreach (var user in await db.Users.Where(u => u.UserName == "buyer" || u.UserName == "vendor" || u.UserName == "admin" || u.UserName == "finance").ToListAsync())
                db.Notifications.Add(new Notification
                {
                    UserId = user.Id, Title = Script, Body = Breakout, Link = "javascript:alert('xss3')", SenderName = Breakout, CreatedAt = DateTime.UtcNow,
                });
            db.Notifications.Add(new Notification { UserId = buyerId, Title = "外链", Body = "x", Link = "//evil.example/phish", SenderName = "x", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            return (product.Id, vendor.Id, unit.Id, applicant.Id);
        });
        await app.SearchCaughtUpAsync();
        var category = await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => p.CategoryId).SingleAsync());

        // The public: storefront and search, including a reflected query.
        var anonymous = app.CreateBrowser();
        await SweepAsync(anonymous, "/", $"/products/{productId}", $"/vendors/{vendorId}", $"/categories/{category}", "/search?q=渗透大米",
            "/search?q=" + Uri.EscapeDataString(Breakout), "/search?q=" + Uri.EscapeDataString(Script) + "&province=" + Uri.EscapeDataString(Breakout),
            "/account/login?returnUrl=" + Uri.EscapeDataString("javascript:alert('xss3')"));
        var search = await anonymous.GetPageAsync("/search?q=渗透大米");
        Assert.Contains("<script>", search.QuerySelector(".card-title")!.TextContent);

        // The portals and the queues.
        await SweepAsync(buyer, "/orders", $"/orders/{order.Id}", "/notifications", "/quota", "/account");
        var vendor = await app.SignedInAsync("vendor");
        await SweepAsync(vendor, "/vendor", "/vendor/products", "/vendor/orders", "/vendor/refunds", "/vendor/payments", $"/orders/{order.Id}", "/notifications");
        var admin = await app.SignedInAsync("admin");
        await SweepAsync(admin, "/admin/products", "/admission/vendors", "/admin/refunds", "/admin/units?q=" + Uri.EscapeDataString("食堂"), $"/admin/units/{unitId}",
            "/admin/users", "/admin/audit", "/notifications", $"/orders/{order.Id}");
        var finance = await app.SignedInAsync("finance");
        await SweepAsync(finance, "/finance", "/finance?filter=lagging&q=" + Uri.EscapeDataString(Breakout), $"/finance/units/{unitId}", "/finance/report", "/quota/region",
            "/admission/vendors");
        // A protocol-relative link in a notification is not followed either.
        Assert.Null((await buyer.GetPageAsync("/notifications")).QuerySelector("a[href^='//']"));

        // Exports: the unit's name is a text cell, never a formula.
        var csv = Encoding.UTF8.GetString(await (await admin.GetAsync("/finance/units.csv?region=0&q=" + Uri.EscapeDataString("食堂"))).Content.ReadAsByteArrayAsync());
        var line = csv.Split("\r\n").Single(l => l.Contains("食堂<script>"));
        Assert.Matches(",\"?'=cmd\\|", line);
        Assert.DoesNotMatch(",\"?=cmd", line);
        var sheet = (await (await admin.GetAsync("/finance/units.xlsx?region=0&q=" + Uri.EscapeDataString("食堂"))).Content.ReadAsStreamAsync())
            .Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(sheet, r => (r["单位名称"] as string)?.EndsWith(Hostile) == true);
        var audit = Encoding.UTF8.GetString(await (await admin.GetAsync("/admin/audit.csv")).Content.ReadAsByteArrayAsync());
        Assert.DoesNotContain("\n=", audit.Replace("\r", ""));
        Assert.DoesNotContain(",=", audit);
        _ = pendingVendorId;
    }
}
