using System.Diagnostics;
using Marketplace.Data;
using Marketplace.Data.Finance;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Tools;

/// <summary>month-end and bench-finance: the finance bureau's month-end job and dashboard reads, measured.</summary>
public static class FinanceCommands
{
    public static async Task<int> MonthEndAsync(MarketplaceDbContext db, int year, int month, int region, string? outFile, bool coveringBaseline)
    {
        if (year == 0 || month is < 1 or > 12) throw new ArgumentException("--year and --month (1–12) are required.");
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var units = await db.BudgetUnits.CountAsync(u => u.IsActive);
        var lines = await db.QuotaLedgerEntries.LongCountAsync(x => x.Year == year);
        Console.WriteLine($"Month end {year}-{month:00}, scope {(region == 0 ? "all regions" : RegionCode.Format(region))}: {units:N0} active units, {lines:N0} ledger lines in {year}.");

        // Baseline: the bare aggregate every unit's completion needs, over the same covering index.
        var baseline = await BareAggregateAsync(db, year, month);
        Console.WriteLine($"  baseline (bare SQL GROUP BY over the ledger): {baseline.TotalMilliseconds:N0} ms");
        if (coveringBaseline && db.Database.IsSqlite())
        {
            // The issue's yardstick: the same aggregate over a covering index (built here for the measurement, then dropped).
            var sw = Stopwatch.StartNew();
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX IF NOT EXISTS \"bench_ledger_covering\" ON \"QuotaLedgerEntries\" (\"Year\", \"BudgetUnitId\", \"On\", \"AmountFen\")");
            Console.WriteLine($"  (covering index built in {sw.Elapsed.TotalSeconds:N1} s)");
            await BareAggregateAsync(db, year, month); // warm
            baseline = await BareAggregateAsync(db, year, month);
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"bench_ledger_covering\"");
            Console.WriteLine($"  baseline with a covering index: {baseline.TotalMilliseconds:N0} ms");
        }

        var before = GC.GetTotalAllocatedBytes();
        var job = new MonthEndJob(db, TimeProvider.System) { Log = Console.WriteLine };
        var result = await job.RunMonthEndAsync(region, year, month, "month-end command", CancellationToken.None);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine($"  month end: {result.Elapsed.TotalMilliseconds:N0} ms for {result.Units:N0} units, {result.AlertsRaised:N0} new alerts" +
                          $"{(result.Resumed ? " (resumed)" : "")}; ratio to baseline {result.Elapsed / baseline:0.00}x; " +
                          $"peak working set {peak / 1024 / 1024:N0} MiB, allocated {(GC.GetTotalAllocatedBytes() - before) / 1024 / 1024:N0} MiB");

        if (outFile is not null)
        {
            var (lo, hi) = region == 0 ? (0, int.MaxValue) : RegionCode.SubtreeRange(region);
            var alerts = from a in db.QuotaAlerts.AsNoTracking()
                         where a.Year == year && a.Month == month && a.RegionId >= lo && a.RegionId <= hi
                         join u in db.BudgetUnits on a.BudgetUnitId equals u.Id
                         orderby a.Kind, a.BudgetUnitId
                         select new AlertRow(u.CreditCode, u.Name, a.Kind, a.CompletionBp, a.ExpectedBp, a.ShortfallFen, a.NeededPerMonthFen, a.MonthsBehind, a.Escalated);
            var columns = new ExportColumn<AlertRow>[]
            {
                new("统一社会信用代码", a => a.CreditCode), new("单位名称", a => a.Name), new("预警类型", a => ExportTables.AlertName(a.Kind)),
                new("完成率(%)", a => ExportTables.Percent(a.CompletionBp)), new("时间进度(%)", a => ExportTables.Percent(a.ExpectedBp)),
                new("差额(元)", a => ExportTables.Yuan(a.ShortfallFen)), new("此后每月需采购(元)", a => ExportTables.Yuan(a.NeededPerMonthFen)),
                new("连续落后月数", a => a.MonthsBehind), new("通报", a => a.Escalated ? "是" : "否"),
            };
            await using var file = File.Create(outFile);
            await Csv.WriteAsync(file, columns, alerts.AsAsyncEnumerable(), CancellationToken.None);
            Console.WriteLine($"  alerts written to {Path.GetFullPath(outFile)}");
        }
        return 0;
    }

    private sealed record AlertRow(string CreditCode, string Name, AlertKind Kind, int CompletionBp, int ExpectedBp, long ShortfallFen,
        long NeededPerMonthFen, int MonthsBehind, bool Escalated);

    private static async Task<TimeSpan> BareAggregateAsync(MarketplaceDbContext db, int year, int month)
    {
        var end = MonthEndRules.LastDayOf(year, month);
        var sw = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT \"BudgetUnitId\", SUM(\"AmountFen\") FROM \"QuotaLedgerEntries\" WHERE \"Year\" = @y AND \"On\" <= @end GROUP BY \"BudgetUnitId\"";
            var y = cmd.CreateParameter(); y.ParameterName = "@y"; y.Value = year; cmd.Parameters.Add(y);
            var e = cmd.CreateParameter(); e.ParameterName = "@end"; e.Value = end.ToString("yyyy-MM-dd"); cmd.Parameters.Add(e);
            cmd.CommandTimeout = 600;
            long sum = 0;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) sum += reader.GetInt64(1);
            GC.KeepAlive(sum);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return sw.Elapsed;
    }

    public static async Task<int> BenchAsync(MarketplaceDbContext db, int year, int month, int region, int iterations)
    {
        if (year == 0) (year, month) = MonthEndJob.LastClosedMonth(MonthEndJob.TodayInChina(TimeProvider.System));
        var scope = new FinanceScope(region, year, month);
        var queries = new FinanceQueries(db);
        if (!await queries.HasRunAsync(scope, default)) throw new InvalidOperationException($"No month end for {year}-{month:00} in this scope: run month-end first.");
        var units = await db.UnitMonthStandings.CountAsync(s => s.Year == year && s.Month == month && s.RegionId >= scope.Range.From && s.RegionId <= scope.Range.To);
        Console.WriteLine($"bench-finance {year}-{month:00}, scope {(region == 0 ? "all regions" : RegionCode.Format(region))}: {units:N0} units; {iterations} runs each (ms)");
        string? cursor = null;
        var sections = new (string Name, Func<Task> Run)[]
        {
            ("totals + sub-regions", async () => await queries.SubRegionsAsync(scope, default)),
            ("units, first page", async () =>
            {
                var page = await queries.UnitsAsync(scope, new UnitQuery(), 51).ToListAsync();
                cursor = FinanceQueries.CursorOf(page[49], "completion");
            }),
            ("units, next page (keyset)", async () => await queries.UnitsAsync(scope, new UnitQuery(After: cursor), 51).ToListAsync()),
            ("lagging units, first page", async () => await queries.UnitsAsync(scope, new UnitQuery("lagging"), 51).ToListAsync()),
            ("通报 list (escalated, 50)", async () => await queries.UnitsAsync(scope, new UnitQuery("escalated", Sort: "shortfall"), 50).ToListAsync()),
            ("top + bottom 10", async () => { await queries.RankAsync(scope, true, 10, default); await queries.RankAsync(scope, false, 10, default); }),
            ("monthly series", async () => await queries.MonthlySeriesAsync(scope, default)),
            ("distribution", async () => await queries.DistributionAsync(scope, default)),
        };
        var firstPage = TimeSpan.Zero;
        foreach (var (name, run) in sections)
        {
            var t = await Measure(run, iterations);
            Console.WriteLine($"  {name,-28} p50 {t.P50,8:0.00}  p95 {t.P95,8:0.00}");
            firstPage += TimeSpan.FromMilliseconds(t.P50);
        }
        Console.WriteLine($"  {"dashboard first page (sum)",-28} p50 {firstPage.TotalMilliseconds,8:0.00}");

        // Export: every unit of the scope through the CSV writer, next to a bare read of the same rows.
        var columns = ExportTables.Units(id => RegionCode.Format(id));
        var export = await Measure(() => Csv.WriteAsync(Stream.Null, columns, queries.UnitsAsync(scope, new UnitQuery(Sort: "unit"), null), default), Math.Max(3, iterations / 5));
        var bare = await Measure(async () =>
        {
            var n = 0;
            await foreach (var _ in db.UnitMonthStandings.AsNoTracking().Where(s => s.Year == year && s.Month == month && s.RegionId >= scope.Range.From && s.RegionId <= scope.Range.To)
                               .Select(s => new { s.BudgetUnitId, s.CompletedFen }).AsAsyncEnumerable()) n++;
        }, Math.Max(3, iterations / 5));
        Console.WriteLine($"  {"CSV export, all units",-28} p50 {export.P50,8:0.00}  p95 {export.P95,8:0.00}   (bare read of the rows p50 {bare.P50:0.00}; ratio {export.P50 / bare.P50:0.0}x)");
        return 0;
    }

    private static async Task<(double P50, double P95)> Measure(Func<Task> run, int iterations)
    {
        await run(); // warm-up
        var times = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            await run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[(int)(times.Count * 0.5)], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)]);
    }
}
