using Marketplace.Data.Finance;
using Marketplace.Domain;
using Marketplace.Domain.Administration;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Marketplace.Web.Features.Administration;

public sealed record UnitsViewModel(IReadOnlyList<UnitRow> Rows, string? Next, string? Query, int? Region, CanteenArrangement? Canteen, bool? Active, int? Scope);

public sealed record UnitFormViewModel(int? Id, UnitForm Form, IReadOnlyList<UnitImportError> Errors);

public sealed record ImportViewModel(ImportOutcome? Outcome, string? FileName);

public sealed record UsersViewModel(IReadOnlyList<UserRow> Rows, string? Query, NewAccount Form, IReadOnlyDictionary<string, string> Errors, IssuedCredential? Issued, bool VendorStaff);

/// <summary>预算单位管理: the platform everywhere, a finance bureau within its region.</summary>
[Authorize(Roles = Roles.PlatformAdmin + "," + Roles.FinanceBureau)]
[Route("admin/units")]
public sealed class UnitsController(AdministrationService admin) : Controller
{
    private const int MaxImportBytes = 20 * 1024 * 1024;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? q, int? region, CanteenArrangement? canteen, bool? active, int? after, CancellationToken ct)
    {
        var actor = User.ToActor();
        var (rows, next) = await admin.UnitsAsync(actor, q, region, canteen, active, after, ct);
        return View("Units", new UnitsViewModel(rows, next, q, region, canteen, active, AdministrationService.ScopeOf(actor)));
    }

    [HttpGet("new")]
    public IActionResult New() => View("UnitForm", new UnitFormViewModel(null, new UnitForm(null, null, User.ToActor().RegionId?.ToString(), null, null), []));

    [HttpPost("new")]
    public Task<IActionResult> Create(UnitFormInput input, CancellationToken ct) => Save(null, input, ct);

    [HttpGet("{id:int}")]
    public async Task<IActionResult> Edit(int id, CancellationToken ct)
    {
        var u = await admin.UnitAsync(User.ToActor(), id, ct);
        return View("UnitForm", new UnitFormViewModel(id, new UnitForm(u.Name, u.CreditCode, RegionCode.Format(u.RegionId), u.Parent?.CreditCode, u.Canteen, u.IsActive), []));
    }

    [HttpPost("{id:int}")]
    public Task<IActionResult> Update(int id, UnitFormInput input, CancellationToken ct) => Save(id, input, ct);

    private async Task<IActionResult> Save(int? id, UnitFormInput input, CancellationToken ct)
    {
        var form = new UnitForm(input.Name, input.CreditCode, input.RegionCode, input.ParentCreditCode, input.Canteen, input.IsActive);
        var (saved, errors) = await admin.SaveUnitAsync(User.ToActor(), id, form, ct);
        if (saved is not null) return Redirect($"/admin/units?q={Uri.EscapeDataString(form.CreditCode!.Trim().ToUpperInvariant())}");
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("UnitForm", new UnitFormViewModel(id, form, errors));
    }

    [HttpGet("import")]
    public IActionResult Import() => View("UnitImport", new ImportViewModel(null, null));

    /// <summary>Checks the file (a dry run unless <paramref name="commit"/>): every row's errors, or the counts it would write.</summary>
    [HttpPost("import")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Upload)]
    [RequestSizeLimit(MaxImportBytes + 64 * 1024)]
    [RequestFormLimits(MultipartBodyLengthLimit = MaxImportBytes + 64 * 1024)]
    public async Task<IActionResult> Import(IFormFile? file, bool commit, CancellationToken ct)
    {
        if (file is null || file.Length == 0) throw new DomainException("请选择XLSX或CSV文件", "Choose an XLSX or CSV file.");
        if (file.Length > MaxImportBytes) throw new DomainException("文件不能超过20MB", "The file may be at most 20 MB.");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var rows = AdministrationService.ReadUnitFile(file.FileName, buffer.ToArray());
        var outcome = await admin.ImportUnitsAsync(User.ToActor(), rows, commit, file.FileName, ct);
        if (outcome.Plan.Errors.Count > 0) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("UnitImport", new ImportViewModel(outcome, Path.GetFileName(file.FileName)));
    }

    /// <summary>The template: the headers and two example rows (a parent and its subordinate unit).</summary>
    [HttpGet("template.{format:regex(^(csv|xlsx)$)}")]
    public async Task<IActionResult> Template(string format, CancellationToken ct)
    {
        var example = new[]
        {
            new[] { "某某县教育局", "11520000000000001Q", "520000", "", "是" },
            new[] { "某某县第一中学", "11520000000000003Y", "520000", "11520000000000001Q", "外包" },
        };
        if (format == "csv")
        {
            var columns = UnitImportRules.Headers.Select((h, i) => new ExportColumn<string[]>(h, r => r[i])).ToList();
            var stream = new MemoryStream();
            await Csv.WriteAsync(stream, columns, Csv.ToAsync(example), ct);
            return File(stream.ToArray(), "text/csv; charset=utf-8", "budget-units-template.csv");
        }
        var sheet = new MemoryStream();
        await sheet.SaveAsAsync(example.Select(r => UnitImportRules.Headers.Select((h, i) => (h, (object?)r[i])).ToDictionary(x => x.h, x => x.Item2)),
            sheetName: "预算单位", excelType: ExcelType.XLSX, cancellationToken: ct);
        return File(sheet.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget-units-template.xlsx");
    }

    [HttpGet("tree")]
    public async Task<IActionResult> Tree(int? region, CancellationToken ct) => View("UnitTree", await admin.TreeAsync(User.ToActor(), region, ct));
}

