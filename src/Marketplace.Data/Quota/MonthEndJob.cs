using System.Globalization;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data.Quota;

public sealed record MonthEndResult(int RunId, int Units, int AlertsRaised, bool Resumed, TimeSpan Elapsed);

/// <summary>
/// The month-end run (月度进度预警) for a region scope (0 = the whole platform): every active unit's standing at the
/// end of a closed month, written as a snapshot, and each alert raised exactly once (unique per unit, year, month and
/// kind) with its in-app notification and, when mail is on, one e-mail per buyer, all in the transaction that
/// advances the run's cursor. One run at a time in the cluster (the <c>month-end</c> lease); a crashed run resumes
/// from its cursor; a finished one can be run again, which refreshes the snapshot and raises only what is new.
/// Purchases come from the ledger's per-unit month totals (kept in the same transaction as each line), added up in
/// the database; the ledger itself is never loaded.
/// </summary>
public sealed class MonthEndJob(MarketplaceDbContext db, TimeProvider clock)
{
    public const string LeaseName = "month-end";
    /// <summary>Units written per transaction (and the granularity of a resume).</summary>
    public int BatchSize { get; init; } = 20_000;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    /// <summary>Set when SMTP is configured: alerts then also queue e-mails to the unit's buyers.</summary>
    public bool QueueEmails { get; init; }

    /// <summary>How long to wait for another node's run to finish before giving up.</summary>
    public TimeSpan LeaseWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Phase timings, for the month-end command.</summary>
    public Action<string>? Log { get; init; }

    private readonly System.Diagnostics.Stopwatch _phase = new();

    private void Phase(string name)
    {
        if (Log is not null && _phase.IsRunning) Log($"  {name}: {_phase.ElapsedMilliseconds:N0} ms");
        _phase.Restart();
    }

    /// <summary>Called after each committed batch with the units done so far (tests use it to simulate a crash).</summary>
    public Action<int>? BatchCommitted { get; init; }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static DateOnly TodayInChina(TimeProvider clock) => ChinaTime.DateOf(clock.GetUtcNow().UtcDateTime);

    /// <summary>The month that closed most recently in China time (December of last year in January).</summary>
    public static (int Year, int Month) LastClosedMonth(DateOnly today) =>
        today.Month == 1 ? (today.Year - 1, 12) : (today.Year, today.Month - 1);

    public Task<MonthEndResult> RunMonthEndAsync(int scopeRegionId, int year, int month, string startedBy, CancellationToken ct)
    {
        var end = MonthEndRules.LastDayOf(year, month);
        if (end >= TodayInChina(clock)) throw new DomainException($"{year}年{month}月尚未结束，不能进行月末统计",
            $"{year}-{month:00} has not ended yet; month end runs for closed months only.");
        return RunAsync(scopeRegionId, year, month, MonthEndRunKind.MonthEnd, startedBy, ct);
    }

    /// <summary>Mid-month: units whose month-to-date run rate would leave them behind at the month's end get a heads-up.</summary>
    public Task<MonthEndResult> RunEarlyWarningAsync(int scopeRegionId, string startedBy, CancellationToken ct)
    {
        var today = TodayInChina(clock);
        return RunAsync(scopeRegionId, today.Year, today.Month, MonthEndRunKind.EarlyWarning, startedBy, ct);
    }

