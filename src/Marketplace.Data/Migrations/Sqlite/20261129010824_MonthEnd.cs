using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MonthEnd : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsActive",
                table: "BudgetUnits",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long>(
                name: "NotificationsReadThroughId",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "EmailMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceKey = table.Column<string>(type: "TEXT", unicode: false, maxLength: 120, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonthEndRuns",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ScopeRegionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    UnitsProcessed = table.Column<int>(type: "INTEGER", nullable: false),
                    AlertsRaised = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthEndRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QuotaAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BudgetUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionId = table.Column<int>(type: "INTEGER", nullable: false),
                    ReservedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletionBp = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpectedBp = table.Column<int>(type: "INTEGER", nullable: false),
                    ShortfallFen = table.Column<long>(type: "INTEGER", nullable: false),
                    NeededPerMonthFen = table.Column<long>(type: "INTEGER", nullable: false),
                    MonthsBehind = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaAlerts_BudgetUnits_BudgetUnitId",
                        column: x => x.BudgetUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "QuotaLedgerMonths",
                columns: table => new
                {
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    BudgetUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    AmountFen = table.Column<long>(type: "INTEGER", nullable: false),
                    Lines = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaLedgerMonths", x => new { x.Year, x.BudgetUnitId, x.Month });
                    table.CheckConstraint("CK_QuotaLedgerMonths_Month", "\"Month\" BETWEEN 1 AND 12");
                    table.ForeignKey(
                        name: "FK_QuotaLedgerMonths_BudgetUnits_BudgetUnitId",
                        column: x => x.BudgetUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RegionMonthTotals",
                columns: table => new
                {
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Units = table.Column<int>(type: "INTEGER", nullable: false),
                    Exempt = table.Column<int>(type: "INTEGER", nullable: false),
                    Shared = table.Column<int>(type: "INTEGER", nullable: false),
                    Filed = table.Column<int>(type: "INTEGER", nullable: false),
                    Approved = table.Column<int>(type: "INTEGER", nullable: false),
                    NotFiled = table.Column<int>(type: "INTEGER", nullable: false),
                    Lagging = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<int>(type: "INTEGER", nullable: false),
                    ProjectedToMiss = table.Column<int>(type: "INTEGER", nullable: false),
                    ReservedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpectedFen = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionMonthTotals", x => new { x.Year, x.Month, x.RegionId });
                });

            migrationBuilder.CreateTable(
                name: "UnitMonthStandings",
                columns: table => new
                {
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    BudgetUnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ReservedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    PlannedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpectedFen = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletionBp = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpectedBp = table.Column<int>(type: "INTEGER", nullable: false),
                    LagBp = table.Column<int>(type: "INTEGER", nullable: false),
                    ShortfallFen = table.Column<long>(type: "INTEGER", nullable: false),
                    NeededPerMonthFen = table.Column<long>(type: "INTEGER", nullable: false),
                    MonthsBehind = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    ForecastFen = table.Column<long>(type: "INTEGER", nullable: false),
                    ProjectedToMiss = table.Column<bool>(type: "INTEGER", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnitMonthStandings", x => new { x.Year, x.Month, x.BudgetUnitId });
                    table.ForeignKey(
                        name: "FK_UnitMonthStandings_BudgetUnits_BudgetUnitId",
                        column: x => x.BudgetUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EmailMessages_SentAt_NextAttemptAt",
                table: "EmailMessages",
                columns: new[] { "SentAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailMessages_SourceKey",
                table: "EmailMessages",
                column: "SourceKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MonthEndRuns_ScopeRegionId_Year_Month_Kind",
                table: "MonthEndRuns",
                columns: new[] { "ScopeRegionId", "Year", "Month", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuotaAlerts_BudgetUnitId_Year_Month_Kind",
                table: "QuotaAlerts",
                columns: new[] { "BudgetUnitId", "Year", "Month", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuotaAlerts_Year_Month_RegionId",
                table: "QuotaAlerts",
                columns: new[] { "Year", "Month", "RegionId" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaLedgerMonths_BudgetUnitId",
                table: "QuotaLedgerMonths",
                column: "BudgetUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_UnitMonthStandings_BudgetUnitId",
                table: "UnitMonthStandings",
                column: "BudgetUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_UnitMonthStandings_Year_Month_RegionId_CompletionBp",
                table: "UnitMonthStandings",
                columns: new[] { "Year", "Month", "RegionId", "CompletionBp" });

            // Existing ledger lines get their month totals (from here on the ledger writer keeps them).
            migrationBuilder.Sql("""
INSERT INTO "QuotaLedgerMonths" ("Year", "BudgetUnitId", "Month", "AmountFen", "Lines")
SELECT "Year", "BudgetUnitId",
       CASE WHEN CAST(strftime('%Y', "On") AS INTEGER) > "Year" THEN 12 WHEN CAST(strftime('%Y', "On") AS INTEGER) < "Year" THEN 1
            ELSE CAST(strftime('%m', "On") AS INTEGER) END AS "Month",
       SUM("AmountFen"), COUNT(*)
FROM "QuotaLedgerEntries"
GROUP BY "Year", "BudgetUnitId", 3;
""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailMessages");

            migrationBuilder.DropTable(
                name: "MonthEndRuns");

            migrationBuilder.DropTable(
                name: "QuotaAlerts");

            migrationBuilder.DropTable(
                name: "QuotaLedgerMonths");

            migrationBuilder.DropTable(
                name: "RegionMonthTotals");

            migrationBuilder.DropTable(
                name: "UnitMonthStandings");

            migrationBuilder.DropColumn(
                name: "IsActive",
                table: "BudgetUnits");

            migrationBuilder.DropColumn(
                name: "NotificationsReadThroughId",
                table: "AspNetUsers");
        }
    }
}