public sealed class UnitFormInput
{
    public string? Name { get; set; }
    public string? CreditCode { get; set; }
    public string? RegionCode { get; set; }
    public string? ParentCreditCode { get; set; }
    public CanteenArrangement? Canteen { get; set; }
    public bool IsActive { get; set; } = true;
}

public sealed class NewAccountInput
{
    public string? Role { get; set; }
    public string? UserName { get; set; }
    public string? DisplayName { get; set; }
    public string? Email { get; set; }
    public string? UnitCreditCode { get; set; }
    public string? RegionCode { get; set; }
    public bool Invite { get; set; }

    public NewAccount ToAccount(string? forcedRole = null) => new(forcedRole ?? Role ?? "", UserName, DisplayName, Email, UnitCreditCode, RegionCode, Invite);
}

/// <summary>账号管理: buyers, finance-bureau and platform accounts, within the actor's scope.</summary>
[Authorize(Roles = Roles.PlatformAdmin + "," + Roles.FinanceBureau)]
[Route("admin/users")]
public sealed class UsersController(AdministrationService admin) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? q, string? after, CancellationToken ct) =>
        View("Users", new UsersViewModel(await admin.UsersAsync(User.ToActor(), q, after, ct), q, new NewAccount(Roles.Buyer, null, null, null, null, null, false), new Dictionary<string, string>(), null, false));

    [HttpPost("")]
    public async Task<IActionResult> Create(NewAccountInput input, CancellationToken ct)
    {
        var (issued, errors) = await admin.CreateUserAsync(User.ToActor(), input.ToAccount(), (user, token) => AdministrationService.InvitationLink(Request, user, token), ct);
        if (errors.Count > 0) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Users", new UsersViewModel(await admin.UsersAsync(User.ToActor(), null, null, ct), null, input.ToAccount(), errors, issued, false));
    }

    [HttpPost("{id}/reset")]
    public async Task<IActionResult> Reset(string id, CancellationToken ct)
    {
        var issued = await admin.ResetPasswordAsync(User.ToActor(), id, ct);
        return View("Users", new UsersViewModel(await admin.UsersAsync(User.ToActor(), null, null, ct), null, new NewAccount(Roles.Buyer, null, null, null, null, null, false), new Dictionary<string, string>(), issued, false));
    }

    [HttpPost("{id}/disable")]
    public async Task<IActionResult> Disable(string id, CancellationToken ct)
    {
        await admin.SetDisabledAsync(User.ToActor(), id, true, ct);
        return Redirect("/admin/users");
    }

    [HttpPost("{id}/enable")]
    public async Task<IActionResult> Enable(string id, CancellationToken ct)
    {
        await admin.SetDisabledAsync(User.ToActor(), id, false, ct);
        return Redirect("/admin/users");
    }

}

