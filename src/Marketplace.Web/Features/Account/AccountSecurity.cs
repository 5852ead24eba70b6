using System.Security.Claims;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain.Administration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Web.Features.Account;

/// <summary>The platform's password policy (length, not the user name, not a known-weak password) for Identity.</summary>
public sealed class PolicyPasswordValidator : IPasswordValidator<AppUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var errors = PasswordPolicy.Check(user.UserName, password);
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success
            : IdentityResult.Failed(errors.Select(e => new IdentityError { Code = "PasswordPolicy", Description = $"{e.Zh} / {e.En}" }).ToArray()));
    }
}

/// <summary>A disabled account cannot sign in (it is answered like a wrong password, so nothing tells it apart).</summary>
public sealed class MarketplaceSignInManager(
    UserManager<AppUser> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<AppUser> claims, IOptions<IdentityOptions> options,
    ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes, IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}

/// <summary>
/// After a one-time password, nothing but changing it (and signing out) is allowed: every other page redirects to
/// /account/password, and a POST elsewhere is refused.
/// </summary>
public sealed class MustChangePasswordFilter : IAsyncAuthorizationFilter
{
    public const string Claim = "mp:must_change_password";

    public Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var user = context.HttpContext.User;
        if (user.Identity?.IsAuthenticated != true || !user.HasClaim(Claim, "1")) return Task.CompletedTask;
        if (context.ActionDescriptor is ControllerActionDescriptor a
            && (a.ControllerName is "Account" && a.ActionName is "ChangePassword" or "Logout" || a.ControllerName is "Culture" or "Errors"))
            return Task.CompletedTask;
        context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult("/account/password?required=1");
        return Task.CompletedTask;
    }

    public static void AddTo(ClaimsIdentity identity, AppUser user)
    {
        if (user.MustChangePassword) identity.AddClaim(new System.Security.Claims.Claim(Claim, "1"));
    }
}

/// <summary>
/// Checks the cookie's security stamp on every signed-in request with one indexed read of two columns, so that a
/// disabled account, a password reset or a sign-out elsewhere ends the session at once, on every node. Identity's own
/// validator does the same check by loading the whole user, then rebuilds the principal from the user's roles and
/// claims (four more queries) and re-issues the cookie on every request. The claims in the cookie cannot go stale:
/// every change to what they carry (roles, scope, a required password change, disabling) also changes the stamp.
/// </summary>
public sealed class StampCheckValidator(MarketplaceDbContext db, IOptions<IdentityOptions> options) : ISecurityStampValidator
{
    private static readonly Func<MarketplaceDbContext, string, CancellationToken, Task<UserStamp?>> Current =
        EF.CompileAsyncQuery((MarketplaceDbContext context, string id, CancellationToken ct) =>
            context.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new UserStamp(u.SecurityStamp, u.IsDisabled)).FirstOrDefault());

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var claimTypes = options.Value.ClaimsIdentity;
        var id = context.Principal?.FindFirstValue(claimTypes.UserIdClaimType);
        var stamp = context.Principal?.FindFirstValue(claimTypes.SecurityStampClaimType);
        var current = id is null ? null : await Current(db, id, context.HttpContext.RequestAborted);
        if (current is { IsDisabled: false } && stamp is not null && string.Equals(current.SecurityStamp, stamp, StringComparison.Ordinal)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    private sealed record UserStamp(string? SecurityStamp, bool IsDisabled);
}
