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

/// <summary>
/// A finance bureau's choice to publish each budget unit's progress in its region on the public transparency page
/// (otherwise the page shows aggregates only, small groups suppressed).
/// </summary>
public class ProgressPublication
{
    public int RegionId { get; set; }
    public bool PublishUnits { get; set; }
    public DateTime UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}
