using System.Text;
using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>Each role's journey in real Chromium against the real app (issue 14).</summary>
public class JourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_visitor_searches_rice_filters_by_province_pages_on_and_reads_a_product_in_both_languages()
    {
        var tab = await Tab.OpenAsync(app, "visitor", "anon");
        await tab.GoAsync("/");
        await tab.StepAsync("home");
        await tab.Page.Locator("form[action='/search'] input[name=q]").First.FillAsync("大米");
        await tab.Page.Locator("form[action='/search'] input[name=q]").First.PressAsync("Enter");
        await tab.Page.WaitForURLAsync(u => u.Contains("/search"));
        var total = await Total(tab.Page);
        Assert.True(total > 20, $"大米 finds {total} products");
        Assert.True(await tab.Page.Locator(".card-title mark").CountAsync() > 0, "the query's terms are marked in the results");
        await tab.StepAsync("search");

        var province = tab.Page.Locator(".facet[data-facet=province] a").First;
        var label = (await province.InnerTextAsync()).Trim();
        await province.ClickAsync();
        await tab.Page.WaitForURLAsync(u => u.Contains("province="));
        var filtered = await Total(tab.Page);
        Assert.InRange(filtered, 1, total);
        Assert.True(await tab.Page.Locator(".chips li").CountAsync() > 0, $"a chip shows the filter {label}");
        await tab.StepAsync("province");

        if (filtered > 20)
        {
            await tab.Page.Locator(".pager a[rel=next]").ClickAsync();
            await tab.Page.WaitForLoadStateAsync(LoadState.Load);
            Assert.True(await tab.Page.Locator(".results .card").CountAsync() > 0, "page two lists products");
            await tab.StepAsync("page-two");
        }
        await tab.Page.Locator(".results .card a").First.ClickAsync();
        await tab.Page.WaitForURLAsync(u => u.Contains("/products/"));
        Assert.True(await tab.Page.Locator(".sign-in-to-buy a").CountAsync() > 0, "a visitor is invited to sign in to buy");
        await tab.StepAsync("product");

        // English, by the switch: the same product page in English, then search in English.
        await tab.Page.Locator("a[href^='/culture/en']").First.ClickAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("en", await tab.Page.GetAttributeAsync("html", "lang"));
        await tab.StepAsync("product-en");
        await tab.GoAsync("/search?q=大米");
        Assert.Contains("Results for", await tab.Page.InnerTextAsync("h1"));
        await tab.StepAsync("search-en");
        await tab.CloseAsync();
    }

    private static async Task<long> Total(IPage page) =>
        long.Parse(new string((await page.InnerTextAsync(".results h1 .total")).Where(char.IsAsciiDigit).ToArray()));

    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=大米")]
    [InlineData("/categories/1")]
    [InlineData("/account/login")]
    [InlineData("/vendor/apply")]
    [InlineData("/pavilions")]
    [InlineData("/pavilions/520000")]
    [InlineData("/public/progress")]
    [InlineData("/public/progress/520000")]
    public async Task Public_pages_fit_a_phone(string path)
    {
        var tab = await Tab.OpenAsync(app, "phone", "anon", width: 375, height: 812);
        await tab.GoAsync(path);
        await tab.AssertFitsAsync(path);
        await tab.StepAsync(path.Trim('/').Split('?')[0].Replace('/', '-') is { Length: > 0 } n ? n : "home");
        await tab.CloseAsync();
    }

    [Theory]
    [InlineData("buyer", "/cart")]
    [InlineData("buyer", "/orders")]
    [InlineData("buyer", "/quota")]
    [InlineData("vendor", "/vendor/products")]
    [InlineData("finance", "/finance")]
    [InlineData("vendor", "/vendor/credit")]
    [InlineData("admin", "/admin/credit")]
    public async Task Signed_in_pages_fit_a_phone(string user, string path)
    {
        var tab = await Tab.OpenAsync(app, "phone", user, width: 375, height: 812);
        await tab.SignInAsync(user);
        await tab.GoAsync(path);
        await tab.AssertFitsAsync(path);
        await tab.StepAsync(path.Trim('/').Replace('/', '-'));
        await tab.CloseAsync();
    }

    [Fact]
    public async Task A_buyer_orders_the_vendor_is_paid_and_ships_the_buyer_accepts_and_evaluates_and_the_units_completion_moves()
    {
        var productId = await app.Db(async db =>
        {
            var vendorId = await db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).SingleAsync();
            var p = await db.Products.Where(p => p.VendorId == vendorId && p.Status == ProductStatus.Listed).OrderBy(p => p.Id).FirstAsync();
            p.Stock = Math.Max(p.Stock, 100); p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p.Id;
        });

        var buyer = await Tab.OpenAsync(app, "buying", "buyer");
        await buyer.SignInAsync("buyer");
        await buyer.GoAsync("/quota");
        var before = (await buyer.Page.InnerTextAsync(".completed-to-date")).Trim();
        await buyer.StepAsync("quota-before");

        await buyer.GoAsync($"/products/{productId}");
        await buyer.Page.FillAsync("form.add-to-cart input[name=quantity]", "3");
        await buyer.SubmitAsync("/cart/add");
        await buyer.GoAsync("/cart");
        await buyer.StepAsync("cart");
        await buyer.Page.FillAsync("#DeliveryAddress", "贵州省贵阳市观山湖区林城西路 机关食堂");
        await buyer.Page.FillAsync("#CanteenContact", "陈师傅");
        await buyer.Page.FillAsync("#ContactPhone", "13700000000");
        await buyer.SubmitAsync("/cart/checkout");
        var orderLink = buyer.Page.Locator(".placed li a").First;
        var orderUrl = await orderLink.GetAttributeAsync("href");
        Assert.StartsWith("/orders/", orderUrl);
        await buyer.StepAsync("placed");
        await buyer.GoAsync(orderUrl!);
        Assert.True(await buyer.Page.Locator(".payment-code, code").CountAsync() > 0, "the order shows the payment code to quote");
        await buyer.StepAsync("order-unpaid");

        var vendor = await Tab.OpenAsync(app, "buying", "vendor");
        await vendor.SignInAsync("vendor");
        await vendor.GoAsync(orderUrl!);
        await vendor.SubmitAsync($"{orderUrl}/ConfirmPayment");
        await vendor.StepAsync("paid");
        await vendor.Page.FillAsync($"form[action='{orderUrl}/Ship'] input[name=carrier]", "顺丰速运");
        await vendor.Page.FillAsync($"form[action='{orderUrl}/Ship'] input[name=trackingNumber]", "SF1234567890");
        await vendor.SubmitAsync($"{orderUrl}/Ship");
        await vendor.Page.SetInputFilesAsync($"form[action='{orderUrl}/invoice'] input[type=file]",
            new FilePayload { Name = "invoice.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj\n%%EOF\n") });
        await vendor.SubmitAsync($"{orderUrl}/invoice");
        await vendor.StepAsync("shipped-invoiced");

        await buyer.GoAsync(orderUrl!);
        await buyer.SubmitAsync($"{orderUrl}/ConfirmDelivery");
        await buyer.SubmitAsync($"{orderUrl}/Accept");
        await buyer.StepAsync("accepted");
        await buyer.Page.FillAsync($"form[action='{orderUrl}/Evaluate'] input[name=comment]", "米质好，送货准时");
        await buyer.SubmitAsync($"{orderUrl}/Evaluate");
        await buyer.StepAsync("evaluated");

        // The outbox credits the unit's ledger in the background; the ring moves within seconds.
        var after = before;
        for (var i = 0; i < 60 && after == before; i++)
        {
            await Task.Delay(500);
            await buyer.GoAsync("/quota");
            after = (await buyer.Page.InnerTextAsync(".completed-to-date")).Trim();
        }
        Assert.NotEqual(before, after);
        await buyer.StepAsync("quota-after");
        // The same pages in English, chosen with the switch.
        await buyer.Page.Locator("a[href^='/culture/en']").First.ClickAsync();
        await buyer.Page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("en", await buyer.Page.GetAttributeAsync("html", "lang"));
        await buyer.GoAsync(orderUrl!);
        Assert.Contains("Completed", await buyer.Page.InnerTextAsync("main"));
        await buyer.StepAsync("order-en");
        await buyer.CloseAsync();
        await vendor.CloseAsync();
    }

    [Fact]
    public async Task A_finance_bureau_sets_its_policy_approves_a_filing_runs_month_end_and_exports_the_lagging_list()
    {
        var tab = await Tab.OpenAsync(app, "finance", "finance");
        await tab.SignInAsync("finance");
        await tab.GoAsync("/quota/region");
        await tab.StepAsync("region");
        await tab.SubmitAsync("/quota/region/policy");
        Assert.True(await tab.Page.Locator(".notice, .policy-form").CountAsync() > 0);
        await tab.StepAsync("policy-saved");

        var approve = tab.Page.Locator("form[action*='/Approve'] button[type=submit]");
        if (await approve.CountAsync() == 0)
        {
            // Every filing of the demo is already decided: one unit files again, so there is one to approve.
            await app.Db(async db =>
            {
                var f = await db.QuotaFilings.Where(x => x.Status == FilingStatus.Approved && x.IsEffective).OrderBy(x => x.Id).FirstAsync();
                f.Status = FilingStatus.Submitted;
                return await db.SaveChangesAsync();
            });
            await tab.GoAsync("/quota/region");
        }
        var count = await approve.CountAsync();
        Assert.True(count > 0, "a submitted filing waits for approval");
        await approve.First.ClickAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal(count - 1, await approve.CountAsync());
        await tab.StepAsync("filing-approved");

        await tab.GoAsync("/finance");
        await tab.StepAsync("dashboard");
        Assert.True(await tab.Page.Locator("canvas, .chart svg, [data-chart] canvas").CountAsync() > 0 || await tab.Page.Locator("[data-chart]").CountAsync() > 0,
            "the dashboard draws its charts");
        await tab.Page.ClickAsync("button.run-month-end");
        await tab.Page.WaitForLoadStateAsync(LoadState.Load);
        Assert.True(await tab.Page.Locator(".notice").CountAsync() > 0, "running month end reports what it did");
        await tab.StepAsync("month-end");
        await tab.Page.ClickAsync(".figures .lagging a");
        await tab.Page.WaitForURLAsync(u => u.Contains("filter=lagging"));
        var rows = await tab.Page.Locator("table.units tbody tr").CountAsync();
        await tab.StepAsync("lagging");
        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.Locator("h2#units a.export").First.ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("统一社会信用代码", lines[0]);
        Assert.True(lines.Length - 1 >= rows, $"the export holds every lagging unit ({lines.Length - 1} lines, {rows} rows on the first page)");
        await tab.AssertCleanAsync("export");
        // The dashboard in English, charts included.
        await tab.Page.Locator("a[href^='/culture/en']").First.ClickAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("en", await tab.Page.GetAttributeAsync("html", "lang"));
        Assert.True(await tab.Page.Locator("table.units tbody tr").CountAsync() > 0);
        await tab.StepAsync("dashboard-en");
        await tab.CloseAsync();
    }
}
