using System.Globalization;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Quota;

public sealed record PolicyInput(BasisPoints MinimumRatio, DateOnly FilingDeadline, bool UnionPurchasesCount, BasisPoints AlertThreshold, IReadOnlyList<BasisPoints>? Curve);

/// <summary>
/// Reserved shares: region policies (set by a finance bureau for its own region, inherited below), each unit's yearly
/// filing with its review, amendments as new versions, and the monthly plan of the filing in force.
/// </summary>
public sealed class QuotaService(MarketplaceDbContext db, RegionDirectory regions, TimeProvider clock, Marketplace.Data.Quota.LedgerWriter ledger)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task SetPolicyAsync(Actor actor, int regionId, int year, PolicyInput input, CancellationToken ct)
    {
        if (!actor.Is(Roles.FinanceBureau) || actor.RegionId is not { } own || !RegionCode.IsValid(regionId) || !RegionCode.Contains(own, regionId))
            throw new ForbiddenException("只能为本级及下级地区设置政策", "A finance bureau sets policies for its own region and the regions below it only.");
        var policy = ReservationPolicy.Create(regionId, year, input.MinimumRatio, input.FilingDeadline, input.UnionPurchasesCount, input.AlertThreshold, input.Curve);
        var row = await db.RegionPolicies.FirstOrDefaultAsync(p => p.RegionId == regionId && p.Year == year, ct);
        if (row is null)
        {
            row = new RegionPolicy { RegionId = regionId, Year = year, CurveBp = "", SetByUserId = actor.UserId };
            db.RegionPolicies.Add(row);
        }
        row.MinimumRatioBp = policy.MinimumRatio.Value;
        row.FilingDeadline = policy.FilingDeadline;
        row.UnionPurchasesCount = policy.UnionPurchasesCount;
        row.AlertThresholdBp = policy.AlertThreshold.Value;
        row.CurveBp = string.Join(',', policy.Curve.Select(c => c.Value.ToString(CultureInfo.InvariantCulture)));
        row.SetByUserId = actor.UserId;
        row.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The policy in force for a region: its own, else the nearest ancestor's (one query for the whole chain).</summary>
    public async Task<ReservationPolicy?> PolicyForAsync(int regionId, int year, CancellationToken ct)
    {
        var chain = new List<int>();
        for (var r = regions.Find(regionId); r is not null; r = r.ParentId is { } p ? regions.Find(p) : null) chain.Add(r.Id);
        var rows = await db.RegionPolicies.AsNoTracking().Where(p => p.Year == year && chain.Contains(p.RegionId)).ToListAsync(ct);
        var policies = rows.Select(r => ReservationPolicy.Create(r.RegionId, r.Year, new BasisPoints(r.MinimumRatioBp), r.FilingDeadline,
            r.UnionPurchasesCount, new BasisPoints(r.AlertThresholdBp),
            r.CurveBp.Split(',').Select(v => new BasisPoints(int.Parse(v, CultureInfo.InvariantCulture))).ToList()));
        return ReservationPolicy.Resolve(regionId, year, policies, id => regions.Find(id)?.ParentId);
    }

    private async Task<(BudgetUnit Unit, ReservationPolicy Policy)> UnitAndPolicyAsync(int unitId, int year, CancellationToken ct)
    {
        var unit = await db.BudgetUnits.AsNoTracking().FirstAsync(u => u.Id == unitId, ct);
        var policy = await PolicyForAsync(unit.RegionId, year, ct)
                     ?? throw new DomainException($"本地区尚未设置{year}年度预留份额政策", $"No reserved-share policy has been set for {year} in this region.");
        return (unit, policy);
    }

    private static int RequireUnit(Actor actor) =>
        actor.Is(Roles.Buyer) && actor.UnitId is { } unit ? unit : throw new ForbiddenException("只有预算单位可以填报", "Only a budget unit files.");

    /// <summary>
    /// Saves the unit's filing for a year as a draft: a new filing, the open draft or returned filing, or — once a
    /// version is approved — a new version (an amendment) while the approved one stays in force.
    /// </summary>
    public async Task<(int? FilingId, Dictionary<string, string> Errors)> SaveDraftAsync(Actor actor, int year, FilingInput input, CancellationToken ct)
    {
        var unitId = RequireUnit(actor);
        var (_, policy) = await UnitAndPolicyAsync(unitId, year, ct);
        var (valid, errors) = FilingRules.Validate(input with { UnitId = unitId }, policy);
        if (valid?.HostUnitId is { } host)
        {
            // The host is a unit of the same province: a canteen is not shared across provinces.
            var unitRegion = await db.BudgetUnits.Where(u => u.Id == unitId).Select(u => u.RegionId).FirstAsync(ct);
            var hostRegion = await db.BudgetUnits.Where(u => u.Id == host && u.IsActive).Select(u => (int?)u.RegionId).FirstOrDefaultAsync(ct);
            if (hostRegion is null) errors["HostUnitId"] = "共用食堂的主办单位不存在 / The host unit does not exist.";
            else if (RegionCode.ProvinceOf(hostRegion.Value) != RegionCode.ProvinceOf(unitRegion))
                errors["HostUnitId"] = "共用食堂的主办单位须为本省（自治区、直辖市）的预算单位 / The host unit must be in the same province.";
        }
        if (valid is null || errors.Count > 0) return (null, errors);

        var latest = await db.QuotaFilings.Where(f => f.BudgetUnitId == unitId && f.Year == year).OrderByDescending(f => f.Version).FirstOrDefaultAsync(ct);
        if (latest?.Status == FilingStatus.Submitted)
            throw new DomainException("填报正在审核中，审核完成后才能修改", "The filing is being reviewed; it can be changed after the review.");
        var filing = latest is { Status: FilingStatus.Draft or FilingStatus.Returned } ? latest : null;
        if (filing is null)
        {
            filing = new QuotaFiling { BudgetUnitId = unitId, Year = year, Version = (latest?.Version ?? 0) + 1, Status = FilingStatus.Draft, CreatedAt = Now };
            db.QuotaFilings.Add(filing);
        }
        filing.Arrangement = valid.Arrangement;
        filing.CanteenTotalFen = valid.CanteenTotal.Fen;
        filing.RatioBp = valid.Ratio.Value;
        filing.ReservedFen = valid.Reserved.Fen;
        filing.NeedsExemption = valid.NeedsExemption;
        filing.ExemptionReason = valid.ExemptionReason;
        filing.CateringOperator = valid.CateringOperator;
        filing.HostUnitId = valid.HostUnitId;
        await db.SaveChangesAsync(ct);
        return (filing.Id, errors);
    }

    public async Task SubmitAsync(Actor actor, int filingId, CancellationToken ct)
    {
        var unitId = RequireUnit(actor);
        var filing = await db.QuotaFilings.FirstOrDefaultAsync(f => f.Id == filingId && f.BudgetUnitId == unitId, ct)
                     ?? throw new Buying.NotFoundException();
        var (_, policy) = await UnitAndPolicyAsync(unitId, filing.Year, ct);
        var from = filing.Status;
        filing.Status = FilingWorkflow.Apply(from, FilingAction.Submit, actor.Role, null);
        filing.SubmittedAt = Now;
        filing.IsLate = FilingWorkflow.IsLate(Now, policy.FilingDeadline);
        filing.ReturnReason = null;
        Record(filing, from, FilingAction.Submit, actor, filing.IsLate ? "逾期填报 / filed after the deadline" : null);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The finance bureau of the unit's region (or above) approves — which also grants a requested exemption — or returns it.</summary>
    public async Task ReviewAsync(Actor actor, int filingId, FilingAction action, string? reason, CancellationToken ct)
    {
        var filing = await db.QuotaFilings.FirstOrDefaultAsync(f => f.Id == filingId, ct) ?? throw new Buying.NotFoundException();
        var unitRegion = await db.BudgetUnits.Where(u => u.Id == filing.BudgetUnitId).Select(u => u.RegionId).FirstAsync(ct);
        if (!actor.Is(Roles.FinanceBureau) || actor.RegionId is not { } own || !RegionCode.Contains(own, unitRegion))
            throw new ForbiddenException("该单位不在您的管辖地区内", "The unit is outside your region.");
        if (action is not (FilingAction.Approve or FilingAction.Return)) throw new DomainException("不支持的审核操作", "Unsupported review action.");
        var from = filing.Status;
        filing.Status = FilingWorkflow.Apply(from, action, actor.Role, reason);
        if (action == FilingAction.Return) filing.ReturnReason = reason!.Trim();
        else
        {
            // The approved version is now the one in force; earlier versions stay as history.
            await db.QuotaFilings.Where(f => f.BudgetUnitId == filing.BudgetUnitId && f.Year == filing.Year && f.Id != filing.Id && f.IsEffective)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.IsEffective, false), ct);
            filing.IsEffective = true;
            filing.ApprovedAt = Now;
        }
        Record(filing, from, action, actor, reason);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Replaces the monthly plan of the unit's approved filing; the twelve months must add up to the reserved amount.</summary>
    public async Task SavePlanAsync(Actor actor, int year, IReadOnlyList<Money> months, CancellationToken ct)
    {
        var unitId = RequireUnit(actor);
        var filing = await db.QuotaFilings.Include(f => f.Plan).FirstOrDefaultAsync(f => f.BudgetUnitId == unitId && f.Year == year && f.IsEffective, ct)
                     ?? throw new DomainException("须先有经财政部门审核通过的填报", "The plan needs an approved filing first.");
        var plan = MonthlyPlan.Create(new Money(filing.ReservedFen), months);
        filing.Plan.Clear();
        filing.Plan.AddRange(plan.Months.Select((m, i) => new MonthlyPlanAmount { Month = i + 1, AmountFen = m.Fen }));
        await db.SaveChangesAsync(ct);
    }

    private void Record(QuotaFiling filing, FilingStatus from, FilingAction action, Actor actor, string? reason) =>
        db.QuotaFilingEvents.Add(new QuotaFilingEvent
        {
            FilingId = filing.Id, From = from, To = filing.Status, Action = action.ToString(), ActorUserId = actor.UserId,
            ActorName = actor.Name, Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), At = Now,
        });

    private static FilingSummary Summary(QuotaFiling f) => new(f.Id, f.Version, f.Status, f.IsEffective, f.Arrangement, new Money(f.CanteenTotalFen),
        new BasisPoints(f.RatioBp), new Money(f.ReservedFen), f.NeedsExemption, f.IsLate, f.ReturnReason, f.SubmittedAt);

    /// <summary>The unit's page: its filings, the plan of the one in force, and progress from the ledger through the last full month.</summary>
    public async Task<UnitQuotaViewModel> UnitAsync(int unitId, int year, CancellationToken ct)
    {
        var unit = await db.BudgetUnits.AsNoTracking().FirstAsync(u => u.Id == unitId, ct);
        var policy = await PolicyForAsync(unit.RegionId, year, ct);
        var filings = await db.QuotaFilings.AsNoTracking().Include(f => f.Plan).Where(f => f.BudgetUnitId == unitId && f.Year == year)
            .OrderByDescending(f => f.Version).ToListAsync(ct);
        var latest = filings.FirstOrDefault();
        var effective = filings.FirstOrDefault(f => f.IsEffective);
        var form = latest is null ? new FilingForm { RatioPercent = policy?.MinimumRatio.ToString().TrimEnd('%') } : new FilingForm
        {
            Arrangement = latest.Arrangement,
            CanteenTotalYuan = latest.CanteenTotalFen > 0 ? new Money(latest.CanteenTotalFen).ToYuanString() : null,
            RatioPercent = new BasisPoints(latest.RatioBp).ToString().TrimEnd('%'),
            ExemptionReason = latest.ExemptionReason, CateringOperator = latest.CateringOperator, HostUnitId = latest.HostUnitId,
            HostCreditCode = latest.HostUnitId is { } h ? await db.BudgetUnits.Where(u => u.Id == h).Select(u => u.CreditCode).FirstOrDefaultAsync(ct) : null,
        };
        var plan = effective is { Plan.Count: 12 } ? MonthlyPlan.Create(new Money(effective.ReservedFen), effective.Plan.OrderBy(p => p.Month).Select(p => new Money(p.AmountFen)).ToList()) : null;
        var ledger = await db.QuotaLedgerEntries.AsNoTracking().Where(x => x.BudgetUnitId == unitId && x.Year == year).OrderBy(x => x.On).ThenBy(x => x.Id)
            .Select(x => new LedgerRow(x.On, x.Kind, new Money(x.AmountFen), x.OrderId, x.SourceKey, x.Reason)
            {
                OrderNumber = db.Orders.Where(o => o.Id == x.OrderId).Select(o => o.Number).FirstOrDefault(),
            }).ToListAsync(ct);
        var today = DateOnly.FromDateTime(Now.AddHours(8));
        var through = year < today.Year ? 12 : year > today.Year ? 0 : today.Month - 1; // months that are over
        var progress = policy is not null && effective is { ReservedFen: > 0 }
            ? Progress.Compute(new Money(effective.ReservedFen), plan,
                ledger.Select(l => new LedgerLine(unitId, year, l.Kind, l.Amount, l.On, l.SourceKey, l.OrderId, l.Reason)), policy, through)
            : null;
        var alert = await db.QuotaAlerts.AsNoTracking().Where(a => a.BudgetUnitId == unitId && a.Year == year)
            .OrderByDescending(a => a.Month).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        return new UnitQuotaViewModel(year, unit.Name, policy, latest is null ? null : Summary(latest), effective is null ? null : Summary(effective),
            form, plan, progress, ledger, through) { LatestAlert = alert };
    }

    /// <summary>The unit a credit code names, for the shared-canteen host field; null when none has it.</summary>
    public async Task<int?> UnitByCreditCodeAsync(string? code, CancellationToken ct)
    {
        var normalised = code?.Trim().ToUpperInvariant() ?? "";
        return normalised.Length == 18 ? await db.BudgetUnits.Where(u => u.CreditCode == normalised).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct) : null;
    }

    public async Task<MonthlyPlan> SuggestPlanAsync(int unitId, int year, bool followCurve, CancellationToken ct)
    {
        var (_, policy) = await UnitAndPolicyAsync(unitId, year, ct);
        var reserved = await db.QuotaFilings.Where(f => f.BudgetUnitId == unitId && f.Year == year && f.IsEffective).Select(f => (long?)f.ReservedFen).FirstOrDefaultAsync(ct)
                       ?? throw new DomainException("须先有经财政部门审核通过的填报", "The plan needs an approved filing first.");
        return followCurve ? MonthlyPlan.FollowCurve(new Money(reserved), policy) : MonthlyPlan.SpreadEvenly(new Money(reserved));
    }

    /// <summary>The finance bureau's view: units of its region's subtree with their latest filing, filtered by state.</summary>
    public async Task<RegionQuotaViewModel> RegionAsync(Actor actor, int year, string? filter, CancellationToken ct)
    {
        if (!actor.Is(Roles.FinanceBureau) || actor.RegionId is not { } region) throw new ForbiddenException("只有财政部门可以查看", "Finance bureaus only.");
        var (from, to) = RegionCode.SubtreeRange(region);
        var units = await db.BudgetUnits.AsNoTracking().Where(u => u.RegionId >= from && u.RegionId <= to).OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.Name, u.RegionId }).ToListAsync(ct);
        var ids = units.Select(u => u.Id).ToList();
        var latest = (await db.QuotaFilings.AsNoTracking().Where(f => f.Year == year && ids.Contains(f.BudgetUnitId)).ToListAsync(ct))
            .GroupBy(f => f.BudgetUnitId).ToDictionary(g => g.Key, g => Summary(g.OrderByDescending(f => f.Version).First()));
        var completed = await db.QuotaLedgerEntries.AsNoTracking().Where(x => x.Year == year && ids.Contains(x.BudgetUnitId))
            .GroupBy(x => x.BudgetUnitId).Select(g => new { g.Key, Sum = g.Sum(x => x.AmountFen) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        var rows = units.Select(u => new RegionFilingRow(u.Id, u.Name, regions.PathOf(u.RegionId), latest.GetValueOrDefault(u.Id),
            new Money(completed.GetValueOrDefault(u.Id)))).ToList();
        string StateOf(RegionFilingRow r) => r.Latest is null || r.Latest.Status == FilingStatus.Draft ? "NotFiled" : r.Latest.Status.ToString();
        var counts = rows.GroupBy(StateOf).ToDictionary(g => g.Key, g => g.Count());
        var own = (await db.RegionPolicies.AsNoTracking().AnyAsync(p => p.RegionId == region && p.Year == year, ct)) ? await PolicyForAsync(region, year, ct) : null;
        return new RegionQuotaViewModel(year, regions.PathOf(region), region, own, await PolicyForAsync(region, year, ct), filter,
            filter is null ? rows : rows.Where(r => StateOf(r) == filter).ToList(), counts);
    }

    private async Task<int> UnitInRegionAsync(Actor actor, int unitId, CancellationToken ct)
    {
        var unitRegion = await db.BudgetUnits.Where(u => u.Id == unitId).Select(u => (int?)u.RegionId).FirstOrDefaultAsync(ct);
        if (!actor.Is(Roles.FinanceBureau) || actor.RegionId is not { } own || unitRegion is null || !RegionCode.Contains(own, unitRegion.Value))
            throw new ForbiddenException("该单位不在您的管辖地区内", "The unit is outside your region.");
        return unitRegion.Value;
    }

    /// <summary>A finance bureau's look at one unit of its region: the same figures and ledger the unit sees.</summary>
    public async Task<UnitQuotaViewModel> UnitForBureauAsync(Actor actor, int unitId, int year, CancellationToken ct)
    {
        await UnitInRegionAsync(actor, unitId, ct);
        return await UnitAsync(unitId, year, ct);
    }

    /// <summary>A manual ledger line (e.g. purchases through the platform's mini-program), with a mandatory reason.</summary>
    /// <summary>A manual ledger line; a unit outside the bureau's region is refused before the amount is read.</summary>
    public async Task AdjustAsync(Actor actor, int unitId, int year, string? amountYuan, DateOnly on, string? reason, CancellationToken ct)
    {
        await UnitInRegionAsync(actor, unitId, ct);
        if (!Money.TryParseYuan(amountYuan, out var amount))
            throw new DomainException("调整金额须为金额（元，最多两位小数，可为负数）", "The adjustment is an amount in yuan (at most two decimals, may be negative).");
        var line = QuotaLedger.Adjustment(unitId, year, amount, on, reason, Guid.NewGuid());
        await ledger.AppendAsync(line, actor.Name, ct);
    }

    /// <summary>Sends one in-app reminder to every unit of the region that has not submitted a filing for the year.</summary>
    public async Task<int> RemindNotFiledAsync(Actor actor, int year, CancellationToken ct)
    {
        var view = await RegionAsync(actor, year, "NotFiled", ct);
        var deadline = view.InForce?.FilingDeadline.ToString("yyyy-MM-dd") ?? "—";
        db.Notifications.AddRange(view.Rows.Select(r => new Notification
        {
            BudgetUnitId = r.UnitId, SenderName = actor.Name, CreatedAt = Now, Link = $"/quota?year={year}",
            Title = $"请填报{year}年度预留份额 / Please file your {year} reserved share",
            Body = $"贵单位尚未提交{year}年度预留份额填报，截止日期{deadline}。 / Your unit has not filed its {year} reserved share; the deadline is {deadline}.",
        }));
        await db.SaveChangesAsync(ct);
        return view.Rows.Count;
    }

    public async Task<IReadOnlyList<Notification>> NotificationsAsync(int unitId, CancellationToken ct) =>
        // Only what concerns reserved shares (filing reminders, progress alerts); order messages stay on /notifications.
        await db.Notifications.AsNoTracking().Where(n => n.BudgetUnitId == unitId && n.Link != null && n.Link.StartsWith("/quota"))
            .OrderByDescending(n => n.Id).Take(5).ToListAsync(ct);
}
