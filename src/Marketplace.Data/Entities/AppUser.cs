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
    /// <summary>Turned off by an administrator: cannot sign in, and a live session ends at its next request.</summary>
    public bool IsDisabled { get; set; }
    /// <summary>Set for a one-time initial or reset password: the user must choose a new one before anything else.</summary>
    public bool MustChangePassword { get; set; }
    public DateTime? CreatedAt { get; set; }
    /// <summary>The vendor's owner (the account that registered it): only the owner manages the vendor's staff accounts.</summary>
    public bool IsVendorOwner { get; set; }
}