/// <summary>A vendor owner's staff accounts.</summary>
[Authorize(Roles = Roles.Vendor)]
[Route("vendor/staff")]
public sealed class VendorStaffController(AdministrationService admin, Marketplace.Data.MarketplaceDbContext db) : Controller
{
    public const string VendorOwner = "所有者 / owner";
    public const string VendorStaff = "员工 / staff";

    private async Task<IReadOnlyList<UserRow>> StaffAsync(CancellationToken ct)
    {
        var vendor = User.RequireVendorId();
        return await db.Users.AsNoTracking().Where(u => u.VendorId == vendor).OrderBy(u => u.UserName)
            .Select(u => new UserRow(u.Id, u.UserName!, u.DisplayName, u.Email, Roles.Vendor, u.IsVendorOwner ? VendorOwner : VendorStaff, u.IsDisabled, u.MustChangePassword, u.CreatedAt))
            .ToListAsync(ct);
    }

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken ct) =>
        View("~/Features/Administration/Views/Users.cshtml", new UsersViewModel(await StaffAsync(ct), null, new NewAccount(Roles.Vendor, null, null, null, null, null, false), new Dictionary<string, string>(), null, true));

    [HttpPost("")]
    public async Task<IActionResult> Create(NewAccountInput input, CancellationToken ct)
    {
        var (issued, errors) = await admin.CreateUserAsync(User.ToActor(), input.ToAccount(Roles.Vendor),
            (user, token) => AdministrationService.InvitationLink(Request, user, token), ct);
        if (errors.Count > 0) Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("~/Features/Administration/Views/Users.cshtml", new UsersViewModel(await StaffAsync(ct), null, input.ToAccount(Roles.Vendor), errors, issued, true));
    }

    [HttpPost("{id}/disable")]
    public async Task<IActionResult> Disable(string id, CancellationToken ct)
    {
        await admin.SetDisabledAsync(User.ToActor(), id, true, ct);
        return Redirect("/vendor/staff");
    }

    [HttpPost("{id}/enable")]
    public async Task<IActionResult> Enable(string id, CancellationToken ct)
    {
        await admin.SetDisabledAsync(User.ToActor(), id, false, ct);
        return Redirect("/vendor/staff");
    }
}

/// <summary>操作日志: every administrative action, filterable and exportable (PlatformAdmin).</summary>
[Authorize(Roles = Roles.PlatformAdmin)]
[Route("admin/audit")]
public sealed class AuditController(AdministrationService admin) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(string? actor, string? what, DateOnly? from, DateOnly? to, long? before, CancellationToken ct)
    {
        var q = admin.AuditQuery(actor, what, from, to);
        if (before is { } b) q = q.Where(a => a.Id < b);
        return View("Audit", await q.Take(100).ToListAsync(ct));
    }

    [HttpGet("~/admin/audit.csv")]
    public async Task Export(string? actor, string? what, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=audit-log.csv";
        var columns = new ExportColumn<Marketplace.Data.Entities.AuditEntry>[]
        {
            new("时间", a => a.At.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss")), new("操作人", a => a.ActorName), new("角色", a => a.ActorRole),
            new("操作", a => a.Action), new("对象", a => a.Target), new("详情", a => a.Details), new("来源地址", a => a.IpAddress),
        };
        await Csv.WriteAsync(Response.Body, columns, admin.AuditQuery(actor, what, from, to).AsAsyncEnumerable(), ct);
    }
}
