namespace Marketplace.Data.Entities;

public class Category
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public string Icon { get; set; } = "";
    public int SortOrder { get; set; }
}
