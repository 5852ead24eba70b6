namespace Marketplace.Data.Entities;

/// <summary>Who runs a background job right now: one row per job, held until it expires or is renewed.</summary>
public class JobLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTime ExpiresAt { get; set; }
}
