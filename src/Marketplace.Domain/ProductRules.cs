namespace Marketplace.Domain;

/// <summary>What a vendor typed into the product form, before validation.</summary>
public sealed record ProductInput(
    string? Name, int CategoryId, int OriginCountyId, string? Specification, string? Unit, string? PriceYuan,
    int Stock, int MinOrderQuantity, string? Description, Certification Certifications);

public sealed record ValidProduct(
    string Name, int CategoryId, int OriginCountyId, string Specification, string Unit, Money Price,
    int Stock, int MinOrderQuantity, string Description, Certification Certifications);

/// <summary>Field rules for a product listing. Errors are keyed by field and bilingual.</summary>
public static class ProductRules
{
    public static readonly IReadOnlyList<string> Units = ["斤", "公斤", "克", "箱", "袋", "盒", "瓶", "桶", "罐", "份", "只", "枚", "件", "提"];
    public const int MaxPhotos = 8;
    public static readonly Money MaxPrice = Money.FromYuan(1_000_000);

    public static (ValidProduct? Product, Dictionary<string, string> Errors) Validate(
        ProductInput input, Func<int, bool> categoryExists, Func<int, bool> isPovertyReliefCounty)
    {
        var errors = new Dictionary<string, string>();
        var name = (input.Name ?? "").Trim();
        if (name.Length is < 2 or > 100) errors["Name"] = "商品名称须为2到100个字 / The name must have 2 to 100 characters.";
        if (!categoryExists(input.CategoryId)) errors["CategoryId"] = "请选择商品分类 / Choose a category.";
        if (!isPovertyReliefCounty(input.OriginCountyId))
            errors["OriginCountyId"] = "产地必须是脱贫县 / The origin must be a poverty-relief county.";
        var spec = (input.Specification ?? "").Trim();
        if (spec.Length > 100) errors["Specification"] = "规格不能超过100个字 / The specification may have at most 100 characters.";
        var unit = (input.Unit ?? "").Trim();
        if (!Units.Contains(unit)) errors["Unit"] = "请选择计量单位 / Choose a unit.";
        if (!Money.TryParseYuan(input.PriceYuan, out var price) || price.Fen <= 0)
            errors["PriceYuan"] = "价格须为大于0的金额，最多两位小数 / The price must be an amount above 0 with at most two decimals.";
        else if (price > MaxPrice)
            errors["PriceYuan"] = "价格过高 / The price is too high.";
        if (input.Stock is < 0 or > 10_000_000) errors["Stock"] = "库存须在0到10,000,000之间 / Stock must be between 0 and 10,000,000.";
        if (input.MinOrderQuantity is < 1 or > 100_000) errors["MinOrderQuantity"] = "起订量须在1到100,000之间 / The minimum order must be between 1 and 100,000.";
        var description = (input.Description ?? "").Trim();
        if (description.Length > 4000) errors["Description"] = "商品详情不能超过4000个字 / The description may have at most 4000 characters.";
        const Certification all = Certification.Green | Certification.Organic | Certification.GeographicalIndication | Certification.QualifiedCertificate;
        if ((input.Certifications & ~all) != 0) errors["Certifications"] = "认证选项无效 / Unknown certification.";

        return errors.Count > 0
            ? (null, errors)
            : (new ValidProduct(name, input.CategoryId, input.OriginCountyId, spec, unit, price, input.Stock, input.MinOrderQuantity, description, input.Certifications), errors);
    }
}
