using System.Net;
using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class CatalogGuardTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    [Fact]
    public async Task A_product_has_at_most_eight_photos()
    {
        var (vendorId, county) = await app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => new ValueTuple<int, int>(u.VendorId!.Value, u.Vendor!.CountyId)).FirstAsync());
        var vendor = await app.SignedInAsync("vendor");
        var created = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", new Dictionary<string, string>
        {
            ["Name"] = "八张图测试商品", ["CategoryId"] = "1", ["OriginCountyId"] = county.ToString(), ["Unit"] = "袋",
            ["PriceYuan"] = "10", ["Stock"] = "1", ["MinOrderQuantity"] = "1",
        });
        var id = int.Parse(created.Headers.Location!.OriginalString.Split('/').Last());
        var photo = TestImages.Png(64, 64);
        var seven = Enumerable.Range(1, 7).Select(i => ($"p{i}.png", photo)).ToArray();
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", seven)).StatusCode);

        var tooMany = await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", ("p8.png", photo), ("p9.png", photo));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Contains("最多8张图片", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(7, await app.Db(db => db.ProductPhotos.CountAsync(p => p.ProductId == id)));

        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", ("p8.png", photo))).StatusCode);
        var page = await vendor.GetPageAsync($"/vendor/products/{id}");
        Assert.Null(page.QuerySelector("input[type=file]")); // the form is gone once the product is full
        _ = vendorId;
    }

    [Fact]
    public async Task Two_concurrent_writers_cannot_both_change_a_product()
    {
        var (vendorId, productId) = await app.Db(db => db.Products.Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
            .Select(p => new ValueTuple<int, int>(p.VendorId, p.Id)).FirstAsync());
        using var scopeA = app.Services.CreateScope();
        using var scopeB = app.Services.CreateScope();
        var dbA = scopeA.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var dbB = scopeB.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        var a = await dbA.Products.FirstAsync(p => p.Id == productId);
        var b = await dbB.Products.FirstAsync(p => p.Id == productId);
        a.Stock = 1;
        b.Stock = 2;
        await dbA.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => dbB.SaveChangesAsync());
        Assert.Equal(1, await app.Db(db => db.Products.Where(p => p.Id == productId).Select(p => p.Stock).FirstAsync()));

        // Through the service the loser gets a clear, bilingual refusal.
        var catalog = scopeB.ServiceProvider.GetRequiredService<CatalogService>();
        var actor = new Actor("x", "供应商", Roles.Vendor, VendorId: vendorId);
        var stale = scopeB.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
        stale.ChangeTracker.Clear();
        var loaded = await stale.Products.FirstAsync(p => p.Id == productId);
        await app.Db(async db => { var p = await db.Products.FirstAsync(x => x.Id == productId); p.Stock = 5; return await db.SaveChangesAsync(); });
        var ex = await Assert.ThrowsAsync<DomainException>(() => catalog.VendorActAsync(actor, vendorId, productId, ProductAction.TakeOffShelf, CancellationToken.None));
        Assert.Contains("刷新", ex.MessageZh);
        _ = loaded;
    }
}
