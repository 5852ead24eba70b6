using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RatingTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OrderLines_ProductId",
                table: "OrderLines");

            migrationBuilder.AddColumn<int>(
                name: "RatingCount",
                table: "Vendors",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "RatingDeliverySum",
                table: "Vendors",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RatingQualitySum",
                table: "Vendors",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RatingServiceSum",
                table: "Vendors",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "RatingCount",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "RatingDeliverySum",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RatingQualitySum",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RatingServiceSum",
                table: "Products",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_Orders_BudgetUnitId_Status_Id",
                table: "Orders",
                columns: new[] { "BudgetUnitId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_ProductId_OrderId",
                table: "OrderLines",
                columns: new[] { "ProductId", "OrderId" });

            // Totals of the orders evaluated so far (the same SQL as RatingTotals.RecomputeSql at the time, for every provider).
            migrationBuilder.Sql(
                """
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
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_BudgetUnitId_Status_Id",
                table: "Orders");

            migrationBuilder.DropIndex(
                name: "IX_OrderLines_ProductId_OrderId",
                table: "OrderLines");

            migrationBuilder.DropColumn(
                name: "RatingCount",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "RatingDeliverySum",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "RatingQualitySum",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "RatingServiceSum",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "RatingCount",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "RatingDeliverySum",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "RatingQualitySum",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "RatingServiceSum",
                table: "Products");

            migrationBuilder.CreateIndex(
                name: "IX_OrderLines_ProductId",
                table: "OrderLines",
                column: "ProductId");
        }
    }
}
