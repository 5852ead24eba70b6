namespace Marketplace.Domain;

public enum AdmissionAction
{
    Submit = 0,          // the applicant registers (creates the Submitted state)
    Recommend = 1,       // 县级推荐: a finance bureau whose region contains the vendor's county
    RejectByCounty = 2,
    Approve = 3,         // 平台审核通过: a platform admin
    RejectByPlatform = 4,
    Suspend = 5,
    Reinstate = 6,
}

/// <summary>Who acts: a role and, for a finance bureau, the region it governs.</summary>
public sealed record Actor(string UserId, string Name, string Role, int? RegionId = null, int? VendorId = null, int? UnitId = null)
{
    public bool Is(string role) => Role == role;
}

/// <summary>One recorded step of a vendor's admission: who, when, why.</summary>
public sealed record AdmissionStep(VendorStatus From, VendorStatus To, AdmissionAction Action, Actor Actor, string? Reason, DateTime At);

/// <summary>
/// 供应商准入: Submitted → CountyRecommended (county finance bureau) → Active (platform), either rejectable with a
/// reason; Active ⇄ Suspended by the platform. The table is the whole rule; anything not in it is refused.
/// </summary>
public static class AdmissionWorkflow
{
    private sealed record Rule(VendorStatus From, AdmissionAction Action, VendorStatus To, string Role, bool NeedsReason);

    private static readonly Rule[] Rules =
    [
        new(VendorStatus.Submitted, AdmissionAction.Recommend, VendorStatus.CountyRecommended, Roles.FinanceBureau, false),
        new(VendorStatus.Submitted, AdmissionAction.RejectByCounty, VendorStatus.Rejected, Roles.FinanceBureau, true),
        new(VendorStatus.CountyRecommended, AdmissionAction.Approve, VendorStatus.Active, Roles.PlatformAdmin, false),
        new(VendorStatus.CountyRecommended, AdmissionAction.RejectByPlatform, VendorStatus.Rejected, Roles.PlatformAdmin, true),
        new(VendorStatus.Active, AdmissionAction.Suspend, VendorStatus.Suspended, Roles.PlatformAdmin, true),
        new(VendorStatus.Suspended, AdmissionAction.Reinstate, VendorStatus.Active, Roles.PlatformAdmin, true),
    ];

    public const int MaxReasonLength = 500;

    /// <summary>The actions this actor could take now (for showing buttons; <see cref="Apply"/> is the check).</summary>
    public static IEnumerable<AdmissionAction> AllowedActions(VendorStatus status, Actor actor, int vendorCountyId) =>
        Rules.Where(r => r.From == status && r.Role == actor.Role && InScope(actor, vendorCountyId)).Select(r => r.Action);

    public static AdmissionStep Apply(VendorStatus current, AdmissionAction action, Actor actor, int vendorCountyId, string? reason, DateTime now)
    {
        var byAction = Rules.Where(r => r.Action == action).ToList();
        if (byAction.Count == 0)
            throw new DomainException("不支持的操作", $"Unsupported action {action}.");
        if (byAction.All(r => r.Role != actor.Role))
            throw new ForbiddenException("您的角色不能执行此操作", $"Your role may not {action}.");
        if (!InScope(actor, vendorCountyId))
            throw new ForbiddenException("该供应商不在您的管辖地区内", "The vendor's county is outside your region.");
        var rule = byAction.FirstOrDefault(r => r.From == current)
                   ?? throw new DomainException($"当前状态（{StatusNames.Zh(current)}）不能执行此操作", $"A vendor in state {current} cannot be {action}ed.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (rule.NeedsReason && reason is null)
            throw new DomainException("请填写原因", "A reason is required.");
        if (reason is { Length: > MaxReasonLength })
            throw new DomainException($"原因不能超过{MaxReasonLength}字", $"The reason may have at most {MaxReasonLength} characters.");
        return new AdmissionStep(current, rule.To, action, actor, reason, now);
    }

    /// <summary>A finance bureau acts only on vendors in its region's subtree; the platform acts everywhere.</summary>
    private static bool InScope(Actor actor, int vendorCountyId) => actor.Role switch
    {
        Roles.FinanceBureau => actor.RegionId is { } region && RegionCode.Contains(region, vendorCountyId),
        Roles.PlatformAdmin => true,
        _ => false,
    };
}
