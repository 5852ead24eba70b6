using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Marketplace.Browser.Tests;

/// <summary>A new vendor's journey: registers, the county recommends, the platform approves, a product with a photo is listed and found by search.</summary>
public class VendorJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_vendor_registers_is_recommended_and_approved_and_lists_a_product_with_a_photo_that_search_finds()
    {
        var county = await app.Db(db => db.Users.Where(u => u.UserName == "finance.county").Select(u => u.RegionId!.Value).SingleAsync());
        var first17 = $"93{county:D6}MA{Random.Shared.Next(1_000_000, 9_999_999)}";
        var creditCode = first17 + UnifiedSocialCreditCode.ComputeCheckChar(first17);
        var suffix = Random.Shared.Next(1000, 9999);
        var vendorName = $"黔山高原农业专业合作社{suffix}";

        var applicant = await Tab.OpenAsync(app, "vendor", "applicant");
        await applicant.GoAsync("/vendor/apply");
        var p = applicant.Page;
        await p.FillAsync("input[name=VendorName]", vendorName);
        await p.SelectOptionAsync("select[name=CountyId]", $"{county}");
        await p.FillAsync("input[name=CreditCode]", creditCode);
        await p.FillAsync("input[name=ContactName]", "王桂兰");
        await p.FillAsync("input[name=ContactPhone]", "13912345678");
        await p.FillAsync("input[name=Email]", $"coop{suffix}@example.cn");
        await p.FillAsync("input[name=UserName]", $"coop{suffix}");
        await p.FillAsync("input[name=Password]", "Hezuoshe#2026");
        await p.FillAsync("textarea[name=FarmerLinkage]", "带动本村建档立卡脱贫户126户种植高山香米，保底收购。");
        await p.FillAsync("textarea[name=Introduction]", "海拔1200米梯田种植，一年一季。");
        await applicant.SubmitAsync("/vendor/apply");
        await p.WaitForURLAsync(u => u.Contains("/vendor/apply/submitted"));
        await applicant.StepAsync("applied");
        var vendorId = await app.Db(db => db.Vendors.Where(v => v.Name == vendorName).Select(v => v.Id).SingleAsync());

        var bureau = await Tab.OpenAsync(app, "vendor", "county");
        await bureau.SignInAsync("finance.county");
        await bureau.GoAsync("/admission/vendors");
        Assert.Contains(vendorName, await bureau.Page.InnerTextAsync("main"));
        await bureau.GoAsync($"/admission/vendors/{vendorId}");
        await bureau.SubmitAsync($"/admission/vendors/{vendorId}/Recommend");
        await bureau.StepAsync("recommended");

        var admin = await Tab.OpenAsync(app, "vendor", "admin");
        await admin.SignInAsync("admin");
        await admin.GoAsync($"/admission/vendors/{vendorId}");
        await admin.SubmitAsync($"/admission/vendors/{vendorId}/Approve");
        await admin.StepAsync("approved");
        Assert.Equal(VendorStatus.Active, await app.Db(db => db.Vendors.Where(v => v.Id == vendorId).Select(v => v.Status).SingleAsync()));

        var vendor = await Tab.OpenAsync(app, "vendor", "vendor");
        await vendor.SignInAsync($"coop{suffix}", "Hezuoshe#2026");
        await vendor.GoAsync("/vendor/products/new");
        var productName = $"黔山高原香米{suffix}";
        var v = vendor.Page;
        await v.FillAsync("input[name=Name]", productName);
        await v.SelectOptionAsync("select[name=CategoryId]", new SelectOptionValue { Index = 1 });
        await v.SelectOptionAsync("select[name=OriginCountyId]", $"{county}");
        await v.FillAsync("input[name=Specification]", "5kg/袋");
        await v.SelectOptionAsync("select[name=Unit]", new SelectOptionValue { Label = "袋" });
        await v.FillAsync("input[name=PriceYuan]", "68.50");
        await v.FillAsync("input[name=Stock]", "500");
        await v.FillAsync("input[name=MinOrderQuantity]", "2");
        await v.FillAsync("textarea[name=Description]", "当年新米，真空包装。");
        await vendor.SubmitAsync("/vendor/products/new");
        await v.WaitForURLAsync(u => System.Text.RegularExpressions.Regex.IsMatch(u, @"/vendor/products/\d+$"));
        var productUrl = new Uri(v.Url).AbsolutePath;
        using (var photo = NetVips.Image.Black(960, 720, bands: 3).Linear([1.0, 1.0, 1.0], [120.0, 160.0, 60.0]).Cast(NetVips.Enums.BandFormat.Uchar))
            await v.SetInputFilesAsync($"form[action='{productUrl}/photos'] input[type=file]",
                new FilePayload { Name = "rice.jpg", MimeType = "image/jpeg", Buffer = photo.JpegsaveBuffer(q: 85) });
        await vendor.SubmitAsync($"{productUrl}/photos");
        Assert.True(await v.Locator("img[src^='/images/']").CountAsync() > 0, "the photo shows on the product form");
        await vendor.SubmitAsync($"{productUrl}/SubmitForReview");
        await vendor.StepAsync("submitted-for-review");
        await v.Locator("a[href^='/culture/en']").First.ClickAsync();
        await v.WaitForLoadStateAsync(LoadState.Load);
        Assert.Equal("en", await v.GetAttributeAsync("html", "lang"));
        await vendor.StepAsync("product-en");

        var productId = int.Parse(productUrl.Split('/')[^1]);
        // The queue is oldest first, a page at a time; the keyset cursor opens the page that starts at this product.
        await admin.GoAsync($"/admin/products?after={productId - 1}");
        await admin.SubmitAsync($"/admin/products/{productId}/Approve");
        await admin.StepAsync("product-approved");

        // Search finds it (the index follows the change feed within about a second), with its photo.
        var visitor = await Tab.OpenAsync(app, "vendor", "visitor");
        var found = false;
        for (var i = 0; i < 40 && !found; i++)
        {
            await visitor.GoAsync("/search?q=" + Uri.EscapeDataString(productName));
            found = await visitor.Page.Locator($".results .card a[href='/products/{productId}']").CountAsync() > 0;
            if (!found) await Task.Delay(250);
        }
        Assert.True(found, $"search finds {productName}");
        Assert.True(await visitor.Page.Locator($".results .card a[href='/products/{productId}'] img[src^='/images/']").CountAsync() > 0, "with its photo");
        await visitor.StepAsync("found");
        foreach (var tab in new[] { applicant, bureau, admin, vendor, visitor }) await tab.CloseAsync();
    }
}
