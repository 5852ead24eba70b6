using Marketplace.Domain;

namespace Marketplace.Web.Features.Storefront;

public sealed record ProductCard(
    int Id, string Name, string Specification, string Unit, long PriceFen, int CategoryId, string CategoryIcon,
    int VendorId, string VendorName, int OriginCountyId, string OriginCountyName, Certification Certifications, int SalesCount, string? CoverPhotoKey)
{
    public Money Price => new(PriceFen);
}

public sealed record CategoryLink(int Id, string Name, string NameEn, string Icon);

public sealed record HomeViewModel(IReadOnlyList<CategoryLink> Categories, IReadOnlyList<ProductCard> Latest, int ListedProducts, int ActiveVendors);

/// <summary>A keyset page of products, newest first. Cursors are product ids; page numbers are shown only as a guide.</summary>
public sealed record ProductPage(IReadOnlyList<ProductCard> Items, int Total, int? PreviousBefore, int? NextAfter, int PageNumber, int PageSize)
{
    public int PageCount => Total == 0 ? 1 : (Total + PageSize - 1) / PageSize;
}

public sealed record CategoryViewModel(CategoryLink Category, IReadOnlyList<CategoryLink> Categories, ProductPage Page);

public sealed record VendorViewModel(
    int Id, string Name, VendorKind Kind, string CountyPath, string FarmerLinkage, string Introduction,
    DateTime? ActivatedAt, ProductPage Page)
{
    public Domain.Credit.CreditGrade CreditGrade { get; init; }
}

public sealed record ProductDetailViewModel(
    int Id, string Name, string Specification, string Unit, Money Price, int Stock, int MinOrderQuantity,
    Certification Certifications, string Description, int SalesCount, DateTime? ListedAt,
    CategoryLink Category, int VendorId, string VendorName, VendorKind VendorKind, string OriginPath, bool OriginIsPovertyRelief,
    IReadOnlyList<string> PhotoKeys, int OriginCountyId)
{
    public Domain.Credit.CreditGrade VendorGrade { get; init; }
}
