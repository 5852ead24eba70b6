using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>Regression tests for defects found trying the product as an attacker would (issue 17).</summary>
public class HardeningTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Theory]
    [InlineData("photos")]
    [InlineData("invoice")]
    public async Task A_multipart_body_without_its_boundary_is_a_400_not_a_500(string endpoint)
    {
        var vendor = await app.SignedInAsync("vendor");
        var vendorId = await app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId!.Value).SingleAsync());
        var productId = await app.Db(db => db.Products.Where(p => p.VendorId == vendorId).Select(p => p.Id).FirstAsync());
        var token = await vendor.TokenFromAsync("/vendor/products");
        var url = endpoint == "photos" ? $"/vendor/products/{productId}/photos" : "/orders/1/invoice";
        foreach (var withToken in new[] { false, true })
        {
            var content = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n\r\nabc\r\n--x--\r\n"u8.ToArray());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            if (withToken) request.Headers.Add("RequestVerificationToken", token);
            var response = await vendor.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_error_page_for_a_success_code_is_not_found_and_HEAD_is_answered_like_GET_without_a_body()
    {
        var client = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/error/200")).StatusCode);
        foreach (var path in new[] { "/", "/categories/1", "/search?q=大米" })
        {
            var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }
}

public class FirstTimeUserTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task A_visitor_is_invited_to_sign_in_to_buy_and_a_huge_field_is_refused_without_being_echoed()
    {
        var anonymous = app.CreateBrowser();
        var productId = await app.Db(db => db.Products.Where(p => p.Status == Domain.ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var page = await anonymous.GetPageAsync($"/products/{productId}");
        Assert.Contains($"returnUrl=%2Fproducts%2F{productId}", page.QuerySelector(".sign-in-to-buy a")!.GetAttribute("href"));

        var huge = new string('x', 3 * 1024 * 1024);
        var response = await anonymous.PostFormAsync("/account/login", "/account/login", new Dictionary<string, string> { ["UserName"] = huge, ["Password"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Length < 50_000, $"the answer is {body.Length} characters");
        Assert.Contains("超过长度上限", body);
    }

    [Fact]
    public async Task The_parent_unit_opens_the_invoice_its_order_page_links_to()
    {
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var order = await driver.PlaceAsync(buyer);
        await driver.AdvanceAsync(order.Id, Domain.Orders.OrderStatus.Shipped);
        var vendor = await app.SignedInAsync("vendor");
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/orders/{order.Id}", $"/orders/{order.Id}/invoice", "invoice", ("invoice.pdf", "%PDF-1.4\n1 0 obj\n%%EOF\n"u8.ToArray()))).StatusCode);
        var parent = await app.SignedInAsync("buyer.parent");
        var link = (await parent.GetPageAsync($"/orders/{order.Id}")).QuerySelector($"a[href='/orders/{order.Id}/invoice']");
        Assert.NotNull(link);
        Assert.Equal(HttpStatusCode.OK, (await parent.GetAsync($"/orders/{order.Id}/invoice")).StatusCode);
        // An unrelated unit still cannot.
        var admin = await app.SignedInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/orders/{order.Id}/invoice")).StatusCode);
    }
}

public class CheckoutFormTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task Missing_delivery_details_keep_the_cart_form_with_a_message_beside_each_field()
    {
        var buyer = await app.SignedInAsync("buyer");
        var productId = await app.Db(db => db.Products.Where(p => p.Status == Domain.ProductStatus.Listed && p.Stock >= 20 && p.MinOrderQuantity == 1).Select(p => p.Id).FirstAsync());
        await buyer.PostFormAsync($"/products/{productId}", "/cart/add", new Dictionary<string, string> { ["productId"] = $"{productId}", ["quantity"] = "1" });
        var before = await app.Db(db => db.Orders.CountAsync());
        var response = await buyer.PostFormAsync("/cart", "/cart/checkout", new Dictionary<string, string>
        {
            ["DeliveryAddress"] = "", ["CanteenContact"] = "陈师傅", ["ContactPhone"] = "abc",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector("form[action='/cart/checkout']"));
        Assert.Contains("收货地址", page.QuerySelector(".field-error[data-field=DeliveryAddress]")!.TextContent);
        Assert.NotNull(page.QuerySelector(".field-error[data-field=ContactPhone]"));
        Assert.Null(page.QuerySelector(".field-error[data-field=CanteenContact]"));
        Assert.Equal("陈师傅", page.QuerySelector("#CanteenContact")!.GetAttribute("value"));
        Assert.Equal(before, await app.Db(db => db.Orders.CountAsync()));
    }
}

public class ReviewsTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task Buyers_evaluations_show_on_the_product_and_the_vendor_shop_with_averages()
    {
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var order = await driver.PlaceAsync(buyer);
        await driver.AdvanceAsync(order.Id, Domain.Orders.OrderStatus.Accepted);
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Marketplace.Web.Features.Buying.OrderService>()
                .EvaluateAsync(await driver.ActorAsync("buyer"), order.Id, new Domain.Orders.Evaluation(4, 3, 5, "米质很好，送货稍晚"), default);
        var (productId, vendorId) = await app.Db(db => db.Orders.Where(o => o.Id == order.Id)
            .Select(o => new ValueTuple<int, int>(o.Lines.First().ProductId, o.VendorId)).SingleAsync());

        var anonymous = app.CreateBrowser();
        var product = await anonymous.GetPageAsync($"/products/{productId}");
        Assert.Contains("质量4.0", product.QuerySelector(".review-averages")!.TextContent);
        Assert.Contains("米质很好", product.QuerySelector(".review-list")!.TextContent);
        var shop = await anonymous.GetPageAsync($"/vendors/{vendorId}");
        Assert.Contains("配送3.0", shop.QuerySelector(".review-averages")!.TextContent);
        // The unit's full name is not shown beside a comment.
        var unitName = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.BudgetUnit!.Name).SingleAsync());
        Assert.DoesNotContain(unitName, product.QuerySelector(".review-list")!.TextContent);
    }
}

/// <summary>The review averages come from totals kept on the product and vendor rows (a fresh app: the counts are exact).</summary>
public class RatingTotalsTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task The_averages_are_the_totals_kept_on_the_product_and_vendor_added_once_per_evaluation_and_stored_pages_follow()
    {
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var first = await driver.PlaceAsync(buyer);
        var second = await driver.PlaceAsync(buyer);
        foreach (var o in new[] { first, second }) await driver.AdvanceAsync(o.Id, Domain.Orders.OrderStatus.Accepted);
        var (productId, vendorId) = await app.Db(db => db.Orders.Where(o => o.Id == first.Id)
            .Select(o => new ValueTuple<int, int>(o.Lines.First().ProductId, o.VendorId)).SingleAsync());
        async Task Evaluate(long orderId, int quality)
        {
            using var scope = app.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<Marketplace.Web.Features.Buying.OrderService>()
                .EvaluateAsync(await driver.ActorAsync("buyer"), orderId, new Domain.Orders.Evaluation(quality, 5, 5, null), default);
        }
        async Task AssertTotalsMatchTheOrders()
        {
            // What the rows keep equals what the evaluated orders say, for the product and for the vendor.
            var kept = await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => new ValueTuple<int, long>(p.RatingCount, p.RatingQualitySum)).SingleAsync());
            var counted = await app.Db(async db =>
            {
                var rated = db.Orders.Where(o => o.RatingQuality != null && db.OrderLines.Any(l => l.OrderId == o.Id && l.ProductId == productId));
                return new ValueTuple<int, long>(await rated.CountAsync(), await rated.SumAsync(o => (long)o.RatingQuality!.Value));
            });
            Assert.Equal(counted, kept);
            var vendorKept = await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => new ValueTuple<int, long>(v.RatingCount, v.RatingServiceSum)).SingleAsync());
            var vendorCounted = await app.Db(async db =>
            {
                var rated = db.Orders.Where(o => o.VendorId == vendorId && o.RatingQuality != null);
                return new ValueTuple<int, long>(await rated.CountAsync(), await rated.SumAsync(o => (long)o.RatingService!.Value));
            });
            Assert.Equal(vendorCounted, vendorKept);
        }

        await Evaluate(first.Id, 5);
        await AssertTotalsMatchTheOrders();
        var before = await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => p.RatingCount).SingleAsync());
        var anonymous = app.CreateBrowser();
        var stored = (await anonymous.GetPageAsync($"/products/{productId}")).QuerySelector(".review-averages")!.TextContent;
        Assert.Equal(before, EvaluationsIn(stored));

        // Evaluating the same order again is refused and adds nothing.
        await Assert.ThrowsAnyAsync<Domain.DomainException>(() => Evaluate(first.Id, 1));
        await AssertTotalsMatchTheOrders();
        Assert.Equal(before, await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => p.RatingCount).SingleAsync()));

        await Evaluate(second.Id, 1);
        await AssertTotalsMatchTheOrders();
        Assert.Equal(before + 1, await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => p.RatingCount).SingleAsync()));
        // The stored anonymous page is evicted through the change feed and shows the new count.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string now;
        do
        {
            await Task.Delay(200);
            now = (await anonymous.GetPageAsync($"/products/{productId}")).QuerySelector(".review-averages")!.TextContent;
        } while (now == stored && DateTime.UtcNow < deadline);
        Assert.Equal(before + 1, EvaluationsIn(now));
    }

    /// <summary>The number of evaluations in the averages line (its last number).</summary>
    private static int EvaluationsIn(string averages) =>
        int.Parse(System.Text.RegularExpressions.Regex.Matches(averages, @"\d+(\.\d+)?").Last().Value, System.Globalization.CultureInfo.InvariantCulture);
}