    private async Task<MonthEndResult> RunAsync(int scope, int year, int month, MonthEndRunKind kind, string startedBy, CancellationToken ct)
    {
        if (scope != 0 && !RegionCode.IsValid(scope)) throw new DomainException("地区代码无效", "Not a valid region code.");
        if (year is < 2020 or > 2100 || month is < 1 or > 12) throw new DomainException("年月无效", "Not a valid year and month.");
        var started = DateTime.UtcNow;
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var deadline = DateTime.UtcNow + LeaseWait;
        while (!await JobLeases.TryAcquireAsync(db, LeaseName, holder, LeaseDuration, Now, ct))
        {
            if (DateTime.UtcNow > deadline) throw new DomainException("另一次月末统计正在进行，请稍后再试", "Another month-end run is in progress; try again shortly.");
            await Task.Delay(250, ct);
        }
        // One connection for the whole run (larger page caches, mmap and synchronous=NORMAL were measured: no gain).
        var sqlite = db.Database.IsSqlite();
        if (sqlite) await db.Database.OpenConnectionAsync(ct);
        try
        {
            var run = await db.MonthEndRuns.FirstOrDefaultAsync(r => r.ScopeRegionId == scope && r.Year == year && r.Month == month && r.Kind == kind, ct);
            var resumed = run is { Completed: false };
            if (run is null)
            {
                run = new MonthEndRun { ScopeRegionId = scope, Year = year, Month = month, Kind = kind, StartedBy = Trim(startedBy, 100), StartedAt = Now };
                db.MonthEndRuns.Add(run);
            }
            else if (run.Completed)
            {
                run.Completed = false;
                run.LastUnitId = 0;
                run.UnitsProcessed = 0;
                run.StartedAt = Now;
                run.StartedBy = Trim(startedBy, 100);
                run.CompletedAt = null;
            }
            await db.SaveChangesAsync(ct);

            Phase("start");
            var units = await ComputeAsync(scope, year, month, kind, ct);
            var fresh = kind == MonthEndRunKind.MonthEnd && !await db.UnitMonthStandings.AnyAsync(s => s.Year == year && s.Month == month, ct);
            Phase("computed");
            var alertsRaised = 0;
            foreach (var batch in units.Where(u => u.UnitId > run.LastUnitId).Chunk(BatchSize))
            {
                alertsRaised += await WriteBatchAsync(run, batch, scope, year, month, kind, fresh, ct);
                await JobLeases.TryAcquireAsync(db, LeaseName, holder, LeaseDuration, Now, ct);
                BatchCommitted?.Invoke(run.UnitsProcessed);
            }
            Phase("written");
            foreach (var (name, sw) in _timers) Log?.Invoke($"    of which {name}: {sw.ElapsedMilliseconds:N0} ms");
            if (kind == MonthEndRunKind.MonthEnd) await RebuildRegionTotalsAsync(year, month, ct);
            Phase("region totals");
            run.Completed = true;
            run.CompletedAt = Now;
            await db.SaveChangesAsync(ct);
            return new MonthEndResult(run.Id, units.Count, alertsRaised, resumed, DateTime.UtcNow - started);
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, LeaseName, holder, CancellationToken.None);
            if (sqlite)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed record Computed(int UnitId, int RegionId, Standing Standing, AlertKind? Alert);

    /// <summary>Every active unit of the scope, evaluated; ordered by id (the run's cursor).</summary>
    private async Task<List<Computed>> ComputeAsync(int scope, int year, int month, MonthEndRunKind kind, CancellationToken ct)
    {
        var (from, to) = scope == 0 ? (0, int.MaxValue) : RegionCode.SubtreeRange(scope);
        var unitsInScope = db.BudgetUnits.Where(u => u.IsActive && u.RegionId >= from && u.RegionId <= to);
        var units = await unitsInScope.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.RegionId }).ToListAsync(ct);
        Phase("units");
        var ids = unitsInScope.Select(u => u.Id);
        var everyUnit = scope == 0;

        var policies = await PoliciesAsync(year, ct);
        var filings = await db.QuotaFilings.AsNoTracking().Where(f => f.Year == year && (everyUnit || ids.Contains(f.BudgetUnitId)))
            .Select(f => new { f.Id, f.BudgetUnitId, f.IsEffective, f.Arrangement, f.ReservedFen, f.HostUnitId, Submitted = f.SubmittedAt != null })
            .ToListAsync(ct);
        Phase("filings");
        var inForce = filings.Where(f => f.IsEffective).ToDictionary(f => f.BudgetUnitId);
        var everSubmitted = filings.Where(f => f.Submitted).Select(f => f.BudgetUnitId).ToHashSet();
        // The plan to date of each filing in force: one pass over the plan's primary key, mapped to units here.
        var filingOfUnit = inForce.Values.ToDictionary(f => f.Id, f => f.BudgetUnitId);
        var planned = new Dictionary<int, long>(filingOfUnit.Count);
        await foreach (var p in db.MonthlyPlanAmounts.AsNoTracking().Where(p => p.Month <= month).GroupBy(p => p.FilingId)
                           .Select(g => new { g.Key, Sum = g.Sum(x => x.AmountFen) }).AsAsyncEnumerable().WithCancellation(ct))
            if (filingOfUnit.TryGetValue(p.Key, out var unit)) planned[unit] = p.Sum;

