using System.Globalization;
using Marketplace.Data.Finance;
using Marketplace.Domain;
using Marketplace.Web.Features.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using MiniExcelLibs;

namespace Marketplace.Web.Features.Finance;

/// <summary>
/// 财政部门看板: a region's reserved-share progress for a closed month — totals, sub-regions with drill-down, units
/// (filters, sorts, keyset pages), rankings, the lagging and 通报 lists, charts, exports and the printable report.
/// </summary>
[Authorize(Roles = Roles.FinanceBureau + "," + Roles.PlatformAdmin)]
[Route("finance")]
public sealed class FinanceController(FinanceService finance, FinanceQueries queries, QuotaService quota, Infrastructure.RegionDirectory regions) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(int? year, int? month, int? region, string? filter, string? band, string? sort, string? after, string? q, CancellationToken ct)
    {
        var actor = User.ToActor();
        var scope = finance.ScopeFor(actor, region, year, month);
        return View("Dashboard", await finance.DashboardAsync(actor, scope, Query(filter, band, sort, after, q), ct));
    }

    [HttpGet("units.csv")]
    public Task UnitsCsv(int? year, int? month, int? region, string? filter, string? band, string? sort, string? q, CancellationToken ct)
    {
        var scope = finance.ScopeFor(User.ToActor(), region, year, month);
        return StreamCsvAsync($"units-{Stamp(scope)}.csv", ExportTables.Units(regions.PathOf), queries.UnitsAsync(scope, Query(filter, band, sort, null, q), null), ct);
    }

    [HttpGet("units.xlsx")]
    public Task<IActionResult> UnitsXlsx(int? year, int? month, int? region, string? filter, string? band, string? sort, string? q, CancellationToken ct)
    {
        var scope = finance.ScopeFor(User.ToActor(), region, year, month);
        return XlsxAsync($"units-{Stamp(scope)}.xlsx", "单位进度", ExportTables.Units(regions.PathOf), queries.UnitsAsync(scope, Query(filter, band, sort, null, q), null), ct);
    }

    [HttpGet("regions.csv")]
    public async Task RegionsCsv(int? year, int? month, int? region, CancellationToken ct)
    {
        var scope = finance.ScopeFor(User.ToActor(), region, year, month);
        var rows = await queries.SubRegionsAsync(scope, ct);
        await StreamCsvAsync($"regions-{Stamp(scope)}.csv", ExportTables.Regions(id => finance.ChildName(scope, id)), Csv.ToAsync(rows), ct);
    }

    [HttpGet("regions.xlsx")]
    public async Task<IActionResult> RegionsXlsx(int? year, int? month, int? region, CancellationToken ct)
    {
        var scope = finance.ScopeFor(User.ToActor(), region, year, month);
        var rows = await queries.SubRegionsAsync(scope, ct);
        return await XlsxAsync($"regions-{Stamp(scope)}.xlsx", "地区汇总", ExportTables.Regions(id => finance.ChildName(scope, id)), Csv.ToAsync(rows), ct);
    }

    /// <summary>The printable monthly 通报: totals, sub-regions, the 通报 list and the lagging units, styled for paper.</summary>
    [HttpGet("report")]
    public async Task<IActionResult> Report(int? year, int? month, int? region, CancellationToken ct)
    {
        var actor = User.ToActor();
        var scope = finance.ScopeFor(actor, region, year, month);
        var dashboard = await finance.DashboardAsync(actor, scope, new UnitQuery("lagging", Sort: "completion"), ct);
        var lagging = await queries.UnitsAsync(scope, new UnitQuery("lagging", Sort: "completion"), 500).ToListAsync(ct);
        var notFiled = await queries.UnitsAsync(scope, new UnitQuery("notfiled", Sort: "unit"), 500).ToListAsync(ct);
        return View("Report", new FinanceReport(dashboard, lagging, notFiled));
    }

    [HttpPost("month-end")]
    public async Task<IActionResult> RunMonthEnd(int year, int month, int? region, CancellationToken ct)
    {
        var actor = User.ToActor();
        var scope = finance.ScopeFor(actor, region, year, month);
        var result = await finance.RunAsync(actor, scope, ct);
        TempData["Flash"] = $"{result.Units}|{result.AlertsRaised}";
        return Redirect(DashboardUrl(scope));
    }

    [HttpPost("remind")]
    public async Task<IActionResult> Remind(int year, int month, int? region, CancellationToken ct)
    {
        var actor = User.ToActor();
        var scope = finance.ScopeFor(actor, region, year, month);
        TempData["Reminded"] = await finance.RemindLaggingAsync(actor, scope, ct);
        return Redirect(DashboardUrl(scope));
    }

    /// <summary>Drill-down from any figure to the unit: its filing, plan, progress and ledger lines with their orders.</summary>
    [HttpGet("units/{unitId:int}")]
    public async Task<IActionResult> Unit(int unitId, int? year, CancellationToken ct)
    {
        await finance.EnsureUnitVisibleAsync(User.ToActor(), unitId, ct);
        var y = year is >= 2020 and <= 2100 ? year.Value : finance.LastClosed.Year;
        return View("~/Features/Quota/Views/Unit.cshtml", await quota.UnitAsync(unitId, y, ct) with { BureauViewOfUnit = User.IsInRole(Roles.FinanceBureau) ? unitId : null });
    }

    private static string DashboardUrl(FinanceScope s) => $"/finance?year={s.Year}&month={s.Month}&region={s.RegionId}";

    private static string Stamp(FinanceScope s) => $"{(s.RegionId == 0 ? "all" : RegionCode.Format(s.RegionId))}-{s.Year}-{s.Month:00}";

    internal static UnitQuery Query(string? filter, string? band, string? sort, string? after, string? q)
    {
        int? lo = null, hi = null;
        if (!string.IsNullOrEmpty(band))
        {
            var parts = band.Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) || a > 1000
                || (parts[1].Length > 0 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b <= a)))
                throw new DomainException("完成率区间无效（例如 30-60）", "Not a valid completion band (e.g. 30-60).");
            lo = a;
            hi = parts[1].Length > 0 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : null;
        }
        return new UnitQuery(
            filter is not null && UnitQuery.Filters.Contains(filter) ? filter : null, lo, hi,
            sort is not null && UnitQuery.Sorts.Contains(sort) ? sort : "completion", after,
            string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 100)]);
    }

    private async Task StreamCsvAsync<T>(string fileName, IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
        Response.Headers.CacheControl = "private, no-store";
        await Csv.WriteAsync(Response.Body, columns, rows, ct);
    }

    /// <summary>XLSX through MiniExcel, which writes row by row into a temporary file (deleted when sent), never the whole table in memory.</summary>
    private async Task<IActionResult> XlsxAsync<T>(string fileName, string sheet, IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            var sheetRows = rows.ToBlockingEnumerable(ct).Select(r =>
            {
                var d = new Dictionary<string, object?>(columns.Count);
                foreach (var c in columns) d[c.Header] = c.Value(r);
                return d;
            });
            await Task.Run(() => file.SaveAs(sheetRows, sheetName: sheet, excelType: ExcelType.XLSX), ct);
            file.Position = 0;
            Response.Headers.CacheControl = "private, no-store";
            return File(file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}

public sealed record FinanceReport(FinanceDashboard Dashboard, IReadOnlyList<UnitRow> Lagging, IReadOnlyList<UnitRow> NotFiled);
