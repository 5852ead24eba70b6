namespace Marketplace.Data.Entities;

/// <summary>An in-app message to a budget unit's people (e.g. a filing reminder) or to one user.</summary>
public class Notification
{
    public long Id { get; set; }
    public int? BudgetUnitId { get; set; }
    public string? UserId { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public required string SenderName { get; set; }
    public DateTime CreatedAt { get; set; }
}
