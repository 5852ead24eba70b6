using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Features.Account;

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn, UserManager<AppUser> users, MarketplaceDbContext db, RegionDirectory regions,
    IStringLocalizer<SharedResource> l, ILogger<AccountController> logger, TimeProvider clock, SignInThrottle throttle) : Controller
{
    [HttpGet("login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl) => View(new LoginViewModel { ReturnUrl = returnUrl });

    [HttpPost("login")]
    [AllowAnonymous]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimitOptions.SignIn)]
    public async Task<IActionResult> Login(LoginViewModel model)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View(model);
        }

        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (throttle.IsBlocked(address))
        {
            logger.LogWarning("Sign-in throttled for {Address}", address);
            return TooManyAttempts(SignInThrottle.Window, "此地址登录失败次数过多", "Too many failed sign-ins from this address");
        }

        var userName = model.UserName.Trim();
        if (!throttle.TryAttempt(userName, out var retryAfter))
        {
            logger.LogWarning("Sign-in throttled for user name {UserName} (from {Address})", userName, address);
            return TooManyAttempts(retryAfter, "此账号登录尝试次数过多", "Too many sign-in attempts for this account");
        }
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // The same work and the same answer as a wrong password, so a name cannot be probed by message or timing.
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, model.Password);
            throttle.Failed(address);
            ModelState.AddModelError("", l["Wrong user name or password."]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View(model);
        }
        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIn.PasswordSignInAsync(user, model.Password, model.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserName} signed in", userName);
            return LocalRedirect(Url.IsLocalUrl(model.ReturnUrl) ? model.ReturnUrl! : "/account");
        }
        throttle.Failed(address);
        if (result.IsLockedOut && !wasLocked)
        {
            // Locked just now: the owner learns of it (a stranger sees only the usual answer).
            logger.LogWarning("User {UserName} locked out after failed sign-ins from {Address}", userName, address);
            db.Notifications.Add(new Notification
            {
                UserId = user.Id, SenderName = "平台 / Platform", CreatedAt = clock.GetUtcNow().UtcDateTime, Link = "/account/password",
                Title = "账号因多次登录失败被暂时锁定 / Your account was locked after failed sign-ins",
                Body = $"来自{address ?? "未知地址"}的多次错误密码使账号锁定{(int)LockoutMinutes}分钟。如非本人操作，请修改密码。 / Repeated wrong passwords from {address ?? "an unknown address"} locked the account for {(int)LockoutMinutes} minutes. If this was not you, change your password.",
            });
            await db.SaveChangesAsync();
        }
        // Locked or wrong: one answer for both, as for an unknown name.
        ModelState.AddModelError("", l["Wrong user name or password."]);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View(model);
    }

    /// <summary>The 429 page of a spent sign-in budget, saying when to come back (and Retry-After in seconds).</summary>
    private ViewResult TooManyAttempts(TimeSpan retryAfter, string reasonZh, string reasonEn)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return View("Error", new Errors.ErrorViewModel(429, "尝试次数过多", "Too many attempts",
            $"{reasonZh}，请{minutes}分钟后再试。", $"{reasonEn}; try again in {minutes} minutes."));
    }

    /// <summary>Account lockout (Program.cs): after 10 wrong passwords, for 5 minutes.</summary>
    public const double LockoutMinutes = 5;

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), Guid.NewGuid().ToString()));

    [HttpPost("logout")]
    [Authorize]
    public async Task<IActionResult> Logout()
    {
        // A new security stamp ends every copy of this session's cookie, not just the one in this browser.
        if (await users.GetUserAsync(User) is { } user) await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }

    [HttpGet("password")]
    [Authorize]
    public IActionResult ChangePassword(bool required = false) => View("ChangePassword", new ChangePasswordViewModel { Required = required || User.HasClaim(MustChangePasswordFilter.Claim, "1") });

    /// <summary>Changes the password (the current one is needed, also a one-time one); other sessions end.</summary>
    [HttpPost("password")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.SignIn)]
    [Authorize]
    public async Task<IActionResult> ChangePassword(ChangePasswordViewModel model)
    {
        var user = await users.GetUserAsync(User) ?? throw new InvalidOperationException("Signed in without a user.");
        model.Required = user.MustChangePassword;
        if (ModelState.IsValid && model.NewPassword != model.ConfirmPassword)
            ModelState.AddModelError(nameof(model.ConfirmPassword), l["The two new passwords differ."]);
        if (ModelState.IsValid && model.NewPassword == model.CurrentPassword)
            ModelState.AddModelError(nameof(model.NewPassword), l["Choose a password different from the current one."]);
        if (ModelState.IsValid)
        {
            var result = await users.ChangePasswordAsync(user, model.CurrentPassword, model.NewPassword);
            if (result.Succeeded)
            {
                user.MustChangePassword = false;
                await users.UpdateAsync(user);
                db.AuditEntries.Add(new AuditEntry
                {
                    At = clock.GetUtcNow().UtcDateTime, ActorUserId = user.Id, ActorName = user.DisplayName, ActorRole = Marketplace.Domain.Roles.All.FirstOrDefault(User.IsInRole) ?? "",
                    Action = "password.change", Target = $"user:{user.UserName}", IpAddress = HttpContext.Connection.RemoteIpAddress?.ToString(),
                });
                await db.SaveChangesAsync();
                await signIn.RefreshSignInAsync(user);
                TempData["PasswordChanged"] = true;
                return LocalRedirect("/account");
            }
            foreach (var e in result.Errors)
                ModelState.AddModelError(e.Code == "PasswordMismatch" ? nameof(model.CurrentPassword) : nameof(model.NewPassword),
                    e.Code == "PasswordMismatch" ? l["The current password is wrong."] : e.Description);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("ChangePassword", model);
    }

    /// <summary>An invitation link: the invited person chooses a password (the link works once, for seven days).</summary>
    [HttpGet("invite")]
    [AllowAnonymous]
    public async Task<IActionResult> Invite(string? user, string? token)
    {
        var invited = user is null ? null : await users.FindByIdAsync(user);
        if (invited is null || string.IsNullOrEmpty(token) || invited.IsDisabled) return InvalidInvitation();
        return View("Invite", new InviteViewModel { User = user!, Token = token!, UserName = invited.UserName! });
    }

    [HttpPost("invite")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.SignIn)]
    [AllowAnonymous]
    public async Task<IActionResult> Invite(InviteViewModel model)
    {
        var invited = await users.FindByIdAsync(model.User);
        if (invited is null || invited.IsDisabled) return InvalidInvitation();
        model.UserName = invited.UserName!;
        if (ModelState.IsValid && model.NewPassword != model.ConfirmPassword)
            ModelState.AddModelError(nameof(model.ConfirmPassword), l["The two new passwords differ."]);
        if (ModelState.IsValid)
        {
            var result = await users.ResetPasswordAsync(invited, model.Token, model.NewPassword);
            if (result.Succeeded)
            {
                invited.MustChangePassword = false;
                await users.UpdateAsync(invited);
                return LocalRedirect("/account/login?invited=1");
            }
            if (result.Errors.Any(e => e.Code == "InvalidToken")) return InvalidInvitation();
            foreach (var e in result.Errors) ModelState.AddModelError(nameof(model.NewPassword), e.Description);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Invite", model);
    }

    private IActionResult InvalidInvitation()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("Error", new Errors.ErrorViewModel(400, "邀请链接无效或已过期", "Invalid invitation",
            "该邀请链接无效、已使用或已过期，请联系管理员重新发送。", "This invitation link is invalid, used or expired; ask your administrator for a new one."));
    }

    [HttpGet("")]
    [Authorize]
    public async Task<IActionResult> Profile(CancellationToken ct)
    {
        var unitId = User.GetInt(MarketplaceClaims.BudgetUnitId);
        var vendorId = User.GetInt(MarketplaceClaims.VendorId);
        var regionId = User.GetInt(MarketplaceClaims.RegionId);
        var unit = unitId is null ? null : await db.BudgetUnits.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct);
        var vendor = vendorId is null ? null : await db.Vendors.AsNoTracking().Where(v => v.Id == vendorId).Select(v => v.Name).FirstOrDefaultAsync(ct);
        var roles = Marketplace.Domain.Roles.All.Where(User.IsInRole).ToList();
        return View(new ProfileViewModel(User.Identity!.Name!, User.DisplayNameOf(), roles, unit, vendor,
            regionId is null ? null : regions.PathOf(regionId.Value)));
    }

    [HttpGet("denied")]
    [AllowAnonymous]
    public IActionResult Denied()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return View("Error", Errors.ErrorViewModel.For(403));
    }
}