        Phase("plans");
        var today = TodayInChina(clock);
        // From the ledger's month totals (kept with every line): through the month's end, or for the early warning the
        // part before the month and the month so far.
        var totals = db.QuotaLedgerMonths.Where(x => x.Year == year && x.Month <= month);
        if (!everyUnit) totals = totals.Where(x => ids.Contains(x.BudgetUnitId));
        var sums = await totals.GroupBy(x => x.BudgetUnitId)
            .Select(g => new { g.Key, Before = g.Sum(x => x.Month < month ? x.AmountFen : 0), ToDate = g.Sum(x => x.Month == month ? x.AmountFen : 0) })
            .ToDictionaryAsync(g => g.Key, g => (Through: g.Before + g.ToDate, g.Before, g.ToDate), ct);
        Phase("ledger");
        // Shared canteens: a guest's purchases count for its host.
        var guestsOf = inForce.Values.Where(f => f.Arrangement == CanteenArrangement.SharedWithHost && f.HostUnitId is not null)
            .GroupBy(f => f.HostUnitId!.Value).ToDictionary(g => g.Key, g => g.Select(f => f.BudgetUnitId).ToList());
        (long Through, long Before, long ToDate) Sum(int unit)
        {
            var own = sums.GetValueOrDefault(unit);
            if (!guestsOf.TryGetValue(unit, out var guests)) return own;
            foreach (var g in guests)
            {
                var s = sums.GetValueOrDefault(g);
                own = (own.Through + s.Through, own.Before + s.Before, own.ToDate + s.ToDate);
            }
            return own;
        }

        var previous = month == 1 || kind != MonthEndRunKind.MonthEnd ? new Dictionary<int, int>()
            : await db.UnitMonthStandings.AsNoTracking().Where(s => s.Year == year && s.Month == month - 1 && s.RegionId >= from && s.RegionId <= to && s.MonthsBehind > 0)
                .ToDictionaryAsync(s => s.BudgetUnitId, s => s.MonthsBehind, ct);

