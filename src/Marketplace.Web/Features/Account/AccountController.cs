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
    SignInManager<AppUser> signIn, MarketplaceDbContext db, RegionDirectory regions,
    IStringLocalizer<SharedResource> l, ILogger<AccountController> logger) : Controller
{
    [HttpGet("login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl) => View(new LoginViewModel { ReturnUrl = returnUrl });

    [HttpPost("login")]
    [AllowAnonymous]
    public async Task<IActionResult> Login(LoginViewModel model)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View(model);
        }

        var result = await signIn.PasswordSignInAsync(model.UserName.Trim(), model.Password, model.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserName} signed in", model.UserName);
            return LocalRedirect(Url.IsLocalUrl(model.ReturnUrl) ? model.ReturnUrl! : "/account");
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("User {UserName} is locked out", model.UserName);
            ModelState.AddModelError("", l["Too many failed attempts: the account is locked for 15 minutes."]);
        }
        else
        {
            ModelState.AddModelError("", l["Wrong user name or password."]);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View(model);
    }

    [HttpPost("logout")]
    [Authorize]
    public async Task<IActionResult> Logout()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/");
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
