using Marketplace.Domain;

namespace Marketplace.Data.Entities;

public class Vendor
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public VendorKind Kind { get; set; }
    public required string CreditCode { get; set; }
    /// <summary>The poverty-relief county the vendor is registered in.</summary>
    public int CountyId { get; set; }
    public Region? County { get; set; }
    public VendorStatus Status { get; set; }
    public required string ContactName { get; set; }
    public required string ContactPhone { get; set; }
    /// <summary>联农带农: how the vendor brings local farmers in.</summary>
    public string FarmerLinkage { get; set; } = "";
    public string Introduction { get; set; } = "";
    /// <summary>收款账户 shown on unpaid orders, for bank transfers quoting the order's 识别码.</summary>
    public string? BankName { get; set; }
    public string? BankAccountName { get; set; }
    public string? BankAccountNumber { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ActivatedAt { get; set; }
    /// <summary>信用等级, recomputed from the vendor's orders (never edited by hand); see <see cref="Domain.Credit.CreditPolicy"/>.</summary>
    public Domain.Credit.CreditGrade CreditGrade { get; set; }
    /// <summary>The credit score in tenths of a point (0–1000).</summary>
    public int CreditScoreTenths { get; set; }
    public DateTime? CreditComputedAt { get; set; }
    /// <summary>Evaluated orders of this vendor and the sums of their three ratings (see <see cref="RatingTotals"/>).</summary>
    public int RatingCount { get; set; }
    public long RatingQualitySum { get; set; }
    public long RatingDeliverySum { get; set; }
    public long RatingServiceSum { get; set; }
}
