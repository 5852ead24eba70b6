namespace Marketplace.Data.Entities;

/// <summary>
/// The product change feed (transactional outbox): one row per saved change of a product, written in the same
/// transaction as the change. Search indexes follow it by id with their own cursor; rows are never updated.
/// </summary>
public class ProductChange
{
    public long Id { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public DateTime At { get; set; }
}
