using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Data.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BudgetUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    AmountFen = table.Column<long>(type: "INTEGER", nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SourceKey = table.Column<string>(type: "TEXT", unicode: false, maxLength: 80, nullable: false),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
            migrationBuilder.Sql("CREATE TRIGGER TR_QuotaLedgerEntries_NoUpdate BEFORE UPDATE ON QuotaLedgerEntries BEGIN SELECT RAISE(ABORT, 'QuotaLedgerEntries is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER TR_QuotaLedgerEntries_NoDelete BEFORE DELETE ON QuotaLedgerEntries BEGIN SELECT RAISE(ABORT, 'QuotaLedgerEntries is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TR_QuotaLedgerEntries_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS TR_QuotaLedgerEntries_NoDelete;");

            migrationBuilder.DropTable(
                name: "QuotaLedgerEntries");
        }
    }
}
