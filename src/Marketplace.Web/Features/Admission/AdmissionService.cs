using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Admission;

/// <summary>Vendor admission: registration, the reviewers' queues and each transition of the admission workflow.</summary>
public sealed class AdmissionService(MarketplaceDbContext db, UserManager<AppUser> users, RegionDirectory regions, TimeProvider clock)
{
    public const int PageSize = 30;

    public IReadOnlyList<CountyOption> PovertyReliefCounties() => regions.PovertyReliefCounties()
        .Select(id => new CountyOption(id, regions.PathOf(id))).ToList();

    /// <summary>
    /// Creates the applicant's account and the vendor in state Submitted, in one transaction. Returns field errors
    /// (bilingual) instead of storing anything when the application is not acceptable.
    /// </summary>
    public async Task<(int? VendorId, Dictionary<string, string> Errors)> RegisterAsync(VendorApplicationForm form, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var code = (form.CreditCode ?? "").Trim().ToUpperInvariant();
        if (UnifiedSocialCreditCode.Validate(code) is { } codeError) errors[nameof(form.CreditCode)] = codeError;
        else if (await db.Vendors.AnyAsync(v => v.CreditCode == code, ct))
            errors[nameof(form.CreditCode)] = "该统一社会信用代码已申请入驻 / A vendor with this credit code has already applied.";
        if (regions.Find(form.CountyId) is not { IsPovertyRelief: true })
            errors[nameof(form.CountyId)] = "所在县必须是脱贫县名单中的县 / The county must be on the poverty-relief county list.";
        if (!Enum.IsDefined(form.Kind)) errors[nameof(form.Kind)] = "请选择主体类型 / Choose the kind of business.";
        if (await users.FindByNameAsync(form.UserName.Trim()) is not null)
            errors[nameof(form.UserName)] = "用户名已被使用 / The user name is taken.";
        if (errors.Count > 0) return (null, errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            using var turn = await db.EnterWriteGateAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var vendor = new Vendor
            {
                Name = form.VendorName.Trim(), Kind = form.Kind, CreditCode = code, CountyId = form.CountyId,
                Status = VendorStatus.Submitted, ContactName = form.ContactName.Trim(), ContactPhone = form.ContactPhone.Trim(),
                FarmerLinkage = form.FarmerLinkage.Trim(), Introduction = form.Introduction?.Trim() ?? "", CreatedAt = now,
            };
            db.Vendors.Add(vendor);
            await db.SaveChangesAsync(ct);

            var user = new AppUser
            {
                UserName = form.UserName.Trim(), Email = form.Email.Trim(), DisplayName = vendor.Name, VendorId = vendor.Id, IsVendorOwner = true, LockoutEnabled = true,
            };
            var created = await users.CreateAsync(user, form.Password);
            if (!created.Succeeded)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var fieldErrors = created.Errors
                    .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(form.Password)
                        : e.Code.Contains("Email", StringComparison.Ordinal) ? nameof(form.Email) : nameof(form.UserName))
                    .ToDictionary(g => g.Key, g => "账号信息不符合要求 / " + string.Join(" ", g.Select(e => e.Description)));
                return ((int?)null, fieldErrors);
            }
            var role = await users.AddToRoleAsync(user, Roles.Vendor);
            if (!role.Succeeded) throw new InvalidOperationException("Could not assign the Vendor role: " + string.Join("; ", role.Errors.Select(e => e.Description)));

