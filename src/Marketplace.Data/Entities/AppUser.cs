using Microsoft.AspNetCore.Identity;

namespace Marketplace.Data.Entities;

/// <summary>
/// A person signing in. Exactly one scope applies per role: a Buyer belongs to one budget unit, a Vendor user to
/// one vendor, a FinanceBureau user to one region (and sees its subtree); a PlatformAdmin has none.
/// </summary>
public class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public int? BudgetUnitId { get; set; }
    public BudgetUnit? BudgetUnit { get; set; }
    public int? VendorId { get; set; }
    public Vendor? Vendor { get; set; }
    public int? RegionId { get; set; }
    public Region? Region { get; set; }
    /// <summary>Notifications up to this id have been read (opening the notifications page reads them all).</summary>
    public long NotificationsReadThroughId { get; set; }
}
