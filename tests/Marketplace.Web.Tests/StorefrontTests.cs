using System.Net;
using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class StorefrontTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static IQueryable<Data.Entities.Product> Visible(MarketplaceDbContext db) =>
        db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active);

    [Fact]
    public async Task Home_shows_categories_and_the_latest_listed_products_from_the_database()
    {
        var newest = await app.Db(db => Visible(db).OrderByDescending(p => p.Id).Select(p => p.Name).FirstAsync());
        var page = await app.CreateClient().GetPageAsync("/");
        Assert.Equal(12, page.QuerySelectorAll(".category-nav li").Length);
        Assert.Contains("大米", page.QuerySelector(".category-nav")!.TextContent);
        var cards = page.QuerySelectorAll(".grid .card-title").Select(e => e.TextContent).ToList();
        Assert.Equal(20, cards.Count);
        Assert.Equal(newest, cards[0]);
    }

    [Fact]
    public async Task Category_pages_list_only_that_categorys_listed_products_and_page_by_keyset()
    {
        var expected = await app.Db(db => Visible(db).Where(p => p.CategoryId == 1).OrderByDescending(p => p.Id).Select(p => p.Name).ToListAsync());
        Assert.True(expected.Count > 24, "the seed should give more than one page of rice");
        var client = app.CreateClient();

        var first = await client.GetPageAsync("/categories/1");
        var firstNames = first.QuerySelectorAll(".card-title").Select(e => e.TextContent).ToList();
        Assert.Equal(expected.Take(24), firstNames);
        Assert.Contains(expected.Count.ToString(), first.QuerySelector(".page-info")!.TextContent);
        Assert.Null(first.QuerySelector("a[rel=prev]"));

        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = await client.GetPageAsync(next);
        Assert.Equal(expected.Skip(24).Take(24), second.QuerySelectorAll(".card-title").Select(e => e.TextContent));

        var back = await client.GetPageAsync(second.QuerySelector("a[rel=prev]")!.GetAttribute("href")!);
        Assert.Equal(firstNames, back.QuerySelectorAll(".card-title").Select(e => e.TextContent));
    }

    [Fact]
    public async Task Product_page_shows_the_product_and_unlisted_products_are_not_public()
    {
        var listed = await app.Db(db => Visible(db).OrderBy(p => p.Id).Select(p => new { p.Id, p.Name, p.PriceFen, Vendor = p.Vendor!.Name }).FirstAsync());
        var page = await app.CreateClient().GetPageAsync($"/products/{listed.Id}");
        Assert.Equal(listed.Name, page.QuerySelector("h1")!.TextContent);
        Assert.Contains(new Money(listed.PriceFen).ToString(), page.QuerySelector(".price")!.TextContent);
        Assert.Contains(listed.Vendor, page.QuerySelector(".facts")!.TextContent);
        Assert.Contains("脱贫县", page.QuerySelector(".facts")!.TextContent);

        var hidden = await app.Db(db => db.Products.Where(p => p.Status != ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var notFound = await app.CreateClient().GetPageAsync($"/products/{hidden}", HttpStatusCode.NotFound);
        Assert.Contains("页面不存在", notFound.Body!.TextContent);
        Assert.DoesNotContain("Not found", notFound.Body!.TextContent); // one language at a time
        var browser = app.CreateBrowser();
        await browser.GetAsync("/culture/en?returnUrl=/");   // the language switch's cookie
        var english = await browser.GetPageAsync($"/products/{hidden}", HttpStatusCode.NotFound);
        Assert.Contains("Not found", english.Body!.TextContent);
    }

    [Fact]
    public async Task Vendor_shop_shows_active_vendors_only()
    {
        var active = await app.Db(db => db.Vendors.Where(v => v.Status == VendorStatus.Active).OrderBy(v => v.Id).Select(v => new { v.Id, v.Name }).FirstAsync());
        var page = await app.CreateClient().GetPageAsync($"/vendors/{active.Id}");
        Assert.Equal(active.Name, page.QuerySelector("h1")!.TextContent);
        var shown = page.QuerySelectorAll(".card-vendor").Select(e => e.TextContent).Distinct().ToList();
        Assert.All(shown, name => Assert.Equal(active.Name, name));

        var pending = await app.Db(db => db.Vendors.Where(v => v.Status != VendorStatus.Active).Select(v => v.Id).FirstAsync());
        await app.CreateClient().GetPageAsync($"/vendors/{pending}", HttpStatusCode.NotFound);
        await app.CreateClient().GetPageAsync("/categories/999", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task English_switch_changes_the_interface_language_and_back()
    {
        var client = app.CreateBrowser();
        var zh = await client.GetPageAsync("/");
        Assert.Equal("zh-CN", zh.DocumentElement.GetAttribute("lang"));
        Assert.Contains("最新上架", zh.Body!.TextContent);

        var set = await client.GetAsync("/culture/en?returnUrl=%2Fcategories%2F1");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/categories/1", set.Headers.Location!.OriginalString);
        var en = await client.GetPageAsync("/");
        Assert.Equal("en", en.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Latest products", en.Body!.TextContent);
        Assert.Contains("Rice", en.QuerySelector(".category-nav")!.TextContent);

        await client.GetAsync("/culture/zh-CN");
        Assert.Contains("最新上架", (await client.GetPageAsync("/")).Body!.TextContent);

        // An open redirect through the switch is refused: it goes home instead.
        var evil = await client.GetAsync("/culture/en?returnUrl=https%3A%2F%2Fevil.example%2F");
        Assert.Equal("/", evil.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Public_pages_are_cacheable_for_anonymous_visitors()
    {
        var response = await app.CreateClient().GetAsync("/categories/2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl!.ToString());
        Assert.Contains("Cookie", response.Headers.Vary);
        var css = await app.CreateClient().GetAsync("/css/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Search_finds_listed_products_by_their_words()
    {
        await app.SearchCaughtUpAsync();
        var expected = await app.Db(db => Visible(db).CountAsync(p => p.Name.Contains("木耳") || p.Description.Contains("木耳") || p.Vendor!.Name.Contains("木耳") || p.Category!.Name.Contains("木耳")));
        Assert.True(expected > 0);
        var page = await app.CreateClient().GetPageAsync("/search?q=" + Uri.EscapeDataString("木耳"));
        Assert.Contains($"共 {expected} 件商品", page.QuerySelector("h1 .total")!.TextContent);
        Assert.Equal("木耳", page.QuerySelector("input[name=q]")!.GetAttribute("value"));
    }

    [Theory]
    [InlineData("AND (((")]
    [InlineData("%_[")]
    [InlineData("\u0001\u0002大米\u0000")]
    [InlineData("   ")]
    public async Task Odd_search_input_never_breaks_the_page(string q)
    {
        var response = await app.CreateClient().GetAsync("/search?q=" + Uri.EscapeDataString(q));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_overlong_query_gets_a_clear_message()
    {
        var page = await app.CreateClient().GetPageAsync("/search?q=" + new string('t', 3_000));
        Assert.Contains("搜索词过长", page.QuerySelector(".notice")!.TextContent);
        Assert.Contains("too long", page.QuerySelector(".notice")!.TextContent);
    }
}
