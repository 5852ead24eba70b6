using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Marketplace.Integration.Tests;

/// <summary>A clock fixed at one instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

public class MonthEndJobTests : IAsyncLifetime
{
    private const int Year = 2026;
    private readonly TempSqlite _temp = new();
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 7, 1, 2, 0, 0, TimeSpan.FromHours(8)));
    private List<BudgetUnit> _units = [];

    // Guizhou's units: [0] on track, [1] lagging, [2] no canteen, [3] shares [4]'s canteen, [4] host, [5] submitted only,
    // the rest never filed (not filed after the 31 March deadline).
    public async Task InitializeAsync()
    {
        var (db, regions) = await _temp.MigratedWithReferenceDataAsync();
        await using (db)
        {
            var data = new DemoDataGenerator(regions, new DemoDataOptions { Products = 0, Vendors = 1, BudgetUnits = 60 }).Generate();
            await BulkLoader.For(db).InsertAsync(data.Vendors);
            await BulkLoader.For(db).InsertAsync(data.BudgetUnits);
            _units = data.BudgetUnits.Where(u => RegionCode.ProvinceOf(u.RegionId) == 520000).OrderBy(u => u.Id).ToList();
            db.RegionPolicies.Add(new RegionPolicy
            {
                RegionId = 520000, Year = Year, MinimumRatioBp = 1500, FilingDeadline = new DateOnly(Year, 3, 31), AlertThresholdBp = 1000,
                CurveBp = string.Join(',', ReservationPolicy.LinearCurve.Select(c => c.Value)), SetByUserId = "test",
            });
            QuotaFiling Filing(int unit, CanteenArrangement a, long reservedYuan, bool approved = true, int? host = null) => new()
            {
                BudgetUnitId = unit, Year = Year, Version = 1, Status = approved ? FilingStatus.Approved : FilingStatus.Submitted, IsEffective = approved,
                Arrangement = a, CanteenTotalFen = reservedYuan * 500, RatioBp = 2000, ReservedFen = reservedYuan * 100, HostUnitId = host,
                SubmittedAt = new DateTime(Year, 2, 1), CreatedAt = new DateTime(Year, 2, 1),
            };
            db.QuotaFilings.AddRange(
                Filing(_units[0].Id, CanteenArrangement.OwnCanteen, 120_000),
                Filing(_units[1].Id, CanteenArrangement.OwnCanteen, 120_000),
                Filing(_units[2].Id, CanteenArrangement.NoCanteen, 0),
                Filing(_units[3].Id, CanteenArrangement.SharedWithHost, 0, host: _units[4].Id),
                Filing(_units[4].Id, CanteenArrangement.Outsourced, 120_000),
                Filing(_units[5].Id, CanteenArrangement.OwnCanteen, 120_000, approved: false));
            await db.SaveChangesAsync();
            var ledger = new LedgerWriter(db, _clock);
            // June expects 50% = 60,000; with 10 points of slack at least 48,000 is on track.
            await ledger.ApplyAsync(new OrderCompleted(1, _units[0].Id, Money.FromYuan(60_000), new DateOnly(Year, 6, 30)), default);
            await ledger.ApplyAsync(new OrderCompleted(2, _units[1].Id, Money.FromYuan(30_000), new DateOnly(Year, 5, 2)), default);
            await ledger.ApplyAsync(new OrderCompleted(3, _units[1].Id, Money.FromYuan(50_000), new DateOnly(Year, 7, 1)), default); // July: not counted
            // The host buys 30,000 itself and its guest 25,000: 55,000 together, on track.
            await ledger.ApplyAsync(new OrderCompleted(4, _units[4].Id, Money.FromYuan(30_000), new DateOnly(Year, 3, 1)), default);
            await ledger.ApplyAsync(new OrderCompleted(5, _units[3].Id, Money.FromYuan(25_000), new DateOnly(Year, 4, 1)), default);
            db.Users.Add(new AppUser { UserName = "b1", Email = "b1@example.cn", BudgetUnitId = _units[1].Id });
            db.Users.Add(new AppUser { UserName = "b2", Email = "b2@example.cn", BudgetUnitId = _units[1].Id });
            await db.SaveChangesAsync();
        }
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private MonthEndJob Job(MarketplaceDbContext db, int batch = 5_000, Action<int>? afterBatch = null) =>
        new(db, _clock) { BatchSize = batch, BatchCommitted = afterBatch, QueueEmails = true };

    private async Task<List<(int Unit, AlertKind Kind)>> AlertsAsync()
    {
        await using var db = _temp.NewContext();
        return (await db.QuotaAlerts.Where(a => a.Year == Year && a.Month == 6).Select(a => new { a.BudgetUnitId, a.Kind }).ToListAsync())
            .Select(a => (a.BudgetUnitId, a.Kind)).OrderBy(a => a).ToList();
    }

    [Fact]
    public async Task June_standings_and_alerts_follow_each_case()
    {
        await using var db = _temp.NewContext();
        var result = await Job(db).RunMonthEndAsync(520000, Year, 6, "test", default);
        Assert.Equal(_units.Count, result.Units);

        var standings = await db.UnitMonthStandings.AsNoTracking().Where(s => s.Year == Year && s.Month == 6).ToDictionaryAsync(s => s.BudgetUnitId);
        Assert.Equal(_units.Count, standings.Count);
        Assert.Equal((StandingStatus.OnTrack, 5000), (standings[_units[0].Id].Status, standings[_units[0].Id].CompletionBp)); // accepted on 30 June counts
        Assert.Equal((StandingStatus.Lagging, 2500), (standings[_units[1].Id].Status, standings[_units[1].Id].CompletionBp)); // 1 July does not
        Assert.Equal(3_000_000L, standings[_units[1].Id].ShortfallFen);
        Assert.Equal(StandingStatus.Exempt, standings[_units[2].Id].Status);
        Assert.Equal(StandingStatus.Shared, standings[_units[3].Id].Status);
        Assert.Equal((StandingStatus.OnTrack, 5_500_000L), (standings[_units[4].Id].Status, standings[_units[4].Id].CompletedFen));
        Assert.Equal(StandingStatus.Pending, standings[_units[5].Id].Status);
        Assert.All(_units.Skip(6), u => Assert.Equal(StandingStatus.NotFiled, standings[u.Id].Status));

        var alerts = await AlertsAsync();
        Assert.Contains((_units[1].Id, AlertKind.Lagging), alerts);
        Assert.Equal(_units.Count - 6, alerts.Count(a => a.Kind == AlertKind.NotFiled));
        Assert.Equal(1 + _units.Count - 6, alerts.Count);
        // The lagging unit's buyers: an in-app notification and one e-mail each.
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.BudgetUnitId == _units[1].Id));
        Assert.Equal(2, await db.EmailMessages.CountAsync());
        Assert.Contains("¥30,000.00", (await db.QuotaAlerts.SingleAsync(a => a.BudgetUnitId == _units[1].Id)).Describe().Body);
        Assert.Equal((await db.QuotaAlerts.SingleAsync(a => a.BudgetUnitId == _units[1].Id)).Describe().Body,
            (await db.Notifications.SingleAsync(n => n.BudgetUnitId == _units[1].Id)).Body);
    }

    [Fact]
    public async Task Running_twice_raises_each_alert_once_and_refreshes_the_snapshot()
    {
        await using (var db = _temp.NewContext()) await Job(db).RunMonthEndAsync(520000, Year, 6, "test", default);
        var first = await AlertsAsync();
        // A late credit dated in June lifts the lagging unit; the re-run refreshes its standing but keeps the alert raised.
        await using (var db = _temp.NewContext())
        {
            await new LedgerWriter(db, _clock).ApplyAsync(new OrderCompleted(9, _units[1].Id, Money.FromYuan(40_000), new DateOnly(Year, 6, 10)), default);
            var again = await Job(db).RunMonthEndAsync(520000, Year, 6, "test", default);
            Assert.Equal(0, again.AlertsRaised);
            Assert.Equal(StandingStatus.OnTrack, (await db.UnitMonthStandings.SingleAsync(s => s.Year == Year && s.Month == 6 && s.BudgetUnitId == _units[1].Id)).Status);
            Assert.Equal(_units.Count, await db.UnitMonthStandings.CountAsync(s => s.Year == Year && s.Month == 6));
            Assert.Equal(2, await db.EmailMessages.CountAsync());
        }
        Assert.Equal(first, await AlertsAsync());
    }

    [Fact]
    public async Task A_crash_after_the_first_batch_resumes_and_yields_the_same_alerts_once()
    {
        await using (var db = _temp.NewContext())
        {
            var crash = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                Job(db, batch: 7, afterBatch: done => throw new InvalidOperationException($"crash after {done}")).RunMonthEndAsync(520000, Year, 6, "test", default));
            Assert.Equal("crash after 7", crash.Message);
            var run = await db.MonthEndRuns.AsNoTracking().SingleAsync();
            Assert.False(run.Completed);
            Assert.Equal(7, run.UnitsProcessed);
        }
        await using (var db = _temp.NewContext())
        {
            var resumed = await Job(db, batch: 7).RunMonthEndAsync(520000, Year, 6, "test", default);
            Assert.True(resumed.Resumed);
            Assert.True((await db.MonthEndRuns.AsNoTracking().SingleAsync()).Completed);
        }
        var alerts = await AlertsAsync();
        Assert.Equal(alerts.Distinct().Count(), alerts.Count);
        Assert.Equal(1 + _units.Count - 6, alerts.Count);
        await using (var db = _temp.NewContext()) Assert.Equal(_units.Count, await db.UnitMonthStandings.CountAsync(s => s.Month == 6));
    }

    [Fact]
    public async Task Runs_from_two_overlapping_scopes_at_once_raise_each_alert_once()
    {
        await Task.WhenAll(
            Task.Run(async () => { await using var db = _temp.NewContext(); await Job(db).RunMonthEndAsync(520000, Year, 6, "province", default); }),
            Task.Run(async () => { await using var db = _temp.NewContext(); await Job(db).RunMonthEndAsync(0, Year, 6, "platform", default); }));
        // The platform scope also holds the other province's units, which have no policy: nothing raised for them.
        var alerts = await AlertsAsync();
        Assert.Equal(alerts.Distinct().Count(), alerts.Count);
        Assert.Equal(1 + _units.Count - 6, alerts.Count);
        await using var check = _temp.NewContext();
        Assert.Equal(2, await check.MonthEndRuns.CountAsync(r => r.Completed));
        Assert.Equal(1, await check.Notifications.CountAsync(n => n.BudgetUnitId == _units[1].Id));
    }

    [Fact]
    public async Task Two_months_behind_escalate_and_a_refund_can_drop_a_unit_under_the_line()
    {
        await using var db = _temp.NewContext();
        await Job(db).RunMonthEndAsync(520000, Year, 5, "test", default);
        await Job(db).RunMonthEndAsync(520000, Year, 6, "test", default);
        var lagging = await db.UnitMonthStandings.SingleAsync(s => s.Year == Year && s.Month == 6 && s.BudgetUnitId == _units[1].Id);
        Assert.Equal((2, true), (lagging.MonthsBehind, lagging.Escalated));
        Assert.True((await db.QuotaAlerts.SingleAsync(a => a.BudgetUnitId == _units[1].Id && a.Month == 6)).Escalated);

        // Unit 0 was exactly at 50% in June; a refund of 13,000 in July takes July's standing to 47,000 of 70,000 expected.
        await new LedgerWriter(db, _clock).ApplyAsync(new OrderRefunded(1, 77, _units[0].Id, Money.FromYuan(13_000), new DateOnly(Year, 6, 30), new DateOnly(Year, 7, 3)), default);
        _clock.Now = new DateTimeOffset(2026, 8, 1, 2, 0, 0, TimeSpan.FromHours(8));
        await Job(db).RunMonthEndAsync(520000, Year, 7, "test", default);
        Assert.Equal(AlertKind.Lagging, (await db.QuotaAlerts.SingleAsync(a => a.BudgetUnitId == _units[0].Id && a.Month == 7)).Kind);
    }

    [Fact]
    public async Task The_month_end_command_closes_a_month_and_writes_its_alerts_as_csv()
    {
        var csv = Path.Combine(_temp.Folder, "alerts.csv");
        var db = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(_temp.Options.ConnectionString).DataSource;
        var exit = await Marketplace.Tools.Program.Main(["month-end", "--db", db, "--year", "2026", "--month", "6", "--region", "520000", "--out", csv]);
        Assert.Equal(0, exit);
        var bytes = await File.ReadAllBytesAsync(csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("统一社会信用代码,单位名称,预警类型,完成率(%),时间进度(%),差额(元)", lines[0]);
        Assert.Equal(1 + _units.Count - 6, lines.Length - 1);
        var lagging = Assert.Single(lines, l => l.StartsWith(_units[1].CreditCode, StringComparison.Ordinal));
        Assert.Equal(["进度落后", "25.00", "50.00", "30000.00"], lagging.Split(',')[2..6]);
        Assert.Equal(_units.Count - 6, lines.Count(l => l.Contains(",未填报,")));
        // A month that has not ended is refused with a reason and a non-zero exit.
        Assert.NotEqual(0, await Marketplace.Tools.Program.Main(["month-end", "--db", db, "--year", "2099", "--month", "1"]));
    }

    [Fact]
    public async Task An_open_month_cannot_be_closed_and_the_early_warning_projects_the_run_rate()
    {
        _clock.Now = new DateTimeOffset(2026, 6, 20, 9, 0, 0, TimeSpan.FromHours(8));
        await using var db = _temp.NewContext();
        await Assert.ThrowsAsync<DomainException>(() => Job(db).RunMonthEndAsync(520000, Year, 6, "test", default));
        var warned = await Job(db).RunEarlyWarningAsync(520000, "test", default);
        // Unit 1 has 30,000 from May and nothing this month: projected behind. Unit 0's 60,000 this month projects far
        // past June's 60,000; the host with its guest (55,000 before June) is fine too.
        var kinds = await db.QuotaAlerts.Where(a => a.Kind == AlertKind.EarlyWarning).Select(a => a.BudgetUnitId).ToListAsync();
        Assert.Equal(new[] { _units[1].Id }, kinds);
        Assert.Equal(1, warned.AlertsRaised);
        Assert.Equal(0, (await Job(db).RunEarlyWarningAsync(520000, "test", default)).AlertsRaised);
    }
}

