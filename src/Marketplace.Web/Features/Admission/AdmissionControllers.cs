using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Admission;

/// <summary>供应商入驻申请: anyone may apply; the account created can sign in and follow the application.</summary>
[AllowAnonymous]
public sealed class VendorApplicationController(AdmissionService admission) : Controller
{
    [HttpGet("/vendor/apply")]
    public IActionResult Apply() => View("Apply", new ApplicationFormViewModel(new VendorApplicationForm(), admission.PovertyReliefCounties()));

    [HttpPost("/vendor/apply")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Registration)]
    public async Task<IActionResult> Apply(VendorApplicationForm form, CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var (vendorId, errors) = await admission.RegisterAsync(form, ct);
            if (vendorId is not null) return Redirect("/vendor/apply/submitted");
            foreach (var (field, message) in errors) ModelState.AddModelError(field, message);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Apply", new ApplicationFormViewModel(form, admission.PovertyReliefCounties()));
    }

    [HttpGet("/vendor/apply/submitted")]
    public IActionResult Submitted() => View("Submitted");
}

/// <summary>The reviewers' side: county finance bureaus recommend, the platform approves, suspends and reinstates.</summary>
[Authorize(Roles = Roles.FinanceBureau + "," + Roles.PlatformAdmin)]
[Route("admission/vendors")]
public sealed class AdmissionController(AdmissionService admission) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Queue(VendorStatus? status, string? q, int? after, CancellationToken ct)
    {
        // By default each reviewer sees what waits for them.
        status ??= Request.Query.ContainsKey("status") ? null : User.IsInRole(Roles.PlatformAdmin) ? VendorStatus.CountyRecommended : VendorStatus.Submitted;
        return View("Queue", await admission.QueueAsync(User.ToActor(), status, q, after, ct));
    }

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Show(int id, CancellationToken ct)
    {
        var model = await admission.DetailAsync(User.ToActor(), id, ct);
        return model is null ? NotFound() : View("Show", model);
    }

    [HttpPost("{id:int}/{command:regex(^(Recommend|RejectByCounty|Approve|RejectByPlatform|Suspend|Reinstate)$)}")]
    public async Task<IActionResult> Act(int id, AdmissionAction command, string? reason, CancellationToken ct)
    {
        await admission.ActAsync(User.ToActor(), id, command, reason, ct);
        return Redirect($"/admission/vendors/{id}");
    }
}
