using Marketplace.Domain;

namespace Marketplace.Web.Features.Catalog;

/// <summary>The product form as posted; the price is typed in yuan and stored in fen.</summary>
public sealed class ProductForm
{
    public string? Name { get; set; }
    public int CategoryId { get; set; }
    public int OriginCountyId { get; set; }
    public string? Specification { get; set; }
    public string? Unit { get; set; }
    public string? PriceYuan { get; set; }
    public int Stock { get; set; }
    public int MinOrderQuantity { get; set; } = 1;
    public string? Description { get; set; }
    public List<Certification> Certifications { get; set; } = [];

    public ProductInput ToInput() => new(Name, CategoryId, OriginCountyId, Specification, Unit, PriceYuan, Stock, MinOrderQuantity,
        Description, Certifications.Aggregate(Certification.None, (a, c) => a | c));
}

public sealed record Option(int Id, string Name);

public sealed record ProductFormViewModel(
    int? Id, ProductStatus? Status, ProductForm Form, IReadOnlyList<Option> Categories, IReadOnlyList<Option> Counties,
    IReadOnlyList<PhotoRow> Photos, string? RejectionReason, IReadOnlyList<ProductAction> Actions);

public sealed record PhotoRow(int Id, string Key);

public sealed record VendorProductRow(int Id, string Name, string Specification, long PriceFen, int Stock, string Unit, ProductStatus Status, string? CoverPhotoKey, DateTime UpdatedAt)
{
    public Money Price => new(PriceFen);
}

public sealed record VendorProductListViewModel(IReadOnlyList<VendorProductRow> Rows, ProductStatus? Status, int? NextAfter, int Total);

public sealed record VendorDashboardViewModel(
    string VendorName, VendorStatus VendorStatus, IReadOnlyDictionary<ProductStatus, int> CountsByStatus,
    IReadOnlyList<VendorProductRow> LowStock, int LowStockThreshold);

public sealed record ReviewRow(int Id, string Name, string VendorName, long PriceFen, string Unit, string? CoverPhotoKey, DateTime UpdatedAt)
{
    public Money Price => new(PriceFen);
}

public sealed record ReviewQueueViewModel(IReadOnlyList<ReviewRow> Rows, ProductStatus Status, int? CategoryId, IReadOnlyList<Option> Categories, int? NextAfter, int Total);
