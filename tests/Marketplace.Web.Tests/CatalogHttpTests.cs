using System.Net;
using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class CatalogHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private async Task<(int VendorId, int County)> DemoVendorAsync() =>
        await app.Db(db => db.Users.Where(u => u.UserName == "vendor")
            .Select(u => new ValueTuple<int, int>(u.VendorId!.Value, u.Vendor!.CountyId)).FirstAsync());

    private static Dictionary<string, string> ProductForm(int county, string name = "高山明前绿茶 250g/盒", string price = "88.00", int stock = 100) => new()
    {
        ["Name"] = name, ["CategoryId"] = "8", ["OriginCountyId"] = county.ToString(), ["Specification"] = "250g/盒",
        ["Unit"] = "盒", ["PriceYuan"] = price, ["Stock"] = stock.ToString(), ["MinOrderQuantity"] = "2",
        ["Description"] = "明前采摘，手工炒制。", ["Certifications"] = "Green",
    };

    private static async Task<int> CreateAsync(HttpClient vendor, int county, string name = "高山明前绿茶 250g/盒")
    {
        var response = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", ProductForm(county, name));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return int.Parse(response.Headers.Location!.OriginalString.Split('/').Last());
    }

    private static Task<HttpResponseMessage> VendorActAsync(HttpClient vendor, int id, string command) =>
        vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}/{command}", new Dictionary<string, string>());

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient admin, int id, string command, string reason = "") =>
        admin.PostFormAsync("/admin/products", $"/admin/products/{id}/{command}", new Dictionary<string, string> { ["reason"] = reason });

    private Task<ProductStatus> StatusOf(int id) => app.Db(db => db.Products.Where(p => p.Id == id).Select(p => p.Status).FirstAsync());

    [Fact]
    public async Task A_product_goes_from_draft_through_review_to_the_storefront_and_back_to_review_on_a_price_change()
    {
        var (_, county) = await DemoVendorAsync();
        var vendor = await app.SignedInAsync("vendor");
        var admin = await app.SignedInAsync("admin");
        var id = await CreateAsync(vendor, county);
        Assert.Equal(ProductStatus.Draft, await StatusOf(id));
        Assert.Equal(8_800, await app.Db(db => db.Products.Where(p => p.Id == id).Select(p => p.PriceFen).FirstAsync()));
        await app.CreateClient().GetPageAsync($"/products/{id}", HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Redirect, (await VendorActAsync(vendor, id, "SubmitForReview")).StatusCode);
        Assert.Equal(ProductStatus.PendingReview, await StatusOf(id));
        await app.CreateClient().GetPageAsync($"/products/{id}", HttpStatusCode.NotFound);
        // The queue is worked oldest first; the new product is on its last page.
        var ids = new List<string>();
        for (var url = "/admin/products"; url is not null && ids.Count < 10_000;)
        {
            var queue = await admin.GetPageAsync(url);
            ids.AddRange(queue.QuerySelectorAll("tr[data-id]").Select(tr => tr.GetAttribute("data-id")!));
            url = queue.QuerySelector("a[rel=next]")?.GetAttribute("href");
        }
        Assert.Equal(id.ToString(), ids[^1]);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        Assert.Equal(HttpStatusCode.Redirect, (await ReviewAsync(admin, id, "Approve")).StatusCode);
        var page = await app.CreateClient().GetPageAsync($"/products/{id}");
        Assert.Equal("高山明前绿茶 250g/盒", page.QuerySelector("h1")!.TextContent);

        // Stock and description are not reviewed content: the product stays listed.
        var stockOnly = await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}", ProductForm(county, stock: 7));
        Assert.Equal(HttpStatusCode.Redirect, stockOnly.StatusCode);
        Assert.Equal(ProductStatus.Listed, await StatusOf(id));
        var dashboard = await vendor.GetPageAsync("/vendor");
        Assert.Contains(dashboard.QuerySelectorAll(".low-stock a"), a => a.GetAttribute("href") == $"/vendor/products/{id}");

        // A new price goes back to review and off the storefront.
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}", ProductForm(county, price: "99.90"))).StatusCode);
        Assert.Equal(ProductStatus.PendingReview, await StatusOf(id));
        await app.SearchCaughtUpAsync(); // a stored public page is evicted once the change feed reaches it (within a second)
        await app.CreateClient().GetPageAsync($"/products/{id}", HttpStatusCode.NotFound);

        var rejected = await ReviewAsync(admin, id, "Reject", "价格明显高于同类商品");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.Contains("价格明显高于同类商品", (await vendor.GetPageAsync($"/vendor/products/{id}")).QuerySelector(".notice")!.TextContent);
        var history = await app.Db(db => db.ProductStatusEvents.Where(e => e.ProductId == id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([ProductAction.SubmitForReview, ProductAction.Approve, ProductAction.EditedReviewedContent, ProductAction.Reject], history);
    }

    [Fact]
    public async Task Off_shelf_and_back_on_shelf_by_the_vendor()
    {
        var (vendorId, _) = await DemoVendorAsync();
        var id = await app.Db(db => db.Products.Where(p => p.VendorId == vendorId && p.Status == ProductStatus.Listed).Select(p => p.Id).FirstAsync());
        var vendor = await app.SignedInAsync("vendor");
        Assert.Equal(HttpStatusCode.Redirect, (await VendorActAsync(vendor, id, "TakeOffShelf")).StatusCode);
        await app.CreateClient().GetPageAsync($"/products/{id}", HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Redirect, (await VendorActAsync(vendor, id, "PutOnShelf")).StatusCode);
        (await app.CreateClient().GetAsync($"/products/{id}")).EnsureSuccessStatusCode();
        // Putting back what is already on the shelf is refused.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await VendorActAsync(vendor, id, "PutOnShelf")).StatusCode);
    }

    [Fact]
    public async Task A_vendor_cannot_see_or_change_another_vendors_products()
    {
        var (vendorId, county) = await DemoVendorAsync();
        var foreign = await app.Db(db => db.Products.Where(p => p.VendorId != vendorId && p.Status == ProductStatus.Listed)
            .Select(p => new { p.Id, p.Name, p.PriceFen, p.Stock, p.Version }).FirstAsync());
        var vendor = await app.SignedInAsync("vendor");

        await vendor.GetPageAsync($"/vendor/products/{foreign.Id}", HttpStatusCode.NotFound);
        Assert.DoesNotContain((await vendor.GetPageAsync("/vendor/products?status=Listed")).QuerySelectorAll("tr[data-id]"), tr => tr.GetAttribute("data-id") == foreign.Id.ToString());
        var token = await vendor.TokenFromAsync("/vendor/products/new");
        async Task<HttpStatusCode> Post(string url, Dictionary<string, string>? fields = null)
        {
            var form = new Dictionary<string, string>(fields ?? []) { ["__RequestVerificationToken"] = token };
            return (await vendor.PostAsync(url, new FormUrlEncodedContent(form))).StatusCode;
        }
        Assert.Equal(HttpStatusCode.NotFound, await Post($"/vendor/products/{foreign.Id}", ProductForm(county, "篡改的名称", "0.01", 1)));
        Assert.Equal(HttpStatusCode.NotFound, await Post($"/vendor/products/{foreign.Id}/TakeOffShelf"));
        Assert.Equal(HttpStatusCode.NotFound, await Post($"/vendor/products/{foreign.Id}/photos/1/delete"));
        var files = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(TestImages.Jpeg()), "photos", "a.jpg" } };
        Assert.Equal(HttpStatusCode.NotFound, (await vendor.PostAsync($"/vendor/products/{foreign.Id}/photos", files)).StatusCode);

        var after = await app.Db(db => db.Products.Where(p => p.Id == foreign.Id).Select(p => new { p.Id, p.Name, p.PriceFen, p.Stock, p.Version }).FirstAsync());
        Assert.Equal(foreign, after);
        Assert.Equal(ProductStatus.Listed, await StatusOf(foreign.Id));
    }

    [Fact]
    public async Task Other_roles_cannot_use_the_vendor_portal_or_the_review_queue()
    {
        var anonymous = await app.CreateBrowser().GetAsync("/vendor");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.ToString());
        var buyer = await app.SignedInAsync("buyer");
        Assert.Contains("/account/denied", (await buyer.GetAsync("/vendor/products")).Headers.Location!.ToString());
        var vendor = await app.SignedInAsync("vendor");
        Assert.Contains("/account/denied", (await vendor.GetAsync("/admin/products")).Headers.Location!.ToString());
        Assert.Contains("/account/denied", (await vendor.GetAsync("/admission/vendors")).Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("PriceYuan", "abc", "价格")]
    [InlineData("OriginCountyId", "110101", "脱贫县")]
    [InlineData("Stock", "-3", "库存")]
    [InlineData("Name", "", "商品名称")]
    public async Task Bad_product_input_is_refused_with_a_reason_and_stores_nothing(string field, string value, string reason)
    {
        var (vendorId, county) = await DemoVendorAsync();
        var vendor = await app.SignedInAsync("vendor");
        var before = await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendorId));
        var form = ProductForm(county);
        form[field] = value;
        var response = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = Html.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, html.QuerySelector(".errors")!.TextContent);
        Assert.Contains(" / ", html.QuerySelector(".errors")!.TextContent);
        Assert.Equal(before, await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendorId)));
    }

    [Theory]
    [InlineData("Stock", "")]
    [InlineData("Stock", "abc")]
    [InlineData("Stock", "1,0")]
    [InlineData("Stock", "2147483648")]
    [InlineData("MinOrderQuantity", "abc")]
    public async Task A_number_that_cannot_be_read_is_refused_by_name_and_nothing_is_saved(string field, string value)
    {
        var (vendorId, county) = await DemoVendorAsync();
        var vendor = await app.SignedInAsync("vendor");
        var before = await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendorId));
        var form = ProductForm(county);
        form[field] = value;
        var response = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var text = Html.Parse(await response.Content.ReadAsStringAsync()).Body!.TextContent;
        Assert.Contains(field, text);
        Assert.Contains(value.Length == 0 ? "不能为空" : "须为整数", text);
        Assert.Equal(before, await app.Db(db => db.Products.CountAsync(p => p.VendorId == vendorId)));
    }

    [Theory]
    [InlineData("５０", "８８．５", 50, 8850)]
    [InlineData("1,000", "1,288.00", 1000, 128800)]
    [InlineData(" 20 ", "１２", 20, 1200)]
    public async Task Full_width_digits_and_thousands_separators_are_read_as_people_type_them(string stock, string price, int expectedStock, long expectedFen)
    {
        var (_, county) = await DemoVendorAsync();
        var vendor = await app.SignedInAsync("vendor");
        var name = $"全角数字测试 {Guid.NewGuid():N}"[..20];
        var form = ProductForm(county, name);
        form["Stock"] = stock;
        form["PriceYuan"] = price;
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", form)).StatusCode);
        var saved = await app.Db(db => db.Products.Where(p => p.Name == name).Select(p => new { p.Stock, p.PriceFen }).SingleAsync());
        Assert.Equal((expectedStock, expectedFen), (saved.Stock, saved.PriceFen));
    }

    [Fact]
    public async Task Photos_are_processed_served_and_a_bad_upload_leaves_nothing_behind()
    {
        var (_, county) = await DemoVendorAsync();
        var vendor = await app.SignedInAsync("vendor");
        var admin = await app.SignedInAsync("admin");
        var id = await CreateAsync(vendor, county, "林下散养土鸡蛋 30枚/箱");
        var imagesFolder = Path.Combine(app.DataFolder, "images");
        int FileCount() => Directory.Exists(imagesFolder) ? Directory.EnumerateFiles(imagesFolder, "*", SearchOption.AllDirectories).Count() : 0;

        var ok = await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", ("egg.jpg", TestImages.Jpeg(1600, 1200)), ("box.png", TestImages.Png()));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var keys = await app.Db(db => db.ProductPhotos.Where(p => p.ProductId == id).OrderBy(p => p.SortOrder).Select(p => p.StorageKey).ToListAsync());
        Assert.Equal(2, keys.Count);
        var filesAfterGood = FileCount();

        // One bad file in a batch refuses the whole batch: nothing stored, nothing half-written.
        foreach (var (name, data, reason) in new[]
                 {
                     ("broken.jpg", TestImages.Truncated(), "损坏"),
                     ("notes.jpg", TestImages.TextRenamedToJpg(), "JPEG"),
                     ("huge.png", TestImages.HugePng(), "像素过多"),
                 })
        {
            var bad = await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", ("fine.jpg", TestImages.Jpeg()), (name, data));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
            var body = await bad.Content.ReadAsStringAsync();
            Assert.Contains(reason, body);
            Assert.Contains(name, body);
            Assert.Equal(2, await app.Db(db => db.ProductPhotos.CountAsync(p => p.ProductId == id)));
            Assert.Equal(filesAfterGood, FileCount());
        }

        // Listed with its photo: the storefront shows it and the image is served, cacheable.
        await VendorActAsync(vendor, id, "SubmitForReview");
        await ReviewAsync(admin, id, "Approve");
        var page = await app.CreateClient().GetPageAsync($"/products/{id}");
        Assert.Equal($"/images/{keys[0]}/detail.webp", page.QuerySelector("img.product-photo")!.GetAttribute("src"));
        var image = await app.CreateClient().GetAsync($"/images/{keys[0]}/listing.webp");
        Assert.Equal("image/webp", image.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", image.Headers.CacheControl!.ToString());

        // Removing a photo of a listed product sends it back to review and deletes the files.
        var photoId = await app.Db(db => db.ProductPhotos.Where(p => p.StorageKey == keys[0]).Select(p => p.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos/{photoId}/delete", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(ProductStatus.PendingReview, await StatusOf(id));
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/images/{keys[0]}/listing.webp")).StatusCode);
        Assert.Equal(keys[1], await app.Db(db => db.Products.Where(p => p.Id == id).Select(p => p.CoverPhotoKey).FirstAsync()));
    }
}
