using System.Net;
using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

/// <summary>The storefront by place: /pavilions and a pavilion per province, city and poverty-relief county.</summary>
public class PavilionTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private Task<List<(int Id, int County, int Vendor, bool Shown)>> ProductsAsync() => app.Db(db => db.Products
        .Select(p => new ValueTuple<int, int, int, bool>(p.Id, p.OriginCountyId, p.VendorId, p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active))
        .ToListAsync());

    [Fact]
    public async Task The_index_lists_every_county_with_listed_products_under_its_province_and_no_other()
    {
        var products = await ProductsAsync();
        var counties = products.Where(p => p.Shown).GroupBy(p => p.County).ToDictionary(g => g.Key, g => g.Count());
        var page = await app.CreateClient().GetPageAsync("/pavilions");
        var listed = page.QuerySelectorAll(".pavilion-counties li").ToDictionary(
            li => int.Parse(li.QuerySelector("a")!.GetAttribute("href")!.Split('/')[^1]),
            li => int.Parse(li.QuerySelector(".count")!.TextContent));
        Assert.Equal(counties.OrderBy(kv => kv.Key), listed.OrderBy(kv => kv.Key));
        foreach (var section in page.QuerySelectorAll(".pavilion-province"))
        {
            var province = int.Parse(section.QuerySelector("h2 a")!.GetAttribute("href")!.Split('/')[^1]);
            Assert.All(section.QuerySelectorAll(".pavilion-counties a"), a => Assert.Equal(province, RegionCode.ProvinceOf(int.Parse(a.GetAttribute("href")!.Split('/')[^1]))));
        }
    }

    [Fact]
    public async Task A_county_pavilion_shows_only_listed_products_of_active_vendors_from_that_county()
    {
        var products = await ProductsAsync();
        // The county with the most products the public may not see (unlisted, or of a vendor not active).
        var county = products.GroupBy(p => p.County).Where(g => g.Any(p => p.Shown)).OrderByDescending(g => g.Count(p => !p.Shown)).First().Key;
        var page = await app.CreateClient().GetPageAsync($"/pavilions/{county}");
        var shownHere = products.Where(p => p.County == county && p.Shown).Select(p => p.Id).ToHashSet();
        Assert.Equal(shownHere.Count.ToString(), page.QuerySelector(".pavilion-totals .listed")!.TextContent.Trim());
        var cards = page.QuerySelectorAll(".best-selling .card a, .newest .card a").Select(a => a.GetAttribute("href")!)
            .Where(h => h.StartsWith("/products/")).Select(h => int.Parse(h.Split('/')[^1])).Distinct().ToList();
        Assert.NotEmpty(cards);
        Assert.All(cards, id => Assert.Contains(id, shownHere));
        var vendors = page.QuerySelectorAll(".pavilion-vendors a").Select(a => int.Parse(a.GetAttribute("href")!.Split('/')[^1])).ToList();
        var activeHere = await app.Db(db => db.Vendors.Where(v => v.CountyId == county && v.Status == VendorStatus.Active).Select(v => v.Id).ToListAsync());
        Assert.All(vendors, v => Assert.Contains(v, activeHere));
        var categoryLinks = page.QuerySelectorAll(".pavilion-categories a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.All(categoryLinks, h => Assert.Contains($"county={county}", h));
    }

    [Fact]
    public async Task A_province_pavilion_adds_up_its_counties_and_unknown_or_empty_places_are_not_found()
    {
        var products = await ProductsAsync();
        var province = products.Where(p => p.Shown).GroupBy(p => RegionCode.ProvinceOf(p.County)).OrderByDescending(g => g.Count()).First();
        var page = await app.CreateClient().GetPageAsync($"/pavilions/{province.Key}");
        Assert.Equal(province.Count().ToString(), page.QuerySelector(".pavilion-totals .listed")!.TextContent.Trim());
        Assert.NotEmpty(page.QuerySelectorAll(".pavilion-counties a"));

        await app.CreateClient().GetPageAsync("/pavilions/999999", HttpStatusCode.NotFound);
        var emptyCounty = await app.Db(db => db.Regions.Where(r => r.IsPovertyRelief).Select(r => r.Id).ToListAsync());
        var withoutProducts = emptyCounty.First(c => products.All(p => p.County != c || !p.Shown));
        await app.CreateClient().GetPageAsync($"/pavilions/{withoutProducts}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Product_pages_and_the_search_county_facet_lead_to_the_pavilion()
    {
        var product = (await ProductsAsync()).First(p => p.Shown);
        var page = await app.CreateClient().GetPageAsync($"/products/{product.Id}");
        Assert.Equal($"/pavilions/{product.County}", page.QuerySelector("a.pavilion-link")!.GetAttribute("href"));
        await app.SearchCaughtUpAsync();
        var search = await app.CreateClient().GetPageAsync("/search");
        var facetLinks = search.QuerySelectorAll("[data-facet=county] a.pavilion-link").Select(a => a.GetAttribute("href")!).ToList();
        Assert.NotEmpty(facetLinks);
        Assert.All(facetLinks, h => Assert.Matches(@"^/pavilions/\d{6}$", h));
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(facetLinks[0])).StatusCode);
    }

    [Fact]
    public async Task A_county_bureau_writes_its_pavilions_introduction_which_is_shown_as_text_and_length_limited()
    {
        var county = await app.Db(db => db.Users.Where(u => u.UserName == "finance.county").Select(u => u.RegionId!.Value).FirstAsync());
        var bureau = await app.SignedInAsync("finance.county");
        var visitor = app.CreateClient();
        var before = await visitor.GetPageAsync($"/pavilions/{county}"); // stored now, and evicted by the save below
        Assert.Null(before.QuerySelector(".pavilion-description"));

        var text = "正安县地处大娄山脉，\n白茶<script>alert(1)</script>与野木耳闻名。";
        var saved = await bureau.PostFormAsync("/finance/pavilion", "/finance/pavilion", new Dictionary<string, string> { ["description"] = text + "\u0007" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var html = await (await visitor.GetAsync($"/pavilions/{county}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;", html);
        var page = await visitor.GetPageAsync($"/pavilions/{county}");
        Assert.Equal(text, page.QuerySelector(".pavilion-description")!.TextContent);
        Assert.Equal(1, await app.Db(db => db.AuditEntries.CountAsync(a => a.Action == "PavilionText" && a.Target == $"region:{county}")));

        // Too long: refused with the reason, and the stored text is unchanged.
        var tooLong = await bureau.PostFormAsync("/finance/pavilion", "/finance/pavilion", new Dictionary<string, string> { ["description"] = new string('茶', 501) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("500", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(text, await app.Db(db => db.PavilionTexts.Where(t => t.RegionId == county).Select(t => t.Description).FirstAsync()));

        // The province's bureau writes its own region's text, never the county's.
        var province = await app.SignedInAsync("finance");
        Assert.Equal(HttpStatusCode.Redirect, (await province.PostFormAsync("/finance/pavilion", "/finance/pavilion", new Dictionary<string, string> { ["description"] = "省级介绍" })).StatusCode);
        Assert.Equal(text, await app.Db(db => db.PavilionTexts.Where(t => t.RegionId == county).Select(t => t.Description).FirstAsync()));
        Assert.Equal("省级介绍", await app.Db(db => db.PavilionTexts.Where(t => t.RegionId == RegionCode.ProvinceOf(county)).Select(t => t.Description).FirstAsync()));
    }
}