public class InvoiceUploadTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task A_refused_invoice_upload_leaves_no_file_behind()
    {
        var folder = Path.Combine(app.DataFolder, "invoices");
        int Files() => Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var order = await driver.PlaceAsync(buyer);
        var before = Files();
        // The buyer may see the order but not upload its invoice; the vendor cannot before shipping either.
        var pdf = "%PDF-1.4\n1 0 obj\n%%EOF\n"u8.ToArray();
        Assert.NotEqual(HttpStatusCode.Redirect, (await buyer.PostFilesAsync($"/orders/{order.Id}", $"/orders/{order.Id}/invoice", "invoice", ("i.pdf", pdf))).StatusCode);
        Assert.Equal(before, Files());
    }
}

public class SecurityHeaderTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await app.CreateBrowser().GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }
}

/// <summary>Oversized and malformed requests get a clear 400/413/422 and change nothing (issue 14).</summary>
public class MalformedRequestTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private Task<int> CartLinesAsync(string userId) => app.Db(db => db.CartItems.CountAsync(c => c.UserId == userId));

    [Fact]
    public async Task A_cart_holds_at_most_its_limit_of_products_and_a_ten_thousand_field_form_is_refused()
    {
        var buyer = await app.SignedInAsync("buyer");
        var userId = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.Id).SingleAsync());
        var products = await app.Db(db => db.Products.Where(p => p.Status == Domain.ProductStatus.Listed && p.Vendor!.Status == Domain.VendorStatus.Active)
            .OrderBy(p => p.Id).Select(p => p.Id).Take(Marketplace.Web.Features.Buying.CheckoutService.MaxCartLines + 1).ToListAsync());
        Assert.Equal(Marketplace.Web.Features.Buying.CheckoutService.MaxCartLines + 1, products.Count);
        await app.Db(async db =>
        {
            db.CartItems.RemoveRange(db.CartItems.Where(c => c.UserId == userId));
            foreach (var id in products.SkipLast(1))
                db.CartItems.Add(new Data.Entities.CartItem { UserId = userId, ProductId = id, Quantity = 1, AddedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        var last = products[^1];
        await app.Db(async db => { var p = await db.Products.SingleAsync(x => x.Id == last); p.Stock = 100; p.MinOrderQuantity = 1; return await db.SaveChangesAsync(); });
        var refused = await buyer.PostFormAsync("/cart", "/cart/add", new Dictionary<string, string> { ["productId"] = $"{last}", ["quantity"] = "1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("采购车最多容纳", await refused.Content.ReadAsStringAsync());
        Assert.Equal(Marketplace.Web.Features.Buying.CheckoutService.MaxCartLines, await CartLinesAsync(userId));

        // Ten thousand form fields (a scripted "cart"): 400 before anything is read into an action.
        var token = await buyer.TokenFromAsync("/cart");
        var fields = Enumerable.Range(0, 10_000).Select(i => new KeyValuePair<string, string>($"items[{i}].quantity", "1")).Prepend(new("__RequestVerificationToken", token));
        var orders = await app.Db(db => db.Orders.CountAsync());
        var huge = await buyer.PostAsync("/cart/checkout", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(orders, await app.Db(db => db.Orders.CountAsync()));
        Assert.Equal(Marketplace.Web.Features.Buying.CheckoutService.MaxCartLines, await CartLinesAsync(userId));
    }

    [Theory]
    [InlineData("-3", HttpStatusCode.UnprocessableEntity)]
    [InlineData("0", HttpStatusCode.UnprocessableEntity)]
    [InlineData("100001", HttpStatusCode.UnprocessableEntity)]
    [InlineData("2147483648", HttpStatusCode.UnprocessableEntity)]
    [InlineData("99999999999999999999999", HttpStatusCode.UnprocessableEntity)]
    [InlineData("1e3", HttpStatusCode.UnprocessableEntity)]
    [InlineData("1.5", HttpStatusCode.UnprocessableEntity)]
    [InlineData("abc", HttpStatusCode.UnprocessableEntity)]
    public async Task Negative_zero_huge_and_non_numeric_quantities_are_refused_with_a_reason_and_change_nothing(string quantity, HttpStatusCode expected)
    {
        var buyer = await app.SignedInAsync("buyer");
        var userId = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.Id).SingleAsync());
        var productId = await app.Db(db => db.Products.Where(p => p.Status == Domain.ProductStatus.Listed && p.Vendor!.Status == Domain.VendorStatus.Active && p.Stock > 10)
            .OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync());
        var before = await app.Db(db => db.CartItems.Where(c => c.UserId == userId).Select(c => c.ProductId + ":" + c.Quantity).ToListAsync());
        var response = await buyer.PostFormAsync($"/products/{productId}", "/cart/add", new Dictionary<string, string> { ["productId"] = $"{productId}", ["quantity"] = quantity });
        Assert.Equal(expected, response.StatusCode);
        var body = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(body.QuerySelector(".reason")?.TextContent), "the page states the reason");
        Assert.Equal(before, await app.Db(db => db.CartItems.Where(c => c.UserId == userId).Select(c => c.ProductId + ":" + c.Quantity).ToListAsync()));
    }
}
