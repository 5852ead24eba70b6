namespace Marketplace.Domain;

public enum VendorKind
{
    Enterprise = 1,   // 企业
    Cooperative = 2,  // 农民专业合作社
    FamilyFarm = 3,   // 家庭农场
}

public enum VendorStatus
{
    Submitted = 1,
    CountyRecommended = 2,
    Active = 3,
    Rejected = 4,
    Suspended = 5,
}

public enum ProductStatus
{
    Draft = 1,
    PendingReview = 2,
    Listed = 3,
    Rejected = 4,
    OffShelf = 5,
}

public static class Roles
{
    public const string Buyer = "Buyer";
    public const string Vendor = "Vendor";
    public const string FinanceBureau = "FinanceBureau";
    public const string PlatformAdmin = "PlatformAdmin";

    public static readonly IReadOnlyList<string> All = [Buyer, Vendor, FinanceBureau, PlatformAdmin];
}

[Flags]
public enum Certification
{
    None = 0,
    Green = 1,                  // 绿色食品
    Organic = 2,                // 有机产品
    GeographicalIndication = 4, // 地理标志
    QualifiedCertificate = 8,   // 承诺达标合格证
}
