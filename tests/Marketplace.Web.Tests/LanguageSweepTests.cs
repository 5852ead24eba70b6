using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

/// <summary>Every page of every role in Chinese: no English word outside an allow-list (brand names, file formats, units).</summary>
public partial class LanguageSweepTests(FinanceAppFactory app) : IClassFixture<FinanceAppFactory>
{
    [GeneratedRegex(@"(?<![A-Za-z0-9@._-])[A-Za-z]{3,}(?![A-Za-z0-9@._-])")]
    private static partial Regex EnglishWord();

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "English", "CSV", "XLSX", "PDF", "JPEG", "PNG", "WebP", "Stripe", "Demo", "ECharts", "SVG", "GBK", "UTF",
    };

    private static IEnumerable<string> Words(AngleSharp.Html.Dom.IHtmlDocument page)
    {
        // Identifiers (user names) are marked translate="no"; they are data, not interface text.
        foreach (var s in page.QuerySelectorAll("script, style, code, .chart-box, [translate=no]")) s.Remove();
        return EnglishWord().Matches(page.Body!.TextContent).Select(m => m.Value).Where(w => !Allowed.Contains(w)).Distinct();
    }

    [Fact]
    public async Task No_english_words_on_chinese_pages()
    {
        var product = await app.Db(db => db.Products.Where(p => p.Status == Domain.ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var vendor = await app.Db(db => db.Vendors.Where(v => v.Status == Domain.VendorStatus.Active).Select(v => v.Id).FirstAsync());
        var unit = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnitId!.Value).SingleAsync());
        // An order in a state with things to show (shipped, with payment details and steps).
        var driver = new OrderDriver(app);
        var order = await driver.PlaceAsync(await app.SignedInAsync("buyer"));
        await driver.AdvanceAsync(order.Id, Domain.Orders.OrderStatus.Shipped);
        var pages = new Dictionary<string, string[]>
        {
            [""] = ["/", "/categories/1", $"/products/{product}", $"/vendors/{vendor}", "/search?q=大米", "/account/login", "/vendor/apply"],
            ["buyer"] = ["/account", "/cart", "/orders", $"/orders/{order.Id}", "/quota", "/notifications", "/account/password"],
            ["vendor"] = ["/vendor", "/vendor/products", "/vendor/orders", $"/orders/{order.Id}", "/vendor/refunds", "/vendor/payments", "/vendor/staff", "/notifications"],
            ["finance"] = ["/quota/region", "/finance", "/finance/report", $"/finance/units/{unit}", "/admin/units", "/admin/units/import", "/admin/units/tree", "/admin/users", "/admission/vendors"],
            ["admin"] = ["/admin/products", "/admin/refunds", "/admin/audit", "/finance?region=0"],
        };
        var found = new List<string>();
        foreach (var (user, urls) in pages)
        {
            var client = user == "" ? app.CreateBrowser() : await app.SignedInAsync(user);
            foreach (var url in urls)
            {
                var page = await client.GetPageAsync(url);
                found.AddRange(Words(page).Select(w => $"{url} ({(user == "" ? "anonymous" : user)}): {w}"));
            }
        }
        Assert.True(found.Count == 0, "English on Chinese pages:\n" + string.Join("\n", found));

        // The same pages in English render too, with the English interface.
        foreach (var (user, urls) in pages)
        {
            var client = user == "" ? app.CreateBrowser() : await app.SignedInAsync(user);
            await client.GetAsync("/culture/en?returnUrl=/");
            foreach (var url in urls)
            {
                var page = await client.GetPageAsync(url);
                Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
            }
        }
    }
}
