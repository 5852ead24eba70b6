using System.Security.Cryptography;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Administration;
using Marketplace.Domain.Quota;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Marketplace.Web.Features.Administration;

public sealed record UnitRow(int Id, string Name, string CreditCode, int RegionId, string? ParentName, CanteenArrangement? Canteen, bool IsActive);

public sealed record UnitForm(string? Name, string? CreditCode, string? RegionCode, string? ParentCreditCode, CanteenArrangement? Canteen, bool IsActive = true);

public sealed record ImportOutcome(UnitImportPlan Plan, bool Committed, TimeSpan Elapsed);

public sealed record UserRow(string Id, string UserName, string DisplayName, string? Email, string Role, string Scope, bool IsDisabled, bool MustChangePassword, DateTime? CreatedAt);

public sealed record NewAccount(string Role, string? UserName, string? DisplayName, string? Email, string? UnitCreditCode, string? RegionCode, bool Invite);

/// <summary>What the administrator sees once: the one-time password, or the invitation link.</summary>
public sealed record IssuedCredential(string UserName, string? OneTimePassword, string? InvitationLink);

/// <summary>
/// Bringing a region onto the platform: budget units (list, create, edit, deactivate, import from a spreadsheet) and
/// accounts (create with a one-time password or an invitation, reset, disable), each within the actor's own scope,
/// each action written to the audit log.
/// </summary>
public sealed class AdministrationService(
    MarketplaceDbContext db, UserManager<AppUser> users, RegionDirectory regions, TimeProvider clock, IHttpContextAccessor http)
{
    public const int PageSize = 50;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The region an actor administers: null for the platform (everything), the bureau's own region otherwise.</summary>
    public static int? ScopeOf(Actor actor) => actor.Is(Roles.PlatformAdmin) ? null
        : actor.Is(Roles.FinanceBureau) && actor.RegionId is { } r ? r
        : throw new ForbiddenException("只有平台和财政部门可以管理单位和账号", "Only the platform and finance bureaus administer units and accounts.");

    private static (int From, int To) Range(int? scope) => scope is { } s ? RegionCode.SubtreeRange(s) : (0, int.MaxValue);

    public void Audit(Actor actor, string action, string target, string? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = Now, ActorUserId = actor.UserId, ActorName = actor.Name, ActorRole = actor.Role, Action = action,
            Target = target.Length > 200 ? target[..200] : target, Details = details is { Length: > 1000 } ? details[..1000] : details,
            IpAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
        });

    // ---- Budget units ----

    public async Task<(IReadOnlyList<UnitRow> Rows, string? Next)> UnitsAsync(Actor actor, string? q, int? region, CanteenArrangement? canteen, bool? active, int? after, CancellationToken ct)
    {
        var scope = ScopeOf(actor);
        var (from, to) = Range(scope);
        if (region is { } r)
        {
            if (!RegionCode.IsValid(r) || (scope is { } s && !RegionCode.Contains(s, r))) throw new ForbiddenException("只能查看本级及下级地区的单位", "Your own region's units only.");
            (from, to) = RegionCode.SubtreeRange(r);
        }
        var query = db.BudgetUnits.AsNoTracking().Where(u => u.RegionId >= from && u.RegionId <= to);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            query = term.Length == 18 ? query.Where(u => u.CreditCode == term.ToUpperInvariant()) : query.Where(u => u.Name.Contains(term));
        }
        if (canteen is { } c) query = query.Where(u => u.Canteen == c);
        if (active is { } a) query = query.Where(u => u.IsActive == a);
        if (after is { } id) query = query.Where(u => u.Id > id);
        var rows = await query.OrderBy(u => u.Id).Take(PageSize + 1)
            .Select(u => new UnitRow(u.Id, u.Name, u.CreditCode, u.RegionId, u.Parent == null ? null : u.Parent.Name, u.Canteen, u.IsActive)).ToListAsync(ct);
        return (rows.Take(PageSize).ToList(), rows.Count > PageSize ? rows[PageSize - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    public async Task<BudgetUnit> UnitAsync(Actor actor, int id, CancellationToken ct)
    {
        var (from, to) = Range(ScopeOf(actor));
        return await db.BudgetUnits.AsNoTracking().Include(u => u.Parent).FirstOrDefaultAsync(u => u.Id == id, ct) is { } unit && unit.RegionId >= from && unit.RegionId <= to
            ? unit : throw new Buying.NotFoundException();
    }

    /// <summary>Creates a unit, or edits one (id): the same checks as an import row, one at a time.</summary>
    public async Task<(int? Id, IReadOnlyList<UnitImportError> Errors)> SaveUnitAsync(Actor actor, int? id, UnitForm form, CancellationToken ct)
    {
        var scope = ScopeOf(actor);
        var existing = id is { } editing ? await UnitAsync(actor, editing, ct) : null;
        var code = form.CreditCode?.Trim().ToUpperInvariant() ?? "";
        var lookup = await ExistingAsync([code, form.ParentCreditCode?.Trim().ToUpperInvariant() ?? ""], ct);
        if (existing is not null && lookup.TryGetValue(code, out var other) && other.Id != existing.Id)
            return (null, [new UnitImportError(1, "统一社会信用代码", "该统一社会信用代码已被其他单位使用", "Another unit has this credit code.")]);
        if (existing is null && lookup.ContainsKey(code))
            return (null, [new UnitImportError(1, "统一社会信用代码", "该统一社会信用代码的单位已存在", "A unit with this credit code exists already.")]);
        // For an edit, the unit's own entry stands under its new code, so that a cycle through it is seen.
        if (existing is not null) lookup.Remove(existing.CreditCode);
        var plan = UnitImportRules.Check([new UnitImportRow(1, form.Name, form.CreditCode, form.RegionCode, form.ParentCreditCode, CanteenText(form.Canteen))],
            id => regions.Find(id) is not null, scope, lookup);
        if (plan.Errors.Count > 0) return (null, plan.Errors);
        var row = plan.Rows[0];
        var parentId = row.ParentCreditCode is null ? null : lookup.GetValueOrDefault(row.ParentCreditCode)?.Id;
        var unit = existing is null ? new BudgetUnit { Name = row.Name, CreditCode = row.CreditCode, CreatedAt = Now }
            : await db.BudgetUnits.FirstAsync(u => u.Id == existing.Id, ct);
        if (existing is null) db.BudgetUnits.Add(unit);
        var changes = existing is null ? "created" : Describe(existing, row, form.IsActive);
        unit.Name = row.Name;
        unit.CreditCode = row.CreditCode;
        unit.RegionId = row.RegionId;
        unit.ParentId = parentId;
        unit.Canteen = row.Canteen;
        unit.IsActive = form.IsActive;
        Audit(actor, existing is null ? "unit.create" : form.IsActive == existing.IsActive ? "unit.edit" : form.IsActive ? "unit.activate" : "unit.deactivate",
            $"unit:{row.CreditCode}", changes);
        await db.SaveChangesAsync(ct);
        return (unit.Id, []);
    }

    private static string Describe(BudgetUnit before, ValidUnitRow after, bool active)
    {
        var parts = new List<string>();
        if (before.Name != after.Name) parts.Add($"name: {before.Name} → {after.Name}");
        if (before.CreditCode != after.CreditCode) parts.Add($"code: {before.CreditCode} → {after.CreditCode}");
        if (before.RegionId != after.RegionId) parts.Add($"region: {before.RegionId} → {after.RegionId}");
        if (before.Parent?.CreditCode != after.ParentCreditCode) parts.Add($"parent: {before.Parent?.CreditCode ?? "-"} → {after.ParentCreditCode ?? "-"}");
        if (before.Canteen != after.Canteen) parts.Add($"canteen: {before.Canteen?.ToString() ?? "-"} → {after.Canteen?.ToString() ?? "-"}");
        if (before.IsActive != active) parts.Add(active ? "activated" : "deactivated");
        return parts.Count == 0 ? "no change" : string.Join("; ", parts);
    }

    public static string? CanteenText(CanteenArrangement? c) => c switch
    {
        CanteenArrangement.OwnCanteen => "是",
        CanteenArrangement.NoCanteen => "否",
        CanteenArrangement.Outsourced => "外包",
        CanteenArrangement.SharedWithHost => "共用",
        _ => null,
    };

    /// <summary>The platform's units holding any of the given credit codes, with their parents' codes.</summary>
    private async Task<Dictionary<string, ExistingUnit>> ExistingAsync(IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var result = new Dictionary<string, ExistingUnit>();
        foreach (var chunk in codes.Where(c => c.Length == 18).Distinct().Chunk(5_000))
            foreach (var u in await db.BudgetUnits.AsNoTracking().Where(u => chunk.Contains(u.CreditCode))
                         .Select(u => new ExistingUnit(u.Id, u.CreditCode, u.RegionId, u.Parent == null ? null : u.Parent.CreditCode)).ToListAsync(ct))
                result[u.CreditCode] = u;
        return result;
    }

    /// <summary>Reads an XLSX or CSV (UTF-8 or GBK) unit list into rows; a file that is neither is refused.</summary>
    public static IReadOnlyList<UnitImportRow> ReadUnitFile(string fileName, byte[] content)
    {
        List<List<string>> table;
        var isZip = content.Length > 4 && content[0] == 0x50 && content[1] == 0x4B;
        if (isZip || fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            if (!isZip) throw new DomainException("文件不是有效的XLSX表格", "The file is not a valid XLSX workbook.");
            try
            {
                using var stream = new MemoryStream(content);
                table = stream.Query(useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>()
                    .Select(r => r.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()).ToList();
            }
            catch (Exception e) when (e is not DomainException)
            {
                throw new DomainException("文件不是有效的XLSX表格", "The file is not a valid XLSX workbook.");
            }
        }
        else
        {
            try { table = CsvText.Read(TextFiles.Decode(content)).Select(r => r.Fields).ToList(); }
            catch (CsvText.UnclosedQuoteException e) { throw new DomainException($"第{e.Row}行引号未闭合", $"Line {e.Row}: a quoted field is not closed."); }
        }
        table = table.Where(r => r.Any(f => !string.IsNullOrWhiteSpace(f))).ToList();
        if (table.Count == 0) throw new DomainException("文件是空的", "The file is empty.");
        var map = UnitImportRules.MapHeaders(table[0])
                  ?? throw new DomainException("表头须包含：单位名称、统一社会信用代码、行政区划代码（可选：上级单位统一社会信用代码、是否有食堂）",
                      "The header must name 单位名称, 统一社会信用代码 and 行政区划代码 (optionally 上级单位统一社会信用代码, 是否有食堂).");
        string? Cell(List<string> row, string key) => map.TryGetValue(key, out var i) && i < row.Count ? row[i] : null;
        return table.Skip(1).Select((r, i) => new UnitImportRow(i + 2, Cell(r, "name"), Cell(r, "code"), Cell(r, "region"), Cell(r, "parent"), Cell(r, "canteen"))).ToList();
    }

    /// <summary>
    /// Checks every row (a dry run reports per-row errors and writes nothing); with <paramref name="commit"/> and no
    /// errors, writes all of it in one transaction: new units bulk-inserted, existing ones (by credit code) updated.
    /// </summary>
    public async Task<ImportOutcome> ImportUnitsAsync(Actor actor, IReadOnlyList<UnitImportRow> rows, bool commit, string fileName, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var scope = ScopeOf(actor);
        var codes = rows.SelectMany(r => new[] { r.CreditCode?.Trim().ToUpperInvariant() ?? "", r.ParentCreditCode?.Trim().ToUpperInvariant() ?? "" }).ToList();
        var existing = await ExistingAsync(codes, ct);
        var plan = UnitImportRules.Check(rows, id => regions.Find(id) is not null, scope, existing);
        if (!commit || plan.Errors.Count > 0) return new ImportOutcome(plan, false, DateTime.UtcNow - started);

        await db.InTransactionAsync(async () =>
        {
            // New units get ids here (under the transaction), so that new parents and children link in one insert.
            var nextId = (await db.BudgetUnits.MaxAsync(u => (int?)u.Id, ct) ?? 0) + 1;
            var ids = existing.ToDictionary(e => e.Key, e => e.Value.Id);
            foreach (var row in plan.Rows.Where(r => !existing.ContainsKey(r.CreditCode))) ids[row.CreditCode] = nextId++;
            var now = Now;
            var created = plan.Rows.Where(r => !existing.ContainsKey(r.CreditCode)).Select(r => new BudgetUnit
            {
                Id = ids[r.CreditCode], Name = r.Name, CreditCode = r.CreditCode, RegionId = r.RegionId,
                ParentId = r.ParentCreditCode is null ? null : ids[r.ParentCreditCode], Canteen = r.Canteen, IsActive = true, CreatedAt = now,
            }).OrderBy(u => u.ParentId is null ? 0 : 1).ToList();
            // Parents first: insert in an order where every parent precedes its children (the foreign key is checked per row).
            await BulkLoader.For(db).InsertAsync(TopologicalOrder(created), ct);

            var updates = plan.Rows.Where(r => existing.ContainsKey(r.CreditCode)).ToDictionary(r => ids[r.CreditCode]);
            foreach (var chunk in updates.Keys.Chunk(2_000))
            {
                var tracked = await db.BudgetUnits.Where(u => chunk.Contains(u.Id)).ToListAsync(ct);
                foreach (var u in tracked)
                {
                    var r = updates[u.Id];
                    u.Name = r.Name;
                    u.RegionId = r.RegionId;
                    u.ParentId = r.ParentCreditCode is null ? null : ids[r.ParentCreditCode];
                    u.Canteen = r.Canteen;
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            Audit(actor, "unit.import", $"import:{Path.GetFileName(fileName)}", $"{plan.New} new, {plan.Updated} updated, {rows.Count} rows");
            await db.SaveChangesAsync(ct);
        }, ct);
        return new ImportOutcome(plan, true, DateTime.UtcNow - started);
    }

    private static IEnumerable<BudgetUnit> TopologicalOrder(List<BudgetUnit> units)
    {
        var byId = units.ToDictionary(u => u.Id);
        var done = new HashSet<int>();
        foreach (var unit in units)
        {
            var chain = new Stack<BudgetUnit>();
            for (var u = unit; u is not null && !done.Contains(u.Id); u = u.ParentId is { } p ? byId.GetValueOrDefault(p) : null) chain.Push(u);
            while (chain.Count > 0)
            {
                var next = chain.Pop();
                if (done.Add(next.Id)) yield return next;
            }
        }
    }

    /// <summary>The unit hierarchy under a scope: the top units (no parent in the scope) and everyone below them.</summary>
    public async Task<ILookup<int?, UnitRow>> TreeAsync(Actor actor, int? region, CancellationToken ct)
    {
        var scope = ScopeOf(actor);
        if (region is { } r && (!RegionCode.IsValid(r) || (scope is { } s && !RegionCode.Contains(s, r))))
            throw new ForbiddenException("只能查看本级及下级地区的单位", "Your own region's units only.");
        var (from, to) = region is { } rr ? RegionCode.SubtreeRange(rr) : Range(scope);
        var rows = await db.BudgetUnits.AsNoTracking().Where(u => u.RegionId >= from && u.RegionId <= to).OrderBy(u => u.Id).Take(20_000)
            .Select(u => new { Row = new UnitRow(u.Id, u.Name, u.CreditCode, u.RegionId, null, u.Canteen, u.IsActive), u.ParentId }).ToListAsync(ct);
        var inScope = rows.Select(r => r.Row.Id).ToHashSet();
        return rows.ToLookup(r => r.ParentId is { } p && inScope.Contains(p) ? r.ParentId : null, r => r.Row);
    }

    // ---- Accounts ----

    public async Task<IReadOnlyList<UserRow>> UsersAsync(Actor actor, string? q, string? after, CancellationToken ct)
    {
        var scope = ScopeOf(actor);
        var (from, to) = Range(scope);
        var query = db.Users.AsNoTracking().Where(u => scope == null
            || (u.BudgetUnitId != null && u.BudgetUnit!.RegionId >= from && u.BudgetUnit.RegionId <= to)
            || (u.RegionId != null && u.RegionId >= from && u.RegionId <= to));
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(u => u.UserName!.Contains(q.Trim()) || u.DisplayName.Contains(q.Trim()));
        if (after is not null) query = query.Where(u => string.Compare(u.UserName, after) > 0);
        var rows = await query.OrderBy(u => u.UserName).Take(PageSize)
            .Select(u => new
            {
                u.Id, u.UserName, u.DisplayName, u.Email, u.IsDisabled, u.MustChangePassword, u.CreatedAt, u.RegionId,
                Unit = u.BudgetUnit == null ? null : u.BudgetUnit.Name, Vendor = u.Vendor == null ? null : u.Vendor.Name,
                Role = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.Select(u => new UserRow(u.Id, u.UserName!, u.DisplayName, u.Email, u.Role ?? "",
            u.Unit ?? u.Vendor ?? (u.RegionId is { } r ? regions.PathOf(r) : "—"), u.IsDisabled, u.MustChangePassword, u.CreatedAt)).ToList();
    }

    public async Task<AppUser> UserInScopeAsync(Actor actor, string id, CancellationToken ct)
    {
        var user = await db.Users.Include(u => u.BudgetUnit).FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new Buying.NotFoundException();
        var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        AccountRules.EnsureMayGrant(actor, new AccountGrant(role, user.BudgetUnit?.RegionId, user.RegionId, user.VendorId), await IsVendorOwnerAsync(actor, ct));
        if (user.Id == actor.UserId) throw new DomainException("不能对自己的账号执行此操作", "You cannot do this to your own account.");
        return user;
    }

    private async Task<bool> IsVendorOwnerAsync(Actor actor, CancellationToken ct) =>
        actor.Is(Roles.Vendor) && await db.Users.AnyAsync(u => u.Id == actor.UserId && u.IsVendorOwner, ct);

    /// <summary>Creates an account within the actor's scope, with a one-time password or an invitation link (shown once).</summary>
    public async Task<(IssuedCredential? Issued, Dictionary<string, string> Errors)> CreateUserAsync(Actor actor, NewAccount form, Func<string, string, string> invitationLink, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var userName = form.UserName?.Trim() ?? "";
        if (userName.Length is < 3 or > 50 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
            errors["UserName"] = "用户名须为3到50位字母、数字或 . _ - @ / The user name is 3 to 50 letters, digits or . _ - @.";
        var displayName = form.DisplayName?.Trim() ?? "";
        if (displayName.Length is 0 or > 100) errors["DisplayName"] = "请填写姓名（最多100字） / Enter a name (at most 100 characters).";
        var email = form.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out _))
            errors["Email"] = "请填写有效的电子邮箱 / Enter a valid e-mail address.";
        int? unitId = null, unitRegion = null, regionId = null, vendorId = null;
        switch (form.Role)
        {
            case Roles.Buyer:
                var code = form.UnitCreditCode?.Trim().ToUpperInvariant() ?? "";
                var unit = await db.BudgetUnits.AsNoTracking().Where(u => u.CreditCode == code).Select(u => new { u.Id, u.RegionId, u.IsActive }).FirstOrDefaultAsync(ct);
                if (unit is null) errors["UnitCreditCode"] = "没有该统一社会信用代码的单位 / No unit has this credit code.";
                else if (!unit.IsActive) errors["UnitCreditCode"] = "该单位已停用 / The unit is deactivated.";
                else (unitId, unitRegion) = (unit.Id, unit.RegionId);
                break;
            case Roles.FinanceBureau:
                if (!int.TryParse(form.RegionCode?.Trim(), out var r) || !RegionCode.IsValid(r) || regions.Find(r) is null)
                    errors["RegionCode"] = "行政区划代码不存在 / Unknown region code.";
                else regionId = r;
                break;
            case Roles.Vendor:
                vendorId = actor.VendorId;
                break;
            case Roles.PlatformAdmin:
                break;
            default:
                errors["Role"] = "请选择角色 / Choose a role.";
                break;
        }
        if (errors.Count > 0) return (null, errors);
        AccountRules.EnsureMayGrant(actor, new AccountGrant(form.Role, unitRegion, regionId, vendorId), await IsVendorOwnerAsync(actor, ct));
        if (await users.FindByNameAsync(userName) is not null) errors["UserName"] = "用户名已被使用 / The user name is taken.";
        if (await users.FindByEmailAsync(email!) is not null) errors["Email"] = "该邮箱已被其他账号使用 / Another account uses this e-mail.";
        if (errors.Count > 0) return (null, errors);

        var user = new AppUser
        {
            UserName = userName, Email = email, EmailConfirmed = true, DisplayName = displayName, BudgetUnitId = unitId, RegionId = regionId,
            VendorId = vendorId, LockoutEnabled = true, MustChangePassword = true, CreatedAt = Now,
        };
        string? password = form.Invite ? null : OneTimePassword();
        IssuedCredential? issued = null;
        await db.InTransactionAsync(async () =>
        {
            Check(password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password));
            Check(await users.AddToRoleAsync(user, form.Role));
            var link = password is null ? invitationLink(user.Id, await users.GeneratePasswordResetTokenAsync(user)) : null;
            Audit(actor, "user.create", $"user:{userName}", $"role {form.Role}; {(unitId is not null ? $"unit {form.UnitCreditCode}" : regionId is not null ? $"region {regionId}" : vendorId is not null ? $"vendor {vendorId}" : "platform")}; {(password is null ? "invitation" : "one-time password")}");
            await db.SaveChangesAsync(ct);
            issued = new IssuedCredential(userName, password, link);
        }, ct);
        return (issued, errors);
    }

    /// <summary>A new one-time password; the user must change it at the next sign-in, and live sessions end.</summary>
    public async Task<IssuedCredential> ResetPasswordAsync(Actor actor, string id, CancellationToken ct)
    {
        var user = await UserInScopeAsync(actor, id, ct);
        var password = OneTimePassword();
        Check(await users.RemovePasswordAsync(user));
        Check(await users.AddPasswordAsync(user, password));
        user.MustChangePassword = true;
        Check(await users.UpdateAsync(user));
        Check(await users.UpdateSecurityStampAsync(user));
        await users.SetLockoutEndDateAsync(user, null);
        Audit(actor, "user.reset-password", $"user:{user.UserName}");
        await db.SaveChangesAsync(ct);
        return new IssuedCredential(user.UserName!, password, null);
    }

    /// <summary>Disables (the session ends at its next request: the security stamp changes) or enables an account.</summary>
    public async Task SetDisabledAsync(Actor actor, string id, bool disabled, CancellationToken ct)
    {
        var user = await UserInScopeAsync(actor, id, ct);
        user.IsDisabled = disabled;
        Check(await users.UpdateAsync(user));
        Check(await users.UpdateSecurityStampAsync(user));
        Audit(actor, disabled ? "user.disable" : "user.enable", $"user:{user.UserName}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The link an invited person opens to choose a password.</summary>
    public static string InvitationLink(HttpRequest request, string user, string token) =>
        $"{request.Scheme}://{request.Host}/account/invite?user={Uri.EscapeDataString(user)}&token={Uri.EscapeDataString(token)}";

    /// <summary>16 characters from an alphabet without look-alikes, with every character class the policy asks for.</summary>
    public static string OneTimePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "@#%+=?";
        const string all = upper + lower + digits + symbols;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainException(string.Join("；", result.Errors.Select(e => e.Description)), string.Join("; ", result.Errors.Select(e => e.Code)));
    }

    // ---- Audit log ----

    public IQueryable<AuditEntry> AuditQuery(string? actor, string? action, DateOnly? from, DateOnly? to)
    {
        var q = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor)) q = q.Where(a => a.ActorName.Contains(actor.Trim()));
        if (!string.IsNullOrWhiteSpace(action)) q = q.Where(a => a.Action.StartsWith(action.Trim()));
        if (from is { } f) q = q.Where(a => a.At >= f.ToDateTime(TimeOnly.MinValue).AddHours(-8));
        if (to is { } t) q = q.Where(a => a.At < t.AddDays(1).ToDateTime(TimeOnly.MinValue).AddHours(-8));
        return q.OrderByDescending(a => a.Id);
    }
}
