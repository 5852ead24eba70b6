namespace Marketplace.Data.Entities;

/// <summary>The short introduction a finance bureau writes for its region's pavilion (plain text, shown escaped).</summary>
public class PavilionText
{
    public const int MaxLength = 500;

    public int RegionId { get; set; }
    public required string Description { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}
