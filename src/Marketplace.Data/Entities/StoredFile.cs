namespace Marketplace.Data.Entities;

/// <summary>
/// An uploaded file kept in the database (photo renditions, invoices, refund photos) when <c>Storage:Provider</c> is
/// <c>Database</c>: every web node reads what any node stored. Written once under a random name, never changed.
/// </summary>
public class StoredFile
{
    /// <summary>The store's prefix and the file's name, e.g. <c>images/ab/ab…-thumb.webp</c> or <c>invoices/….pdf</c>.</summary>
    public required string Name { get; set; }
    public required byte[] Content { get; set; }
    public DateTime CreatedAt { get; set; }
}
