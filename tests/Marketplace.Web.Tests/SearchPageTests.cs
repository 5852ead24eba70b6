using System.Net;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

public class SearchPageTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static IQueryable<Data.Entities.Product> Visible(Data.MarketplaceDbContext db) =>
        db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active);

    [Fact]
    public async Task Facets_filter_and_chips_undo_the_filter()
    {
        await app.SearchCaughtUpAsync();
        var client = app.CreateClient();
        var all = await client.GetPageAsync("/search?q=" + Uri.EscapeDataString("米"));
        var total = long.Parse(new string(all.QuerySelector("h1 .total")!.TextContent.Where(char.IsAsciiDigit).ToArray()));
        var categories = all.QuerySelectorAll("[data-facet=category] a").ToList();
        Assert.NotEmpty(categories);
        // Facet counts add up to the total (every product has exactly one category).
        Assert.Equal(total, categories.Sum(a => long.Parse(a.QuerySelector(".count")!.TextContent)));

        var rice = categories.First(a => a.TextContent.Contains("大米"));
        var riceCount = long.Parse(rice.QuerySelector(".count")!.TextContent);
        var filtered = await client.GetPageAsync(rice.GetAttribute("href")!);
        Assert.Contains($"共 {riceCount} 件商品", filtered.QuerySelector("h1 .total")!.TextContent);
        var chip = filtered.QuerySelector(".chips a")!;
        Assert.Contains("大米", chip.TextContent);
        var expected = await app.Db(db => Visible(db).Where(p => p.CategoryId == 1).CountAsync(p => p.Name.Contains("米") || p.Description.Contains("米") || p.Vendor!.Name.Contains("米") || p.Category!.Name.Contains("米")));
        Assert.Equal(expected, riceCount);

        var undone = await client.GetPageAsync(chip.GetAttribute("href")!);
        Assert.Contains($"共 {total} 件商品", undone.QuerySelector("h1 .total")!.TextContent);
    }

    [Fact]
    public async Task Sorting_by_price_orders_the_cards_and_names_are_highlighted()
    {
        await app.SearchCaughtUpAsync();
        var page = await app.CreateClient().GetPageAsync("/search?q=" + Uri.EscapeDataString("茶") + "&sort=PriceAsc");
        var prices = page.QuerySelectorAll(".card .price").Select(p => decimal.Parse(p.TextContent.Split('/')[0].TrimStart('¥').Replace(",", ""))).ToList();
        Assert.True(prices.Count > 1);
        Assert.Equal(prices.Order(), prices);
        Assert.Contains(page.QuerySelectorAll(".card-title mark"), m => m.TextContent == "茶");
        Assert.NotNull(page.QuerySelector("[data-sort=PriceAsc].selected"));
    }

    [Fact]
    public async Task The_same_url_gives_the_same_results_and_pages_do_not_overlap()
    {
        await app.SearchCaughtUpAsync();
        var client = app.CreateClient();
        static List<string> Ids(AngleSharp.Html.Dom.IHtmlDocument d) => d.QuerySelectorAll(".card-link").Select(a => a.GetAttribute("href")!).ToList();
        var first = await client.GetPageAsync("/search?sort=Sales");
        Assert.Equal(Ids(first), Ids(await client.GetPageAsync("/search?sort=Sales")));
        var second = await client.GetPageAsync(first.QuerySelector("a[rel=next]")!.GetAttribute("href")!);
        Assert.Empty(Ids(first).Intersect(Ids(second)));
        Assert.Equal(24, Ids(second).Count);
    }

    [Fact]
    public async Task No_results_suggest_dropping_a_filter()
    {
        await app.SearchCaughtUpAsync();
        var page = await app.CreateClient().GetPageAsync("/search?q=" + Uri.EscapeDataString("木耳") + "&category=1");
        Assert.Empty(page.QuerySelectorAll(".card"));
        var suggestion = page.QuerySelector(".suggestions a")!;
        Assert.Contains("去掉", suggestion.TextContent);
        Assert.NotEmpty((await app.CreateClient().GetPageAsync(suggestion.GetAttribute("href")!)).QuerySelectorAll(".card"));
    }

    [Theory]
    [InlineData("?q=%00%01")]
    [InlineData("?category=abc&province=-1&price=bogus&sort=Nope&page=-5")]
    [InlineData("?after=not-a-cursor")]
    [InlineData("?page=100000")]
    public async Task Odd_parameters_give_a_page_not_an_error(string query)
    {
        await app.SearchCaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/search" + query)).StatusCode);
    }

    [Fact]
    public async Task Product_changes_reach_the_index_through_the_change_feed()
    {
        await app.SearchCaughtUpAsync();
        var vendor = await app.SignedInAsync("vendor");
        var county = await app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.Vendor!.CountyId).FirstAsync());
        var created = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", new Dictionary<string, string>
        {
            ["Name"] = "独特的猴头菇礼盒 500g/盒", ["CategoryId"] = "9", ["OriginCountyId"] = county.ToString(), ["Unit"] = "盒",
            ["PriceYuan"] = "66", ["Stock"] = "40", ["MinOrderQuantity"] = "1",
        });
        var id = int.Parse(created.Headers.Location!.OriginalString.Split('/').Last());
        await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}/SubmitForReview", new Dictionary<string, string>());
        var admin = await app.SignedInAsync("admin");
        await admin.PostFormAsync("/admin/products", $"/admin/products/{id}/Approve", new Dictionary<string, string>());

        // Every save wrote to the feed in its own transaction.
        Assert.True(await app.Db(db => db.ProductChanges.CountAsync(c => c.ProductId == id)) >= 3);
        await app.SearchCaughtUpAsync();
        var found = await app.CreateClient().GetPageAsync("/search?q=" + Uri.EscapeDataString("独特的猴头菇"));
        Assert.Equal($"/products/{id}", found.QuerySelector(".card-link")!.GetAttribute("href"));

        await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}/TakeOffShelf", new Dictionary<string, string>());
        await app.SearchCaughtUpAsync();
        Assert.Empty((await app.CreateClient().GetPageAsync("/search?q=" + Uri.EscapeDataString("独特的猴头菇"))).QuerySelectorAll(".card"));
    }
}

