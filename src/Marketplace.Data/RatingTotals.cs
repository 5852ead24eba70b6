using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data;

/// <summary>
/// Each product's and vendor's count of evaluated orders and the sums of their ratings, kept on the row so that a
/// product page or a shop shows its averages without reading every order it ever had (a popular product's page read
/// twenty thousand orders for its averages). An evaluation adds to them in the evaluation's own transaction; an order
/// is evaluated once and its ratings never change, so nothing ever subtracts.
/// </summary>
public static class RatingTotals
{
    /// <summary>Adds one evaluated order's ratings to its products and its vendor (in the caller's transaction).</summary>
    public static async Task AddAsync(MarketplaceDbContext db, Order order, int quality, int delivery, int service, CancellationToken ct)
    {
        var orderId = order.Id;
        var products = await db.OrderLines.Where(l => l.OrderId == orderId).Select(l => l.ProductId).Distinct().ToListAsync(ct);
        await db.Products.Where(p => products.Contains(p.Id)).ExecuteUpdateAsync(u => u
            .SetProperty(p => p.RatingCount, p => p.RatingCount + 1)
            .SetProperty(p => p.RatingQualitySum, p => p.RatingQualitySum + quality)
            .SetProperty(p => p.RatingDeliverySum, p => p.RatingDeliverySum + delivery)
            .SetProperty(p => p.RatingServiceSum, p => p.RatingServiceSum + service), ct);
        var vendorId = order.VendorId;
        await db.Vendors.Where(v => v.Id == vendorId).ExecuteUpdateAsync(u => u
            .SetProperty(v => v.RatingCount, v => v.RatingCount + 1)
            .SetProperty(v => v.RatingQualitySum, v => v.RatingQualitySum + quality)
            .SetProperty(v => v.RatingDeliverySum, v => v.RatingDeliverySum + delivery)
            .SetProperty(v => v.RatingServiceSum, v => v.RatingServiceSum + service), ct);
        // The products' (and through them the shop's) stored public pages show the averages: evict them.
        var now = DateTime.UtcNow;
        foreach (var id in products) db.ProductChanges.Add(new ProductChange { ProductId = id, At = now });
    }

    /// <summary>
    /// Recomputes every total from the orders (portable SQL: SQLite, PostgreSQL, SQL Server). The migration that added
    /// the columns runs it; so does the demo seed after loading its orders in bulk.
    /// </summary>
    public const string RecomputeSql = """
        UPDATE "Products" SET
            "RatingCount" = (SELECT COUNT(*) FROM "OrderLines" l JOIN "Orders" o ON o."Id" = l."OrderId" WHERE l."ProductId" = "Products"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingQualitySum" = (SELECT COALESCE(SUM(o."RatingQuality"), 0) FROM "OrderLines" l JOIN "Orders" o ON o."Id" = l."OrderId" WHERE l."ProductId" = "Products"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingDeliverySum" = (SELECT COALESCE(SUM(o."RatingDelivery"), 0) FROM "OrderLines" l JOIN "Orders" o ON o."Id" = l."OrderId" WHERE l."ProductId" = "Products"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingServiceSum" = (SELECT COALESCE(SUM(o."RatingService"), 0) FROM "OrderLines" l JOIN "Orders" o ON o."Id" = l."OrderId" WHERE l."ProductId" = "Products"."Id" AND o."RatingQuality" IS NOT NULL)
        WHERE "Id" IN (SELECT l."ProductId" FROM "OrderLines" l JOIN "Orders" o ON o."Id" = l."OrderId" WHERE o."RatingQuality" IS NOT NULL);
        UPDATE "Vendors" SET
            "RatingCount" = (SELECT COUNT(*) FROM "Orders" o WHERE o."VendorId" = "Vendors"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingQualitySum" = (SELECT COALESCE(SUM(o."RatingQuality"), 0) FROM "Orders" o WHERE o."VendorId" = "Vendors"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingDeliverySum" = (SELECT COALESCE(SUM(o."RatingDelivery"), 0) FROM "Orders" o WHERE o."VendorId" = "Vendors"."Id" AND o."RatingQuality" IS NOT NULL),
            "RatingServiceSum" = (SELECT COALESCE(SUM(o."RatingService"), 0) FROM "Orders" o WHERE o."VendorId" = "Vendors"."Id" AND o."RatingQuality" IS NOT NULL)
        WHERE "Id" IN (SELECT o."VendorId" FROM "Orders" o WHERE o."RatingQuality" IS NOT NULL);
        """;
}
