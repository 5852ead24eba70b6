using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class QuotaLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QuotaLedgerEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    BudgetUnitId = table.Column<int>(type: "int", nullable: false),
                    Year = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    AmountFen = table.Column<long>(type: "bigint", nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    SourceKey = table.Column<string>(type: "varchar(80)", unicode: false, maxLength: 80, nullable: false),
                    OrderId = table.Column<long>(type: "bigint", nullable: true),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaLedgerEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaLedgerEntries_BudgetUnits_BudgetUnitId",
                        column: x => x.BudgetUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaLedgerEntries_BudgetUnitId_Year_On",
                table: "QuotaLedgerEntries",
                columns: new[] { "BudgetUnitId", "Year", "On" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaLedgerEntries_OrderId",
                table: "QuotaLedgerEntries",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaLedgerEntries_SourceKey",
                table: "QuotaLedgerEntries",
                column: "SourceKey",
                unique: true);

            // The ledger is append-only at the database level too: corrections are new entries.
            // EXEC keeps CREATE TRIGGER first in its own batch, also inside the idempotent script's IF blocks.
            migrationBuilder.Sql(@"EXEC(N'CREATE TRIGGER TR_QuotaLedgerEntries_AppendOnly ON QuotaLedgerEntries INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, ''QuotaLedgerEntries is append-only'', 1;
END')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TR_QuotaLedgerEntries_AppendOnly;");

            migrationBuilder.DropTable(
                name: "QuotaLedgerEntries");
        }
    }
}
