using Marketplace.Domain;

namespace Marketplace.Data.Entities;

public class Product
{
    public int Id { get; set; }
    public int VendorId { get; set; }
    public Vendor? Vendor { get; set; }
    public int CategoryId { get; set; }
    public Category? Category { get; set; }
    public int OriginCountyId { get; set; }
    public Region? OriginCounty { get; set; }
    public required string Name { get; set; }
    public string Specification { get; set; } = "";
    /// <summary>Selling unit: 斤, 公斤, 箱, 袋 …</summary>
    public required string Unit { get; set; }
    public long PriceFen { get; set; }
    public int Stock { get; set; }
    public int MinOrderQuantity { get; set; } = 1;
    public ProductStatus Status { get; set; }
    public Certification Certifications { get; set; }
    public string Description { get; set; } = "";
    public int SalesCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ListedAt { get; set; }
    /// <summary>The reviewer's reason when the product was last rejected.</summary>
    public string? RejectionReason { get; set; }
    /// <summary>Storage key of the first photo, kept here so listings need no join to show a thumbnail.</summary>
    public string? CoverPhotoKey { get; set; }
    public List<ProductPhoto> Photos { get; set; } = [];
    /// <summary>Optimistic concurrency token: bumped by every save, so two concurrent writers cannot both win.</summary>
    public int Version { get; set; }
    /// <summary>Evaluated orders of this product and the sums of their three ratings (see <see cref="RatingTotals"/>).</summary>
    public int RatingCount { get; set; }
    public long RatingQualitySum { get; set; }
    public long RatingDeliverySum { get; set; }
    public long RatingServiceSum { get; set; }
}