            db.VendorAdmissionEvents.Add(new VendorAdmissionEvent
            {
                VendorId = vendor.Id, From = VendorStatus.Submitted, To = VendorStatus.Submitted, Action = AdmissionAction.Submit,
                ActorUserId = user.Id, ActorName = vendor.ContactName, ActorRole = Roles.Vendor, At = now,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (vendor.Id, new Dictionary<string, string>());
        });
    }

    /// <summary>Vendors the actor reviews: a finance bureau sees its region's subtree, the platform sees all.</summary>
    private IQueryable<Vendor> Scoped(Actor actor)
    {
        var q = db.Vendors.AsNoTracking();
        if (actor.Is(Roles.PlatformAdmin)) return q;
        if (actor.Is(Roles.FinanceBureau) && actor.RegionId is { } region)
        {
            var (from, to) = RegionCode.SubtreeRange(region);
            return q.Where(v => v.CountyId >= from && v.CountyId <= to);
        }
        return q.Where(_ => false);
    }

    public async Task<VendorQueueViewModel> QueueAsync(Actor actor, VendorStatus? status, string? query, int? after, CancellationToken ct)
    {
        var q = Scoped(actor);
        if (status is { } s) q = q.Where(v => v.Status == s);
        query = string.IsNullOrWhiteSpace(query) ? null : query.Trim()[..Math.Min(query.Trim().Length, 50)];
        if (query is not null) q = q.Where(v => v.Name.Contains(query) || v.CreditCode == query.ToUpperInvariant());
        var total = await q.CountAsync(ct);
        if (after is { } a) q = q.Where(v => v.Id < a);
        var rows = await q.OrderByDescending(v => v.Id).Take(PageSize + 1)
            .Select(v => new { v.Id, v.Name, v.Kind, v.CountyId, v.Status, v.CreatedAt }).ToListAsync(ct);
        var next = rows.Count > PageSize ? rows[PageSize - 1].Id : (int?)null;
        var scope = actor.RegionId is { } r ? regions.PathOf(r) : "全平台 / whole platform";
        return new VendorQueueViewModel(
            rows.Take(PageSize).Select(v => new VendorRow(v.Id, v.Name, v.Kind, regions.PathOf(v.CountyId), v.Status, v.CreatedAt)).ToList(),
            status, query, next, total, scope);
    }

    public async Task<VendorAdmissionViewModel?> DetailAsync(Actor actor, int id, CancellationToken ct)
    {
        var v = await Scoped(actor).FirstOrDefaultAsync(v => v.Id == id, ct);
        if (v is null) return null;
        var history = await db.VendorAdmissionEvents.AsNoTracking().Where(e => e.VendorId == id).OrderBy(e => e.Id)
            .Select(e => new AdmissionHistoryRow(e.From, e.To, e.Action, e.ActorName, e.ActorRole, e.Reason, e.At)).ToListAsync(ct);
        return new VendorAdmissionViewModel(v.Id, v.Name, v.Kind, v.CreditCode, regions.PathOf(v.CountyId), v.Status, v.ContactName,
            v.ContactPhone, v.FarmerLinkage, v.Introduction, v.CreatedAt, history,
            AdmissionWorkflow.AllowedActions(v.Status, actor, v.CountyId).ToList());
    }

    /// <summary>
    /// Applies one admission action. The status update is conditional on the status the rule was checked against,
    /// so two reviewers acting at once cannot both succeed. Suspension takes the vendor's listed products off shelf
    /// in the same transaction (the storefront relies on that).
    /// </summary>
    public async Task ActAsync(Actor actor, int id, AdmissionAction action, string? reason, CancellationToken ct)
    {
        // Out-of-scope vendors do not exist for this actor, except that the workflow explains a refused region.
        var vendor = await db.Vendors.AsNoTracking().Where(v => v.Id == id).Select(v => new { v.Status, v.CountyId }).FirstOrDefaultAsync(ct)
                     ?? throw new Buying.NotFoundException();
        var now = clock.GetUtcNow().UtcDateTime;
        var step = AdmissionWorkflow.Apply(vendor.Status, action, actor, vendor.CountyId, reason, now);

        await db.InTransactionAsync(async () =>
        {
            var changed = await db.Vendors.Where(v => v.Id == id && v.Status == step.From)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(v => v.Status, step.To)
                    .SetProperty(v => v.ActivatedAt, v => step.To == VendorStatus.Active && v.ActivatedAt == null ? now : v.ActivatedAt), ct);
            if (changed == 0)
                throw new DomainException("供应商状态已被他人修改，请刷新后重试", "Someone else changed this vendor meanwhile; reload and try again.");
            db.VendorAdmissionEvents.Add(new VendorAdmissionEvent
            {
                VendorId = id, From = step.From, To = step.To, Action = step.Action, ActorUserId = actor.UserId,
                ActorName = actor.Name, ActorRole = actor.Role, Reason = step.Reason, At = now,
            });
            if (step.To == VendorStatus.Suspended)
            {
                var listed = await db.Products.Where(p => p.VendorId == id && p.Status == ProductStatus.Listed).Select(p => p.Id).ToListAsync(ct);
                await db.Products.Where(p => p.VendorId == id && p.Status == ProductStatus.Listed)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProductStatus.OffShelf).SetProperty(p => p.UpdatedAt, now)
                        .SetProperty(p => p.Version, p => p.Version + 1), ct);
                db.ProductChanges.AddRange(listed.Select(pid => new ProductChange { ProductId = pid, At = now }));
                db.ProductStatusEvents.AddRange(listed.Select(pid => new ProductStatusEvent
                {
                    ProductId = pid, From = ProductStatus.Listed, To = ProductStatus.OffShelf, Action = ProductAction.VendorSuspended,
                    ActorUserId = actor.UserId, ActorName = actor.Name, Reason = step.Reason, At = now,
                }));
            }
            await db.SaveChangesAsync(ct);
        }, ct);
    }
}
