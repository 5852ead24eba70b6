using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// The roles, and one demo account per role (two for Buyer and FinanceBureau, to show the unit hierarchy and the
/// region subtree). The accounts and their password are printed in the README; they are created only with the demo
/// seed, never on a production database.
/// </summary>
public sealed class DemoAccounts(MarketplaceDbContext db, UserManager<AppUser> users, RoleManager<IdentityRole> roles)
{
    public const string Password = "Demo@2026";

    public sealed record Account(string UserName, string Role, string DisplayName);

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), role);
    }

    public async Task<IReadOnlyList<Account>> EnsureDemoUsersAsync()
    {
        // Pick the scope of each account from the seeded data, deterministically.
        var childUnit = await db.BudgetUnits.AsNoTracking().Where(u => u.ParentId != null).OrderBy(u => u.Id).FirstAsync();
        var parentUnit = await db.BudgetUnits.AsNoTracking().FirstAsync(u => u.Id == childUnit.ParentId);
        // One province for the whole demo, so the demo finance bureau governs both the buyer's filings and the
        // demo vendor's admission.
        var province = RegionCode.ProvinceOf(childUnit.RegionId);
        var (from, to) = RegionCode.SubtreeRange(province);
        var vendor = await db.Vendors.AsNoTracking().Where(v => v.Status == VendorStatus.Active && v.CountyId >= from && v.CountyId <= to).OrderBy(v => v.Id).FirstOrDefaultAsync()
                     ?? await db.Vendors.AsNoTracking().Where(v => v.Status == VendorStatus.Active).OrderBy(v => v.Id).FirstAsync();

        // The demo vendor's receiving account, shown on its unpaid orders (a made-up number).
        if (vendor.BankAccountNumber is null)
            await db.Vendors.Where(v => v.Id == vendor.Id).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.BankName, "中国农业银行股份有限公司县域支行")
                .SetProperty(v => v.BankAccountName, vendor.Name)
                .SetProperty(v => v.BankAccountNumber, "62284800" + vendor.Id.ToString("D10")));

        var accounts = new List<(Account Account, Action<AppUser> Scope)>
        {
            (new("admin", Roles.PlatformAdmin, "平台管理员"), _ => { }),
            (new("buyer", Roles.Buyer, childUnit.Name + "采购员"), u => u.BudgetUnitId = childUnit.Id),
            (new("buyer.parent", Roles.Buyer, parentUnit.Name + "采购员"), u => u.BudgetUnitId = parentUnit.Id),
            (new("vendor", Roles.Vendor, vendor.Name), u => { u.VendorId = vendor.Id; u.IsVendorOwner = true; }),
            (new("finance", Roles.FinanceBureau, "省财政厅"), u => u.RegionId = province),
            (new("finance.county", Roles.FinanceBureau, "县财政局"), u => u.RegionId = vendor.CountyId),
        };

        foreach (var (account, scope) in accounts)
        {
            if (await users.FindByNameAsync(account.UserName) is not null) continue;
            var user = new AppUser
            {
                UserName = account.UserName,
                Email = account.UserName + "@demo.832.example",
                EmailConfirmed = true,
                DisplayName = account.DisplayName,
                LockoutEnabled = true,
            };
            scope(user);
            Check(await users.CreateAsync(user, Password), account.UserName);
            Check(await users.AddToRoleAsync(user, account.Role), account.UserName);
        }
        return accounts.Select(a => a.Account).ToList();
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }
}
