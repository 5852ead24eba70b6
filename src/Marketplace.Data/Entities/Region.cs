using Marketplace.Domain;

namespace Marketplace.Data.Entities;

/// <summary>An administrative division; the key is its six-digit statistical code.</summary>
public class Region
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public RegionLevel Level { get; set; }
    public int? ParentId { get; set; }
    public Region? Parent { get; set; }
    public int ProvinceId { get; set; }
    /// <summary>One of the 832 former national poverty counties (脱贫县).</summary>
    public bool IsPovertyRelief { get; set; }
}
