using Marketplace.Domain;

namespace Marketplace.Data.Entities;

/// <summary>Append-only history of a vendor's admission: who moved it from which state to which, when and why.</summary>
public class VendorAdmissionEvent
{
    public long Id { get; set; }
    public int VendorId { get; set; }
    public VendorStatus From { get; set; }
    public VendorStatus To { get; set; }
    public AdmissionAction Action { get; set; }
    public required string ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public required string ActorRole { get; set; }
    public string? Reason { get; set; }
    public DateTime At { get; set; }
}

/// <summary>Append-only history of a product's review and shelf state.</summary>
public class ProductStatusEvent
{
    public long Id { get; set; }
    public int ProductId { get; set; }
    public ProductStatus From { get; set; }
    public ProductStatus To { get; set; }
    public ProductAction Action { get; set; }
    public required string ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public string? Reason { get; set; }
    public DateTime At { get; set; }
}

/// <summary>A product photo, stored in three sizes under <see cref="StorageKey"/> by the image store.</summary>
public class ProductPhoto
{
    public int Id { get; set; }
    public int ProductId { get; set; }
    public required string StorageKey { get; set; }
    public int SortOrder { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public DateTime CreatedAt { get; set; }
}
