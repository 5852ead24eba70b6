using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class QuotaFilings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QuotaFilings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    BudgetUnitId = table.Column<int>(type: "int", nullable: false),
                    Year = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<int>(type: "int", nullable: false),
                    IsEffective = table.Column<bool>(type: "bit", nullable: false),
                    Arrangement = table.Column<int>(type: "int", nullable: false),
                    CanteenTotalFen = table.Column<long>(type: "bigint", nullable: false),
                    RatioBp = table.Column<int>(type: "int", nullable: false),
                    ReservedFen = table.Column<long>(type: "bigint", nullable: false),
                    NeedsExemption = table.Column<bool>(type: "bit", nullable: false),
                    ExemptionReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CateringOperator = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    HostUnitId = table.Column<int>(type: "int", nullable: true),
                    SubmittedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    IsLate = table.Column<bool>(type: "bit", nullable: false),
                    ReturnReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    ApprovedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaFilings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaFilings_BudgetUnits_BudgetUnitId",
                        column: x => x.BudgetUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_QuotaFilings_BudgetUnits_HostUnitId",
                        column: x => x.HostUnitId,
                        principalTable: "BudgetUnits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RegionPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RegionId = table.Column<int>(type: "int", nullable: false),
                    Year = table.Column<int>(type: "int", nullable: false),
                    MinimumRatioBp = table.Column<int>(type: "int", nullable: false),
                    FilingDeadline = table.Column<DateOnly>(type: "date", nullable: false),
                    UnionPurchasesCount = table.Column<bool>(type: "bit", nullable: false),
                    AlertThresholdBp = table.Column<int>(type: "int", nullable: false),
                    CurveBp = table.Column<string>(type: "varchar(100)", unicode: false, maxLength: 100, nullable: false),
                    SetByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RegionPolicies_Regions_RegionId",
                        column: x => x.RegionId,
                        principalTable: "Regions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "MonthlyPlanAmounts",
                columns: table => new
                {
                    FilingId = table.Column<int>(type: "int", nullable: false),
                    Month = table.Column<int>(type: "int", nullable: false),
                    AmountFen = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlyPlanAmounts", x => new { x.FilingId, x.Month });
                    table.CheckConstraint("CK_MonthlyPlanAmounts_Month", "\"Month\" BETWEEN 1 AND 12");
                    table.ForeignKey(
                        name: "FK_MonthlyPlanAmounts_QuotaFilings_FilingId",
                        column: x => x.FilingId,
                        principalTable: "QuotaFilings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QuotaFilingEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FilingId = table.Column<int>(type: "int", nullable: false),
                    From = table.Column<int>(type: "int", nullable: false),
                    To = table.Column<int>(type: "int", nullable: false),
                    Action = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: false),
                    ActorUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    ActorName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaFilingEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaFilingEvents_QuotaFilings_FilingId",
                        column: x => x.FilingId,
                        principalTable: "QuotaFilings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaFilingEvents_FilingId_Id",
                table: "QuotaFilingEvents",
                columns: new[] { "FilingId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaFilings_BudgetUnitId_Year_Version",
                table: "QuotaFilings",
                columns: new[] { "BudgetUnitId", "Year", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuotaFilings_HostUnitId",
                table: "QuotaFilings",
                column: "HostUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_QuotaFilings_Year_Status",
                table: "QuotaFilings",
                columns: new[] { "Year", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_RegionPolicies_RegionId_Year",
                table: "RegionPolicies",
                columns: new[] { "RegionId", "Year" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MonthlyPlanAmounts");

            migrationBuilder.DropTable(
                name: "QuotaFilingEvents");

            migrationBuilder.DropTable(
                name: "RegionPolicies");

            migrationBuilder.DropTable(
                name: "QuotaFilings");
        }
    }
}
