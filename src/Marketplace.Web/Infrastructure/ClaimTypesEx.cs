using System.Security.Claims;
using Marketplace.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Infrastructure;

public static class MarketplaceClaims
{
    public const string BudgetUnitId = "mp:unit";
    public const string VendorId = "mp:vendor";
    public const string RegionId = "mp:region";
    public const string DisplayName = "mp:name";

    public static int? GetInt(this ClaimsPrincipal user, string type) =>
        int.TryParse(user.FindFirstValue(type), out var v) ? v : null;

    public static string DisplayNameOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";
}

/// <summary>Puts the user's scope (unit, vendor or region) into the cookie, so scoping needs no lookup per request.</summary>
public sealed class MarketplaceClaimsFactory(
    UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(MarketplaceClaims.DisplayName, string.IsNullOrEmpty(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));
        if (user.BudgetUnitId is { } unit) identity.AddClaim(new Claim(MarketplaceClaims.BudgetUnitId, unit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (user.VendorId is { } vendor) identity.AddClaim(new Claim(MarketplaceClaims.VendorId, vendor.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (user.RegionId is { } region) identity.AddClaim(new Claim(MarketplaceClaims.RegionId, region.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Features.Account.MustChangePasswordFilter.AddTo(identity, user);
        return identity;
    }
}
