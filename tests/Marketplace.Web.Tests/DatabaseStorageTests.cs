using System.Net;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Tests;

/// <summary>The app with uploaded files in the database (<c>Storage:Provider=Database</c>, the scale-out setting).</summary>
public sealed class DatabaseStorageApp : MarketplaceAppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Storage:Provider"] = "Database" };
}

public class DatabaseStorageTests(DatabaseStorageApp app) : IClassFixture<DatabaseStorageApp>
{
    private readonly OrderDriver _orders = new(app);

    private static Task<HttpResponseMessage> AskAsync(HttpClient buyer, long orderId, string amount, params (string Name, byte[] Data)[] photos) =>
        RefundHttpTests.AskAsync(buyer, orderId, amount, "包装破损", photos);

    /// <summary>
    /// A refund request stores its photos and records itself: the photos' rows are written by the store's own
    /// connection, so they must not wait behind the request's transaction (on SQLite that would be a 30-second stall
    /// and then a busy error).
    /// </summary>
    [Fact]
    public async Task Refund_photos_and_the_invoice_are_kept_in_the_database_and_served_from_it()
    {
        var buyer = await app.SignedInAsync("buyer");
        var order = await _orders.PlaceAsync(buyer);
        await _orders.AdvanceAsync(order.Id, OrderStatus.Shipped);
        var vendor = await app.SignedInAsync("vendor");
        var pdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"u8.ToArray();
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/orders/{order.Id}", $"/orders/{order.Id}/invoice", "invoice", ("invoice.pdf", pdf))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostFormAsync($"/orders/{order.Id}", $"/orders/{order.Id}/ConfirmDelivery", new Dictionary<string, string>())).StatusCode);
        var files = await app.Db(db => db.StoredFiles.CountAsync());
        var photos = new[] { ("a.jpg", TestImages.Jpeg(64, 48)), ("b.png", TestImages.Png(40, 40)) };

        // Refused (over the amount paid): nothing stored.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await AskAsync(buyer, order.Id, new Money(order.TotalFen + 1).ToYuanString(), photos)).StatusCode);
        Assert.Equal(files, await app.Db(db => db.StoredFiles.CountAsync()));

        var started = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(buyer, order.Id, "1", photos)).StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"the request took {DateTime.UtcNow - started}");
        Assert.Equal(files + 2, await app.Db(db => db.StoredFiles.CountAsync()));
        var refundId = await app.Db(db => db.RefundRequests.Where(r => r.OrderId == order.Id).Select(r => r.Id).FirstAsync());
        var photo = await buyer.GetAsync($"/refunds/{refundId}/photos/1");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/webp", photo.Content.Headers.ContentType!.MediaType);

        // The vendor's invoice is in the database too, served byte for byte, and no file is in the data folder.
        var invoice = await buyer.GetAsync($"/orders/{order.Id}/invoice");
        Assert.Equal(HttpStatusCode.OK, invoice.StatusCode);
        Assert.Equal(pdf, await invoice.Content.ReadAsByteArrayAsync());
        Assert.False(Directory.Exists(Path.Combine(app.DataFolder, "invoices")) && Directory.EnumerateFiles(Path.Combine(app.DataFolder, "invoices")).Any());
    }
}
