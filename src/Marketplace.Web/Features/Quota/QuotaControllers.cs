using System.Globalization;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Quota;

/// <summary>预留份额 for a budget unit: filing, monthly plan and progress.</summary>
[Authorize(Roles = Roles.Buyer)]
[Route("quota")]
public sealed class QuotaController(QuotaService quota, TimeProvider clock) : Controller
{
    private int ThisYear => clock.GetUtcNow().AddHours(8).Year;
    private int Unit => User.GetInt(MarketplaceClaims.BudgetUnitId) ?? throw new ForbiddenException("账号未关联预算单位", "The account is not tied to a budget unit.");

    [HttpGet("")]
    public async Task<IActionResult> Index(int? year, CancellationToken ct) =>
        View("Unit", await quota.UnitAsync(Unit, Year(year), ct) with { Notifications = await quota.NotificationsAsync(Unit, ct) });

    [HttpPost("filing")]
    public async Task<IActionResult> SaveFiling(int? year, FilingForm form, CancellationToken ct)
    {
        var y = Year(year);
        var errors = new Dictionary<string, string>();
        BasisPoints ratio = default;
        if (form.Arrangement is CanteenArrangement.OwnCanteen or CanteenArrangement.Outsourced && !PercentInput.TryParse(form.RatioPercent, out ratio))
            errors["RatioPercent"] = "预留比例须为百分数，最多两位小数 / The ratio is a percentage with at most two decimals.";
        int? host = null;
        if (form.Arrangement == CanteenArrangement.SharedWithHost && !string.IsNullOrWhiteSpace(form.HostCreditCode)
            && (host = await quota.UnitByCreditCodeAsync(form.HostCreditCode, ct)) is null)
            errors["HostUnitId"] = "没有该统一社会信用代码的预算单位 / No budget unit has this credit code.";
        if (errors.Count == 0)
        {
            var (_, found) = await quota.SaveDraftAsync(User.ToActor(), y, new FilingInput(0, form.Arrangement, form.CanteenTotalYuan, ratio,
                form.ExemptionReason, form.CateringOperator, host), ct);
            errors = found;
        }
        if (errors.Count == 0) return Redirect($"/quota?year={y}");
        foreach (var (k, v) in errors) ModelState.AddModelError(k, v);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Unit", await quota.UnitAsync(Unit, y, ct) with { Form = form });
    }

    [HttpPost("filing/{id:int}/submit")]
    public async Task<IActionResult> Submit(int id, int? year, CancellationToken ct)
    {
        await quota.SubmitAsync(User.ToActor(), id, ct);
        return Redirect($"/quota?year={Year(year)}");
    }

    /// <summary>Saves 12 amounts typed in yuan, or fills them evenly / along the region's curve.</summary>
    [HttpPost("plan")]
    public async Task<IActionResult> SavePlan(int? year, string[]? months, string? fill, CancellationToken ct)
    {
        var y = Year(year);
        IReadOnlyList<Money> amounts;
        if (fill is "even" or "curve") amounts = (await quota.SuggestPlanAsync(Unit, y, fill == "curve", ct)).Months;
        else
        {
            var parsed = (months ?? []).Select(m => Money.TryParseYuan(m, out var v) ? v : (Money?)null).ToList();
            if (parsed.Count != 12 || parsed.Any(p => p is null))
                throw new DomainException("请填写12个月的计划金额（元，最多两位小数）", "Enter 12 monthly amounts in yuan with at most two decimals.");
            amounts = parsed.Select(p => p!.Value).ToList();
        }
        await quota.SavePlanAsync(User.ToActor(), y, amounts, ct);
        return Redirect($"/quota?year={y}");
    }

    private int Year(int? year) => year is >= 2020 and <= 2100 ? year.Value : ThisYear;
}

/// <summary>The finance bureau's side: its region's policy, the units' filings, review.</summary>
[Authorize(Roles = Roles.FinanceBureau)]
[Route("quota/region")]
public sealed class RegionQuotaController(QuotaService quota, TimeProvider clock) : Controller
{
    private int ThisYear => clock.GetUtcNow().AddHours(8).Year;

    [HttpGet("")]
    public async Task<IActionResult> Index(int? year, string? state, CancellationToken ct) =>
        View("Region", await quota.RegionAsync(User.ToActor(), year is >= 2020 and <= 2100 ? year.Value : ThisYear,
            state is "NotFiled" or "Submitted" or "Returned" or "Approved" ? state : null, ct));

    [HttpPost("policy")]
    public async Task<IActionResult> SetPolicy(int year, string? minimumPercent, DateOnly deadline, bool unionPurchasesCount, string? alertPercent, string? curve, CancellationToken ct)
    {
        static BasisPoints Percent(string? text, string field) => PercentInput.TryParse(text, out var bp) ? bp
            : throw new DomainException($"{field.Split(" / ")[0]}须为百分数，最多两位小数", $"{field.Split(" / ")[^1]} must be a percentage with at most two decimals.");
        IReadOnlyList<BasisPoints>? points = string.IsNullOrWhiteSpace(curve) ? null
            : curve.Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries).Select(c => Percent(c, "进度曲线 / curve")).ToList();
        var actor = User.ToActor();
        await quota.SetPolicyAsync(actor, actor.RegionId ?? 0, year, new PolicyInput(Percent(minimumPercent, "最低比例 / minimum"), deadline,
            unionPurchasesCount, Percent(alertPercent, "预警阈值 / alert threshold"), points), ct);
        return Redirect($"/quota/region?year={year}");
    }

    [HttpGet("units/{unitId:int}")]
    public async Task<IActionResult> Unit(int unitId, int? year, CancellationToken ct) =>
        View("Unit", await quota.UnitForBureauAsync(User.ToActor(), unitId, year is >= 2020 and <= 2100 ? year.Value : ThisYear, ct) with { BureauViewOfUnit = unitId });

    [HttpPost("units/{unitId:int}/adjust")]
    public async Task<IActionResult> Adjust(int unitId, int year, string? amountYuan, DateOnly on, string? reason, CancellationToken ct)
    {
        await quota.AdjustAsync(User.ToActor(), unitId, year, amountYuan, on, reason, ct);
        return Redirect($"/quota/region/units/{unitId}?year={year}");
    }

    [HttpPost("remind")]
    public async Task<IActionResult> Remind(int year, CancellationToken ct)
    {
        var sent = await quota.RemindNotFiledAsync(User.ToActor(), year, ct);
        return Redirect($"/quota/region?year={year}&state=NotFiled&reminded={sent}");
    }

    [HttpPost("filings/{id:int}/{command:regex(^(Approve|Return)$)}")]
    public async Task<IActionResult> Review(int id, FilingAction command, string? reason, int? year, CancellationToken ct)
    {
        await quota.ReviewAsync(User.ToActor(), id, command, reason, ct);
        return Redirect($"/quota/region?year={year ?? ThisYear}&state=Submitted");
    }
}

/// <summary>A percentage as typed ("20", "20.5", "20%"), with at most two decimals, as basis points.</summary>
public static class PercentInput
{
    public static bool TryParse(string? text, out BasisPoints value)
    {
        value = default;
        if (!decimal.TryParse(NumberText.Normalize(text).TrimEnd('%').Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent)
            || decimal.Round(percent, 2) != percent || percent is < -100_000 or > 100_000) return false;
        value = BasisPoints.FromPercent(percent);
        return true;
    }
}
