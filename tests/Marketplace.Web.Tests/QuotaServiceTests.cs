using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Web.Features.Quota;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

public class QuotaServiceTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static readonly BasisPoints Twenty = new(2000);

    private async Task<T> WithService<T>(Func<QuotaService, Task<T>> run)
    {
        using var scope = app.Services.CreateScope();
        return await run(scope.ServiceProvider.GetRequiredService<QuotaService>());
    }

    private Task WithService(Func<QuotaService, Task> run) => WithService(async s => { await run(s); return 0; });

    /// <summary>A unit to file for (a fresh one per test, from the seeded units), its region and province.</summary>
    private async Task<(int Unit, int Region, int Province)> UnitAsync(int skip) =>
        await app.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Skip(skip).Select(u => new ValueTuple<int, int, int>(u.Id, u.RegionId, u.RegionId / 10000 * 10000)).FirstAsync());

    private static Actor Finance(int region) => new("fin-" + region, "财政局", Roles.FinanceBureau, RegionId: region);
    private static Actor Buyer(int unit) => new("buyer-" + unit, "采购员", Roles.Buyer, UnitId: unit);
    private static PolicyInput Policy(int minimumBp = 2000, DateOnly? deadline = null) =>
        new(new BasisPoints(minimumBp), deadline ?? new DateOnly(2099, 3, 31), true, new BasisPoints(1000), null);
    private static FilingInput Own(string total, BasisPoints ratio, string? reason = null) =>
        new(0, CanteenArrangement.OwnCanteen, total, ratio, reason, null, null);

    [Fact]
    public async Task A_bureau_sets_policy_only_within_its_region_and_only_within_range()
    {
        var (_, _, province) = await UnitAsync(0);
        var other = province == 530000 ? 620000 : 530000;
        await Assert.ThrowsAsync<ForbiddenException>(() => WithService(s => s.SetPolicyAsync(Finance(other), province, 2030, Policy(), default)));
        var ex = await Assert.ThrowsAsync<DomainException>(() => WithService(s => s.SetPolicyAsync(Finance(province), province, 2030, Policy(3500), default)));
        Assert.Contains("15%到30%", ex.MessageZh);
        Assert.False(await app.Db(db => db.RegionPolicies.AnyAsync(p => p.Year == 2030)));
    }

    [Fact]
    public async Task A_lower_region_inherits_the_policy_unless_it_sets_its_own()
    {
        var (_, _, province) = await UnitAsync(0);
        var region = await app.Db(db => db.Regions.Where(r => r.Level == RegionLevel.County && r.Id > province && r.Id < province + 10000)
            .OrderBy(r => r.Id).Select(r => r.Id).FirstAsync()); // a county of that province
        Assert.Equal(RegionLevel.County, RegionCode.LevelOf(region));
        await WithService(s => s.SetPolicyAsync(Finance(province), province, 2031, Policy(1500), default));
        Assert.Equal(1500, (await WithService(s => s.PolicyForAsync(region, 2031, default)))!.MinimumRatio.Value);
        await WithService(s => s.SetPolicyAsync(Finance(region), region, 2031, Policy(2500), default));
        Assert.Equal(2500, (await WithService(s => s.PolicyForAsync(region, 2031, default)))!.MinimumRatio.Value);
        Assert.Equal(1500, (await WithService(s => s.PolicyForAsync(province, 2031, default)))!.MinimumRatio.Value);
    }

    [Fact]
    public async Task A_filing_is_drafted_submitted_returned_resubmitted_approved_and_amended_with_history()
    {
        var (unit, _, province) = await UnitAsync(1);
        await WithService(s => s.SetPolicyAsync(Finance(province), province, 2032, Policy(), default));

        var (id, errors) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2032, Own("1000000.00", Twenty), default));
        Assert.Empty(errors);
        await WithService(s => s.SubmitAsync(Buyer(unit), id!.Value, default));
        await Assert.ThrowsAsync<DomainException>(() => WithService(s => s.SaveDraftAsync(Buyer(unit), 2032, Own("1", Twenty), default)));
        await Assert.ThrowsAsync<ForbiddenException>(() => WithService(s => s.ReviewAsync(Finance(province == 530000 ? 620000 : 530000), id!.Value, FilingAction.Approve, null, default)));
        await WithService(s => s.ReviewAsync(Finance(province), id!.Value, FilingAction.Return, "总额偏低，请核实", default));
        var (again, _) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2032, Own("1200000.00", Twenty), default));
        Assert.Equal(id, again);                                  // the returned filing is corrected, not duplicated
        await WithService(s => s.SubmitAsync(Buyer(unit), id!.Value, default));
        await WithService(s => s.ReviewAsync(Finance(province), id!.Value, FilingAction.Approve, null, default));

        var v1 = await app.Db(db => db.QuotaFilings.FirstAsync(f => f.Id == id));
        Assert.Equal((FilingStatus.Approved, true, 24_000_000L, false), (v1.Status, v1.IsEffective, v1.ReservedFen, v1.IsLate));

        // An amendment after approval is version 2; version 1 stays in force until it is approved.
        var (amendment, _) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2032, Own("1500000.00", Twenty), default));
        Assert.NotEqual(id, amendment);
        Assert.True(await app.Db(db => db.QuotaFilings.Where(f => f.Id == id).Select(f => f.IsEffective).FirstAsync()));
        await WithService(s => s.SubmitAsync(Buyer(unit), amendment!.Value, default));
        await WithService(s => s.ReviewAsync(Finance(province), amendment!.Value, FilingAction.Approve, null, default));
        var versions = await app.Db(db => db.QuotaFilings.Where(f => f.BudgetUnitId == unit && f.Year == 2032).OrderBy(f => f.Version).Select(f => new { f.Version, f.IsEffective, f.ReservedFen }).ToListAsync());
        Assert.Equal([(1, false, 24_000_000L), (2, true, 30_000_000L)], versions.Select(v => (v.Version, v.IsEffective, v.ReservedFen)));

        var history = await app.Db(db => db.QuotaFilingEvents.Where(e => e.FilingId == id).OrderBy(e => e.Id).Select(e => e.Action + ":" + e.Reason).ToListAsync());
        Assert.Equal(["Submit:", "Return:总额偏低，请核实", "Submit:", "Approve:"], history);
    }

    [Fact]
    public async Task Late_filings_are_marked_and_exemptions_need_a_reason()
    {
        var (unit, _, province) = await UnitAsync(2);
        await WithService(s => s.SetPolicyAsync(Finance(province), province, 2025, Policy(2000, new DateOnly(2025, 3, 31)), default));
        var (_, errors) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2025, Own("500000", new BasisPoints(1000)), default));
        Assert.Contains("ExemptionReason", errors.Keys);
        var (id, _) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2025, Own("500000", new BasisPoints(1000), "以外地职工为主"), default));
        await WithService(s => s.SubmitAsync(Buyer(unit), id!.Value, default));
        var filing = await app.Db(db => db.QuotaFilings.FirstAsync(f => f.Id == id));
        Assert.True(filing.IsLate);
        Assert.True(filing.NeedsExemption);
    }

    [Fact]
    public async Task The_monthly_plan_must_add_up_and_belongs_to_the_filing_in_force()
    {
        var (unit, _, province) = await UnitAsync(3);
        await WithService(s => s.SetPolicyAsync(Finance(province), province, 2033, Policy(), default));
        var months = MonthlyPlan.SpreadEvenly(new Money(2_000_000)).Months;
        await Assert.ThrowsAsync<DomainException>(() => WithService(s => s.SavePlanAsync(Buyer(unit), 2033, months, default))); // nothing approved yet

        var (id, _) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2033, Own("100000", Twenty), default));
        await WithService(s => s.SubmitAsync(Buyer(unit), id!.Value, default));
        await WithService(s => s.ReviewAsync(Finance(province), id!.Value, FilingAction.Approve, null, default));

        var wrong = months.ToList();
        wrong[0] = wrong[0] + new Money(1);
        Assert.Contains("合计", (await Assert.ThrowsAsync<DomainException>(() => WithService(s => s.SavePlanAsync(Buyer(unit), 2033, wrong, default)))).MessageZh);
        await WithService(s => s.SavePlanAsync(Buyer(unit), 2033, months, default));
        Assert.Equal(2_000_000, await app.Db(db => db.MonthlyPlanAmounts.Where(p => p.FilingId == id).SumAsync(p => p.AmountFen)));
    }

    [Fact]
    public async Task Units_without_or_sharing_a_canteen_file_no_amount()
    {
        var (unit, _, province) = await UnitAsync(4);
        var (host, _, _) = await UnitAsync(5);
        await WithService(s => s.SetPolicyAsync(Finance(province), province, 2034, Policy(), default));
        var (shared, errors) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2034, new FilingInput(0, CanteenArrangement.SharedWithHost, null, new BasisPoints(0), null, null, host), default));
        Assert.Empty(errors);
        var row = await app.Db(db => db.QuotaFilings.FirstAsync(f => f.Id == shared));
        Assert.Equal((host, 0L), (row.HostUnitId!.Value, row.ReservedFen));
        var (_, missing) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2034, new FilingInput(0, CanteenArrangement.SharedWithHost, null, new BasisPoints(0), null, null, 99_999), default));
        Assert.Contains("HostUnitId", missing.Keys);
        // A host in another province is refused (a canteen is not shared across provinces).
        var foreignHost = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId / 10000 * 10000 != province).Select(u => u.Id).FirstAsync());
        var (_, foreign) = await WithService(s => s.SaveDraftAsync(Buyer(unit), 2034, new FilingInput(0, CanteenArrangement.SharedWithHost, null, new BasisPoints(0), null, null, foreignHost), default));
        Assert.Contains("本省", foreign["HostUnitId"]);
    }
}
