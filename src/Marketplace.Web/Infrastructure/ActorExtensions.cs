using System.Security.Claims;
using Marketplace.Domain;

namespace Marketplace.Web.Infrastructure;

public static class ActorExtensions
{
    /// <summary>The signed-in user as the domain sees them: id, name, role and scope (region or vendor).</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        return new Actor(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."),
            user.DisplayNameOf(), role, user.GetInt(MarketplaceClaims.RegionId), user.GetInt(MarketplaceClaims.VendorId),
            user.GetInt(MarketplaceClaims.BudgetUnitId));
    }

    /// <summary>The region a FinanceBureau user acts for; an account without one is refused.</summary>
    public static int RequireRegionId(this ClaimsPrincipal user) =>
        user.GetInt(MarketplaceClaims.RegionId) ?? throw new ForbiddenException("账号未关联地区", "This account has no region.");

    /// <summary>The vendor a Vendor-role user acts for; a vendor user without one is refused.</summary>
    public static int RequireVendorId(this ClaimsPrincipal user) =>
        user.GetInt(MarketplaceClaims.VendorId) ?? throw new ForbiddenException("账号未关联供应商", "The account is not tied to a vendor.");
}
