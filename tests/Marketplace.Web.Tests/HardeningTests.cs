using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;

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
