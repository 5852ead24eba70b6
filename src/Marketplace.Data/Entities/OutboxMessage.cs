namespace Marketplace.Data.Entities;

/// <summary>
/// A domain event stored in the same transaction as the change that raised it (transactional outbox), so that a
/// consumer sees it exactly when the change committed. Processed by a dispatcher; consumers are idempotent.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}