public class LedgerMonthBackfillTests
{
    [Fact]
    public async Task Upgrading_a_database_gives_its_existing_ledger_lines_their_month_totals()
    {
        using var temp = new TempSqlite();
        await using var db = temp.NewContext();
        var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
        var initial = db.Database.GetMigrations().First();
        await migrator.MigrateAsync(initial);
        await new DatabaseInitializer(db).SeedReferenceDataAsync();
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO BudgetUnits (Id, Name, CreditCode, RegionId, CreatedAt) VALUES (1, '测试单位', '115200000000000019', 520000, '2026-01-01');
            INSERT INTO QuotaLedgerEntries (BudgetUnitId, Year, Kind, AmountFen, "On", SourceKey, CreatedAt) VALUES
              (1, 2026, 1, 1000, '2026-03-05', 'a', '2026-03-05'), (1, 2026, 1, 500, '2026-03-31', 'b', '2026-03-31'),
              (1, 2026, 2, -200, '2027-01-04', 'c', '2027-01-04'), (1, 2026, 1, 700, '2026-04-01', 'd', '2026-04-01');
            """);
        await db.Database.MigrateAsync();
        var totals = (await db.QuotaLedgerMonths.OrderBy(t => t.Month).ToListAsync()).Select(t => (t.Month, t.AmountFen, t.Lines)).ToList();
        Assert.Equal(new[] { (3, 1500L, 2), (4, 700L, 1), (12, -200L, 1) }, totals);
        Assert.True(await db.BudgetUnits.Select(u => u.IsActive).SingleAsync());
    }
}
