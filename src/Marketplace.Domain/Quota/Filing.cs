namespace Marketplace.Domain.Quota;

/// <summary>How a unit's canteen is run, which decides what it files.</summary>
public enum CanteenArrangement
{
    OwnCanteen = 1,      // 自办食堂
    Outsourced = 2,      // 食堂外包: still files; a catering operator buys on its behalf
    NoCanteen = 3,       // 无食堂: no requirement, recorded as such
    SharedWithHost = 4,  // 多单位共用食堂: the host unit files; this one links to it
}

public enum FilingStatus
{
    Draft = 1,
    Submitted = 2,
    Approved = 3,
    Returned = 4,
}

/// <summary>What a unit typed into the filing form (预留份额填报).</summary>
public sealed record FilingInput(
    int UnitId, CanteenArrangement Arrangement, string? CanteenTotalYuan, BasisPoints Ratio,
    string? ExemptionReason, string? CateringOperator, int? HostUnitId);

public sealed record ValidFiling(
    CanteenArrangement Arrangement, Money CanteenTotal, BasisPoints Ratio, Money Reserved,
    bool NeedsExemption, string? ExemptionReason, string? CateringOperator, int? HostUnitId)
{
    public bool HasRequirement => Reserved.Fen > 0;
}

public static class FilingRules
{
    public const int MaxTextLength = 500;

    /// <summary>
    /// Checks a filing against the region's policy. A ratio under the minimum is allowed only with a reason, and
    /// then needs the finance bureau's exemption (<see cref="ValidFiling.NeedsExemption"/>). The reserved amount is
    /// the ratio of the total, rounded up to the fen.
    /// </summary>
    public static (ValidFiling? Filing, Dictionary<string, string> Errors) Validate(FilingInput input, ReservationPolicy policy)
    {
        var errors = new Dictionary<string, string>();
        var reason = Clean(input.ExemptionReason);
        var caterer = Clean(input.CateringOperator);
        switch (input.Arrangement)
        {
            case CanteenArrangement.NoCanteen:
                return (new ValidFiling(CanteenArrangement.NoCanteen, Money.Zero, new BasisPoints(0), Money.Zero, false, null, null, null), errors);
            case CanteenArrangement.SharedWithHost:
                if (input.HostUnitId is not { } host || host == input.UnitId)
                    errors["HostUnitId"] = "请选择共用食堂的主办单位（不能是本单位） / Choose the unit that runs the shared canteen (not this unit).";
                return errors.Count > 0 ? (null, errors)
                    : (new ValidFiling(CanteenArrangement.SharedWithHost, Money.Zero, new BasisPoints(0), Money.Zero, false, null, null, input.HostUnitId), errors);
            case CanteenArrangement.OwnCanteen or CanteenArrangement.Outsourced:
                break;
            default:
                errors["Arrangement"] = "请选择食堂情况 / Choose how the canteen is run.";
                return (null, errors);
        }

        if (!Money.TryParseYuan(input.CanteenTotalYuan, out var total) || total.Fen <= 0)
            errors["CanteenTotalYuan"] = "食堂食材采购总额须为大于0的金额，最多两位小数 / The canteen food total must be an amount above 0 with at most two decimals.";
        else if (total > Money.FromYuan(10_000_000_000))
            errors["CanteenTotalYuan"] = "金额过大 / The amount is too large.";
        if (input.Ratio.Value is < 0 or > 10_000)
            errors["Ratio"] = "预留比例须在0%到100%之间 / The ratio must be between 0% and 100%.";
        var needsExemption = input.Ratio < policy.MinimumRatio;
        if (needsExemption && reason is null)
            errors["ExemptionReason"] = $"预留比例低于本地区最低比例{policy.MinimumRatio}，须说明原因并经财政部门批准 / A ratio below the region's minimum of {policy.MinimumRatio} needs a reason and the finance bureau's exemption.";
        if (input.Arrangement == CanteenArrangement.Outsourced && caterer is null)
            errors["CateringOperator"] = "食堂外包的须填写承包经营单位 / An outsourced canteen must name its catering operator.";
        if ((reason?.Length ?? 0) > MaxTextLength || (caterer?.Length ?? 0) > MaxTextLength)
            errors["ExemptionReason"] = $"文字不能超过{MaxTextLength}字 / At most {MaxTextLength} characters.";
        if (errors.Count > 0) return (null, errors);

        return (new ValidFiling(input.Arrangement, total, input.Ratio, input.Ratio.ApplyRoundingUp(total), needsExemption,
            needsExemption ? reason : null, input.Arrangement == CanteenArrangement.Outsourced ? caterer : null, null), errors);
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public enum FilingAction
{
    Submit = 1,   // the unit
    Approve = 2,  // the finance bureau (also grants a requested exemption)
    Return = 3,   // the finance bureau, with a reason
}

/// <summary>Draft → Submitted → Approved, or Returned (reason) → Submitted again. Changes after approval are a new
/// amendment (a new version in Draft), so the approved history is kept.</summary>
public static class FilingWorkflow
{
    public static FilingStatus Apply(FilingStatus current, FilingAction action, string role, string? reason)
    {
        var (to, who) = (current, action) switch
        {
            (FilingStatus.Draft or FilingStatus.Returned, FilingAction.Submit) => (FilingStatus.Submitted, Roles.Buyer),
            (FilingStatus.Submitted, FilingAction.Approve) => (FilingStatus.Approved, Roles.FinanceBureau),
            (FilingStatus.Submitted, FilingAction.Return) => (FilingStatus.Returned, Roles.FinanceBureau),
            _ => throw new DomainException($"填报当前状态（{StatusNames.Zh(current)}）不能执行此操作", $"A filing in state {current} cannot be {action}ed."),
        };
        if (role != who) throw new ForbiddenException("您的角色不能执行此操作", $"Your role may not {action} a filing.");
        if (action == FilingAction.Return && string.IsNullOrWhiteSpace(reason))
            throw new DomainException("退回时须说明原因", "Returning a filing needs a reason.");
        return to;
    }

    /// <summary>Filed after the deadline (the deadline day itself still counts as on time, in China Standard Time).</summary>
    public static bool IsLate(DateTime submittedAtUtc, DateOnly deadline) =>
        DateOnly.FromDateTime(submittedAtUtc.AddHours(8)) > deadline;
}
