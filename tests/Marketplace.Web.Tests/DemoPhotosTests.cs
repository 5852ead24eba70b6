using Marketplace.Web.Infrastructure.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class DemoPhotosTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task The_demo_gets_distinct_real_photos_and_placeholders_are_images_not_emoji()
    {
        int made;
        using (var scope = app.Services.CreateScope())
            made = await scope.ServiceProvider.GetRequiredService<DemoPhotos>().GenerateAsync(2, default);
        Assert.InRange(made, 12, 24);
        var covers = await app.Db(db => db.Products.Where(p => p.CoverPhotoKey != null).Select(p => new { p.Id, p.CoverPhotoKey }).ToListAsync());
        Assert.Equal(made, covers.Count);
        var client = app.CreateBrowser();
        var bytes = new List<byte[]>();
        foreach (var c in covers.Take(3))
        {
            var response = await client.GetAsync($"/images/{c.CoverPhotoKey}/listing.webp");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            bytes.Add(await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(3, bytes.Select(Convert.ToBase64String).Distinct().Count());
        Assert.NotEqual(DemoPhotos.Render(1, ""), DemoPhotos.Render(2, ""));
        // Run again: nothing more for products that have photos now.
        using (var scope = app.Services.CreateScope())
            Assert.Equal(made, await scope.ServiceProvider.GetRequiredService<DemoPhotos>().GenerateAsync(2, default) + made);

        // Products without photos show the category's illustration; no emoji anywhere in the storefront.
        var home = await client.GetPageAsync("/");
        Assert.NotEmpty(home.QuerySelectorAll("img.cat-icon[src^='/img/categories/']"));
        var html = home.DocumentElement.OuterHtml;
        Assert.DoesNotMatch(@"[\u2600-\u27BF]|[\uD83C-\uD83E][\uDC00-\uDFFF]", html);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/img/categories/1.svg")).StatusCode);
    }
}
