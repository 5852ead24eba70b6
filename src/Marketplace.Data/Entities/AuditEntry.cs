namespace Marketplace.Data.Entities;

/// <summary>One administrative action (who, when, what, from where): append-only, for the platform's audit log.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public required string ActorRole { get; set; }
    /// <summary>e.g. user.create, user.disable, unit.import.</summary>
    public required string Action { get; set; }
    /// <summary>What it acted on, e.g. user:buyer2, unit:91520000…, import:3 rows.</summary>
    public required string Target { get; set; }
    public string? Details { get; set; }
    public string? IpAddress { get; set; }
}
