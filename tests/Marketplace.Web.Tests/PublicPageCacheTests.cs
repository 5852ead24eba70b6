using System.Net;
using System.Net.Http.Headers;
using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

/// <summary>
/// The server keeps rendered public pages for anonymous visitors and evicts them by tag as the product change feed
/// moves. A stored copy is recognisable by its Age header (the output cache sets it when it answers from the store).
/// </summary>
public class PublicPageCacheTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static bool FromStore(HttpResponseMessage r) => r.Headers.Age is not null;

    private async Task<HttpResponseMessage> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private Task<(int Id, string Name, long PriceFen, int CategoryId, int VendorId)> ListedAsync(int skip) => app.Db(db =>
        db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
            .OrderByDescending(p => p.Id).Skip(skip)
            .Select(p => new ValueTuple<int, string, long, int, int>(p.Id, p.Name, p.PriceFen, p.CategoryId, p.VendorId)).FirstAsync());

    /// <summary>A change as the app makes one: through the context, so the product's feed entry is written with it.</summary>
    private Task ChangePriceAsync(int id, long priceFen) => app.Db(async db =>
    {
        var p = await db.Products.SingleAsync(x => x.Id == id);
        p.PriceFen = priceFen;
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task A_price_change_evicts_the_product_its_category_and_vendor_pages_home_and_search_but_not_other_pages()
    {
        await app.SearchCaughtUpAsync();
        var product = await ListedAsync(0);
        var other = await app.Db(db => db.Categories.Where(c => c.Id != product.CategoryId).Select(c => c.Id).FirstAsync());
        var visitor = app.CreateClient();
        string[] changedPages = [$"/products/{product.Id}", $"/categories/{product.CategoryId}", $"/vendors/{product.VendorId}", "/",
            "/search?q=" + Uri.EscapeDataString(product.Name[..2])];
        var unrelated = $"/categories/{other}";
        foreach (var url in changedPages.Append(unrelated))
        {
            Assert.False(FromStore(await GetAsync(visitor, url)), url);
            Assert.True(FromStore(await GetAsync(visitor, url)), $"{url} should be stored after one visit");
        }

        var newPrice = product.PriceFen + 1_234;
        await ChangePriceAsync(product.Id, newPrice);
        // Until the feed is followed the stored copy is still served, for at most a second in a running app.
        Assert.True(FromStore(await GetAsync(visitor, $"/products/{product.Id}")));
        await app.SearchCaughtUpAsync();

        foreach (var url in changedPages)
        {
            var fresh = await GetAsync(visitor, url);
            Assert.False(FromStore(fresh), $"{url} should have been evicted");
        }
        var page = await visitor.GetPageAsync($"/products/{product.Id}");
        Assert.Contains(new Money(newPrice).ToString(), page.QuerySelector(".price")!.TextContent);
        Assert.True(FromStore(await GetAsync(visitor, unrelated)), "a page the change does not touch stays stored");
    }

    [Fact]
    public async Task A_signed_in_visitors_page_is_never_stored_nor_answered_from_the_store()
    {
        var product = await ListedAsync(3);
        var url = $"/products/{product.Id}";
        var buyer = await app.SignedInAsync("buyer");

        // Signed in first: the page has the buyer's name and an anti-forgery token, and must not be kept.
        var mine = await GetAsync(buyer, url);
        var mineHtml = await mine.Content.ReadAsStringAsync();
        Assert.False(FromStore(mine));
        Assert.Contains("__RequestVerificationToken", mineHtml);
        Assert.True(mine.Headers.CacheControl!.NoCache); // private, or no-store where the anti-forgery token demands it
        Assert.False(mine.Headers.CacheControl.Public);
        var buyerName = System.Text.RegularExpressions.Regex.Match(mineHtml, "class=\"who\">([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(buyerName);

        var anonymous = app.CreateClient();
        var first = await GetAsync(anonymous, url);
        Assert.False(FromStore(first), "the signed-in page was stored");
        var firstHtml = await first.Content.ReadAsStringAsync();
        Assert.DoesNotContain("__RequestVerificationToken", firstHtml);
        Assert.DoesNotContain(buyerName, firstHtml);
        Assert.StartsWith("public", first.Headers.CacheControl!.ToString());
        var second = await GetAsync(anonymous, url);
        Assert.True(FromStore(second));

        // With an anonymous copy stored, the buyer still gets their own page.
        var again = await GetAsync(buyer, url);
        Assert.False(FromStore(again));
        var againHtml = await again.Content.ReadAsStringAsync();
        Assert.Contains(buyerName, againHtml);
        Assert.Contains("__RequestVerificationToken", againHtml);
    }

    [Fact]
    public async Task Stored_pages_are_kept_per_language_and_per_query()
    {
        var zh = app.CreateClient();
        var en = app.CreateBrowser();
        await en.GetAsync("/culture/en?returnUrl=/");
        await GetAsync(zh, "/search?q=大米");
        Assert.True(FromStore(await GetAsync(zh, "/search?q=大米")));

        var english = await GetAsync(en, "/search?q=大米");
        Assert.False(FromStore(english));
        // A browser revalidates search pages every time: a listing made meanwhile must not hide behind its own cache.
        Assert.Equal(TimeSpan.Zero, english.Headers.CacheControl!.MaxAge);
        Assert.True(english.Headers.CacheControl.MustRevalidate);
        Assert.Contains("lang=\"en\"", await english.Content.ReadAsStringAsync());
        Assert.True(FromStore(await GetAsync(en, "/search?q=大米")));
        Assert.Contains("lang=\"zh-CN\"", await (await GetAsync(zh, "/search?q=大米")).Content.ReadAsStringAsync());

        Assert.False(FromStore(await GetAsync(zh, "/search?q=大米&sort=PriceAsc")));
        Assert.False(FromStore(await GetAsync(zh, "/search?q=大米&culture=en")));
    }

    [Fact]
    public async Task Browsers_revalidate_with_the_etag_and_get_304_until_the_page_changes()
    {
        await app.SearchCaughtUpAsync();
        var product = await ListedAsync(6);
        var url = $"/products/{product.Id}";
        var visitor = app.CreateClient();
        var first = await GetAsync(visitor, url);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("max-age=", first.Headers.CacheControl!.ToString());

        foreach (var _ in Enumerable.Range(0, 2)) // once rendered afresh, once from the store
        {
            using var revalidate = new HttpRequestMessage(HttpMethod.Get, url);
            revalidate.Headers.IfNoneMatch.Add(etag!);
            var notModified = await visitor.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        await ChangePriceAsync(product.Id, product.PriceFen + 10);
        await app.SearchCaughtUpAsync();
        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(etag!);
        var changed = await visitor.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains(new Money(product.PriceFen + 10).ToString(), (await visitor.GetPageAsync(url)).QuerySelector(".price")!.TextContent);
    }

    [Fact]
    public async Task Error_pages_are_not_stored()
    {
        var hidden = await app.Db(db => db.Products.Where(p => p.Status != ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var visitor = app.CreateClient();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var response = await visitor.GetAsync($"/products/{hidden}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.False(FromStore(response));
            Assert.Contains("页面不存在", await response.Content.ReadAsStringAsync());
        }
    }
}
