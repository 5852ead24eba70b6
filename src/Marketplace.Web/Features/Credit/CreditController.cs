using Marketplace.Data;
using Marketplace.Data.Credit;
using Marketplace.Domain;
using Marketplace.Domain.Credit;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Credit;

public sealed record CreditChangeRow(DateTime At, CreditGrade From, CreditGrade To, int ScoreTenths, int PaidOrders, string Trigger);

public sealed record CreditViewModel(int VendorId, string VendorName, CreditGrade StoredGrade, int StoredScoreTenths, DateTime? ComputedAt,
    CreditResult Now, IReadOnlyList<CreditChangeRow> History, IReadOnlyList<ComplaintView> Complaints, bool ForPlatform);

public sealed record CreditListRow(int VendorId, string Name, string County, CreditGrade Grade, int ScoreTenths, DateTime? ComputedAt);

public sealed record CreditListViewModel(IReadOnlyList<CreditListRow> Vendors, CreditGrade? Grade, IReadOnlyDictionary<CreditGrade, int> Counts);

public sealed record ComplaintListViewModel(IReadOnlyList<ComplaintView> Complaints, ComplaintStatus? Status);

/// <summary>Vendor credit: the vendor's own explanation, the platform's overview and history, and complaints.</summary>
public sealed class CreditController(MarketplaceDbContext db, VendorCreditService credit, ComplaintService complaints) : Controller
{
    [HttpGet("/vendor/credit")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> Mine(CancellationToken ct) => await Show(User.RequireVendorId(), false, ct);

    [HttpGet("/admin/credit/{vendorId:int}")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> Vendor(int vendorId, CancellationToken ct) => await Show(vendorId, true, ct);

    private async Task<IActionResult> Show(int vendorId, bool forPlatform, CancellationToken ct)
    {
        var vendor = await db.Vendors.AsNoTracking().Where(v => v.Id == vendorId)
            .Select(v => new { v.Id, v.Name, v.CreditGrade, v.CreditScoreTenths, v.CreditComputedAt }).FirstOrDefaultAsync(ct);
        if (vendor is null) return NotFound();
        var history = await db.VendorCreditChanges.AsNoTracking().Where(c => c.VendorId == vendorId).OrderByDescending(c => c.Id).Take(100)
            .Select(c => new CreditChangeRow(c.At, c.From, c.To, c.ScoreTenths, c.PaidOrders, c.Trigger)).ToListAsync(ct);
        var about = await complaints.AboutVendorAsync(vendorId, ct);
        return View("Credit", new CreditViewModel(vendor.Id, vendor.Name, vendor.CreditGrade, vendor.CreditScoreTenths, vendor.CreditComputedAt,
            await credit.ExplainAsync(vendorId, ct), history, about, forPlatform));
    }

    [HttpGet("/admin/credit")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> List(CreditGrade? grade, CancellationToken ct)
    {
        var active = db.Vendors.AsNoTracking().Where(v => v.Status == VendorStatus.Active);
        var counts = await active.GroupBy(v => v.CreditGrade).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var q = grade is { } g ? active.Where(v => v.CreditGrade == g) : active;
        var rows = await q.OrderBy(v => v.CreditScoreTenths).ThenBy(v => v.Id).Take(500)
            .Select(v => new CreditListRow(v.Id, v.Name, v.County!.Name, v.CreditGrade, v.CreditScoreTenths, v.CreditComputedAt)).ToListAsync(ct);
        return View("CreditList", new CreditListViewModel(rows, grade, counts));
    }

    [HttpPost("/orders/{id:long}/complaints")]
    [Authorize(Roles = Roles.Buyer)]
    public async Task<IActionResult> File(long id, string? reason, CancellationToken ct)
    {
        await complaints.FileAsync(User.ToActor(), id, reason, ct);
        return Redirect($"/orders/{id}#complaints");
    }

    [HttpGet("/admin/complaints")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> Complaints(ComplaintStatus? status, bool all, CancellationToken ct)
    {
        var s = all ? status : status ?? ComplaintStatus.Open;
        return View("Complaints", new ComplaintListViewModel(await complaints.ListAsync(User.ToActor(), s, null, ct), s));
    }

    [HttpPost("/complaints/{id:long}/rule")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> Rule(long id, bool uphold, string? note, CancellationToken ct)
    {
        await complaints.RuleAsync(User.ToActor(), id, uphold, note, ct);
        return Redirect("/admin/complaints");
    }
}