        var result = new List<Computed>(units.Count);
        foreach (var u in units)
        {
            var policy = policies(u.RegionId);
            var f = inForce.GetValueOrDefault(u.Id);
            var sum = Sum(u.Id);
            var facts = new UnitMonthFacts(u.Id, everSubmitted.Contains(u.Id), f?.Arrangement, new Money(f?.ReservedFen ?? 0),
                new Money(planned.GetValueOrDefault(u.Id)), new Money(sum.Through), previous.GetValueOrDefault(u.Id));
            var standing = MonthEndRules.Evaluate(facts, policy, month);
            AlertKind? alert = standing.Alert;
            if (kind == MonthEndRunKind.EarlyWarning)
                alert = policy is not null && standing.Status is StandingStatus.OnTrack or StandingStatus.Lagging
                        && MonthEndRules.ProjectedToMissMonth(standing.Reserved, new Money(sum.Before), new Money(sum.ToDate), year, month, Math.Min(today.Day, DateTime.DaysInMonth(year, month)), policy)
                    ? AlertKind.EarlyWarning : null;
            result.Add(new Computed(u.Id, u.RegionId, standing, alert));
        }
        return result;
    }

    /// <summary>The policy in force for each region (its own or the nearest ancestor's), resolved once per region.</summary>
    private async Task<Func<int, ReservationPolicy?>> PoliciesAsync(int year, CancellationToken ct)
    {
        var rows = await db.RegionPolicies.AsNoTracking().Where(p => p.Year == year).ToListAsync(ct);
        var policies = rows.Select(r => ReservationPolicy.Create(r.RegionId, r.Year, new BasisPoints(r.MinimumRatioBp), r.FilingDeadline,
            r.UnionPurchasesCount, new BasisPoints(r.AlertThresholdBp),
            r.CurveBp.Split(',').Select(v => new BasisPoints(int.Parse(v, CultureInfo.InvariantCulture))).ToList())).ToList();
        var parents = policies.Count == 0 ? new Dictionary<int, int?>()
            : await db.Regions.AsNoTracking().Select(r => new { r.Id, r.ParentId }).ToDictionaryAsync(r => r.Id, r => r.ParentId, ct);
        var cache = new Dictionary<int, ReservationPolicy?>();
        return region => cache.TryGetValue(region, out var p) ? p
            : cache[region] = ReservationPolicy.Resolve(region, year, policies, id => parents.GetValueOrDefault(id));
    }

    /// <param name="fresh">No standings of the month existed when the run began (the usual first run): nothing to replace.</param>
    private async Task<int> WriteBatchAsync(MonthEndRun run, Computed[] batch, int scope, int year, int month, MonthEndRunKind kind, bool fresh, CancellationToken ct)
    {
        var first = batch[0].UnitId;
        var last = batch[^1].UnitId;
        var now = Now;
        var raised = 0;
        await db.InTransactionAsync(async () =>
        {
            var loader = BulkLoader.For(db);
            if (kind == MonthEndRunKind.MonthEnd)
            {
                var (from, to) = scope == 0 ? (0, int.MaxValue) : RegionCode.SubtreeRange(scope);
                if (!fresh)
                    await db.UnitMonthStandings.Where(s => s.Year == year && s.Month == month && s.BudgetUnitId >= first && s.BudgetUnitId <= last
                                                       && s.RegionId >= from && s.RegionId <= to).ExecuteDeleteAsync(ct);
                await Timed("standings", () => loader.InsertAsync(batch.Select(c => Snapshot(c, year, month, now)), ct));
            }

            var kinds = kind == MonthEndRunKind.MonthEnd ? new[] { AlertKind.Lagging, AlertKind.NotFiled } : [AlertKind.EarlyWarning];
            var existing = (await db.QuotaAlerts.Where(a => a.Year == year && a.Month == month && a.BudgetUnitId >= first && a.BudgetUnitId <= last && kinds.Contains(a.Kind))
                .Select(a => new { a.BudgetUnitId, a.Kind }).ToListAsync(ct)).Select(a => (a.BudgetUnitId, a.Kind)).ToHashSet();
            var alerts = batch.Where(c => c.Alert is { } k && !existing.Contains((c.UnitId, k))).Select(c =>
            {
                var s = c.Standing;
                return new QuotaAlert
                {
                    BudgetUnitId = c.UnitId, Year = year, Month = month, Kind = c.Alert!.Value, RegionId = c.RegionId,
                    ReservedFen = s.Reserved.Fen, CompletedFen = s.Completed.Fen, CompletionBp = s.Completion.Value, ExpectedBp = s.ExpectedShare.Value,
                    ShortfallFen = s.Shortfall.Fen, NeededPerMonthFen = s.NeededPerRemainingMonth.Fen, MonthsBehind = s.MonthsBehind,
                    Escalated = s.Escalated, CreatedAt = now,
                };
            }).ToList();
            var texts = alerts.ToDictionary(a => (a.BudgetUnitId, a.Kind), a => a.Describe());
            if (alerts.Count > 0)
            {
                await Timed("alerts", () => loader.InsertGeneratingKeysAsync(alerts, ct));
                await Timed("notifications", () => loader.InsertGeneratingKeysAsync(alerts.Select(a => new Notification
                {
                    BudgetUnitId = a.BudgetUnitId, Title = texts[(a.BudgetUnitId, a.Kind)].Title, Body = texts[(a.BudgetUnitId, a.Kind)].Body, SenderName = "财政部门 / Finance bureau",
                    Link = $"/quota?year={year}", CreatedAt = now,
                }), ct));
                if (QueueEmails)
                {
                    var byUnit = alerts.ToLookup(a => a.BudgetUnitId);
                    var buyers = await db.Users.AsNoTracking().Where(u => u.BudgetUnitId >= first && u.BudgetUnitId <= last && u.Email != null && !u.IsDisabled)
                        .Select(u => new { u.Id, u.Email, Unit = u.BudgetUnitId!.Value }).ToListAsync(ct);
                    await loader.InsertGeneratingKeysAsync(buyers.SelectMany(b => byUnit[b.Unit].Select(a => new EmailMessage
                    {
                        SourceKey = $"alert:{a.BudgetUnitId}:{year}-{month}:{(int)a.Kind}:{b.Id}", To = b.Email!, Subject = texts[(a.BudgetUnitId, a.Kind)].Title, Body = texts[(a.BudgetUnitId, a.Kind)].Body,
                        CreatedAt = now, NextAttemptAt = now,
                    })), ct);
                }
            }
            raised = alerts.Count;
            run.LastUnitId = last;
            run.UnitsProcessed += batch.Length;
            run.AlertsRaised += alerts.Count;
            await db.SaveChangesAsync(ct);
        }, ct);
        return raised;
    }

    private readonly Dictionary<string, System.Diagnostics.Stopwatch> _timers = [];

    /// <summary>Adds the time of one step to its running total (reported with the phase timings).</summary>
    private async Task<T> Timed<T>(string name, Func<Task<T>> step)
    {
        if (!_timers.TryGetValue(name, out var sw)) _timers[name] = sw = new System.Diagnostics.Stopwatch();
        sw.Start();
        try { return await step(); }
        finally { sw.Stop(); }
    }

    /// <summary>The month's region roll-ups, regrouped from all of the month's standings (every scope at once).</summary>
    private async Task RebuildRegionTotalsAsync(int year, int month, CancellationToken ct)
    {
        var totals = await db.UnitMonthStandings.AsNoTracking().Where(s => s.Year == year && s.Month == month).GroupBy(s => s.RegionId)
            .Select(g => new RegionMonthTotal
            {
                Year = year, Month = month, RegionId = g.Key, Units = g.Count(),
                Exempt = g.Count(s => s.Status == StandingStatus.Exempt),
                Shared = g.Count(s => s.Status == StandingStatus.Shared),
                Filed = g.Count(s => s.Status != StandingStatus.NotFiled && s.Status != StandingStatus.NoPolicy),
                Approved = g.Count(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging || s.Status == StandingStatus.Exempt || s.Status == StandingStatus.Shared),
                NotFiled = g.Count(s => s.Status == StandingStatus.NotFiled),
                Lagging = g.Count(s => s.Status == StandingStatus.Lagging),
                Escalated = g.Count(s => s.Escalated),
                ProjectedToMiss = g.Count(s => s.ProjectedToMiss),
                ReservedFen = g.Sum(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging ? s.ReservedFen : 0),
                CompletedFen = g.Sum(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging ? s.CompletedFen : 0),
                ExpectedFen = g.Sum(s => s.Status == StandingStatus.OnTrack || s.Status == StandingStatus.Lagging ? s.ExpectedFen : 0),
            }).ToListAsync(ct);
        await db.InTransactionAsync(async () =>
        {
            await db.RegionMonthTotals.Where(t => t.Year == year && t.Month == month).ExecuteDeleteAsync(ct);
            await BulkLoader.For(db).InsertAsync(totals, ct);
        }, ct);
    }

    private static UnitMonthStanding Snapshot(Computed c, int year, int month, DateTime now)
    {
        var s = c.Standing;
        return new UnitMonthStanding
        {
            Year = year, Month = month, BudgetUnitId = c.UnitId, RegionId = c.RegionId, Status = s.Status,
            ReservedFen = s.Reserved.Fen, CompletedFen = s.Completed.Fen, PlannedFen = s.Planned.Fen, ExpectedFen = s.Expected.Fen,
            CompletionBp = s.Completion.Value, ExpectedBp = s.ExpectedShare.Value, LagBp = s.LagPoints, ShortfallFen = s.Shortfall.Fen,
            NeededPerMonthFen = s.NeededPerRemainingMonth.Fen, MonthsBehind = s.MonthsBehind, Escalated = s.Escalated,
            ForecastFen = s.ForecastYearEnd.Fen, ProjectedToMiss = s.ProjectedToMissYear, ComputedAt = now,
        };
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max];
}
