using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Marketplace.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class VendorCredit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "CreditComputedAt",
                table: "Vendors",
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CreditGrade",
                table: "Vendors",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CreditScoreTenths",
                table: "Vendors",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "InvoiceUploadedAt",
                table: "Orders",
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ShippedAt",
                table: "Orders",
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Complaints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    VendorId = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    FiledByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    FiledAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    RulingNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RuledByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RuledAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Complaints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Complaints_Orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "Orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Complaints_Vendors_VendorId",
                        column: x => x.VendorId,
                        principalTable: "Vendors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "VendorCreditChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    VendorId = table.Column<int>(type: "integer", nullable: false),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    ScoreTenths = table.Column<int>(type: "integer", nullable: false),
                    PaidOrders = table.Column<int>(type: "integer", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp without time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VendorCreditChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VendorCreditChanges_Vendors_VendorId",
                        column: x => x.VendorId,
                        principalTable: "Vendors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Orders_VendorId_PaidAt",
                table: "Orders",
                columns: new[] { "VendorId", "PaidAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_OrderId",
                table: "Complaints",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_Status_Id",
                table: "Complaints",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Complaints_VendorId_Status",
                table: "Complaints",
                columns: new[] { "VendorId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_VendorCreditChanges_VendorId_Id",
                table: "VendorCreditChanges",
                columns: new[] { "VendorId", "Id" });

            // Orders shipped before these columns existed: the shipping time is in their history; their invoices
            // count as on time (the upload time was not kept).
            migrationBuilder.Sql("UPDATE \"Orders\" SET \"ShippedAt\" = (SELECT MIN(h.\"At\") FROM \"OrderHistory\" h WHERE h.\"OrderId\" = \"Orders\".\"Id\" AND h.\"Action\" = 'Ship')");
            migrationBuilder.Sql("UPDATE \"Orders\" SET \"InvoiceUploadedAt\" = \"ShippedAt\" WHERE \"InvoiceKey\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Complaints");

            migrationBuilder.DropTable(
                name: "VendorCreditChanges");

            migrationBuilder.DropIndex(
                name: "IX_Orders_VendorId_PaidAt",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "CreditComputedAt",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "CreditGrade",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "CreditScoreTenths",
                table: "Vendors");

            migrationBuilder.DropColumn(
                name: "InvoiceUploadedAt",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "ShippedAt",
                table: "Orders");
        }
    }
}