public class SearchBackendTests
{
    /// <summary>The app configured for Elasticsearch at an address where nothing listens.</summary>
    private sealed class UnreachableClusterFactory : MarketplaceAppFactory
    {
        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var s = base.Settings;
                s["Search:Provider"] = "Elasticsearch";
                s["Search:Elasticsearch:Url"] = "http://127.0.0.1:9/";
                return s;
            }
        }
    }

    [Fact]
    public async Task The_provider_setting_selects_the_adapter_and_a_failing_cluster_gives_a_clear_503()
    {
        using var app = new UnreachableClusterFactory();
        var client = app.CreateClient();
        Assert.IsType<Marketplace.Search.ElasticsearchSearchIndex>(app.Services.GetService(typeof(Marketplace.Search.ISearchIndex)));

        var response = await client.GetAsync("/search?q=" + Uri.EscapeDataString("大米"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("搜索服务暂时不可用", body);
        Assert.Contains("Search is temporarily unavailable", await (await client.GetAsync("/search?culture=en&ui-culture=en&q=" + Uri.EscapeDataString("大米"))).Content.ReadAsStringAsync());
        // The rest of the storefront does not depend on the search backend.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/categories/1")).StatusCode);
    }

    [Fact]
    public async Task The_default_provider_is_the_embedded_index()
    {
        using var app = new MarketplaceAppFactory();
        _ = app.CreateClient();
        Assert.IsType<Marketplace.Search.LuceneSearchIndex>(app.Services.GetService(typeof(Marketplace.Search.ISearchIndex)));
        await app.SearchCaughtUpAsync();
    }
}
