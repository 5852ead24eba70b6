using Marketplace.Domain;

namespace Marketplace.Domain.Tests;

public class AdmissionWorkflowTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
    private const int County = 522701;                 // 都匀市, in 黔南州 (522700), 贵州 (520000)
    private static readonly Actor Admin = new("a", "管理员", Roles.PlatformAdmin);
    private static readonly Actor Province = new("p", "贵州省财政厅", Roles.FinanceBureau, RegionId: 520000);
    private static readonly Actor City = new("c", "黔南州财政局", Roles.FinanceBureau, RegionId: 522700);
    private static readonly Actor OtherProvince = new("y", "云南省财政厅", Roles.FinanceBureau, RegionId: 530000);
    private static readonly Actor Buyer = new("b", "采购员", Roles.Buyer);
    private static readonly Actor VendorUser = new("v", "供应商", Roles.Vendor, VendorId: 1);

    /// <summary>The whole allowed table; every other combination must be refused.</summary>
    private static readonly (VendorStatus From, AdmissionAction Action, string Role, VendorStatus To)[] Allowed =
    [
        (VendorStatus.Submitted, AdmissionAction.Recommend, Roles.FinanceBureau, VendorStatus.CountyRecommended),
        (VendorStatus.Submitted, AdmissionAction.RejectByCounty, Roles.FinanceBureau, VendorStatus.Rejected),
        (VendorStatus.CountyRecommended, AdmissionAction.Approve, Roles.PlatformAdmin, VendorStatus.Active),
        (VendorStatus.CountyRecommended, AdmissionAction.RejectByPlatform, Roles.PlatformAdmin, VendorStatus.Rejected),
        (VendorStatus.Active, AdmissionAction.Suspend, Roles.PlatformAdmin, VendorStatus.Suspended),
        (VendorStatus.Suspended, AdmissionAction.Reinstate, Roles.PlatformAdmin, VendorStatus.Active),
    ];

    [Fact]
    public void Every_state_action_and_role_combination_is_allowed_exactly_as_the_table_says()
    {
        var checkedCount = 0;
        foreach (var from in Enum.GetValues<VendorStatus>())
        foreach (var action in Enum.GetValues<AdmissionAction>())
        foreach (var actor in new[] { Admin, Province, Buyer, VendorUser })
        {
            var rule = Allowed.FirstOrDefault(r => r.From == from && r.Action == action && r.Role == actor.Role);
            if (rule != default)
            {
                var step = AdmissionWorkflow.Apply(from, action, actor, County, "理由", Now);
                Assert.Equal(rule.To, step.To);
                Assert.Equal(from, step.From);
                Assert.Equal(actor, step.Actor);
                Assert.Equal(Now, step.At);
            }
            else
            {
                Assert.ThrowsAny<DomainException>(() => AdmissionWorkflow.Apply(from, action, actor, County, "理由", Now));
            }
            checkedCount++;
        }
        Assert.Equal(5 * 7 * 4, checkedCount);
    }

    [Fact]
    public void A_finance_bureau_acts_only_within_its_region()
    {
        Assert.Equal(VendorStatus.CountyRecommended, AdmissionWorkflow.Apply(VendorStatus.Submitted, AdmissionAction.Recommend, City, County, null, Now).To);
        var ex = Assert.Throws<ForbiddenException>(() => AdmissionWorkflow.Apply(VendorStatus.Submitted, AdmissionAction.Recommend, OtherProvince, County, null, Now));
        Assert.Contains("管辖地区", ex.MessageZh);
        // A bureau without a region acts nowhere.
        Assert.Throws<ForbiddenException>(() => AdmissionWorkflow.Apply(VendorStatus.Submitted, AdmissionAction.Recommend, Province with { RegionId = null }, County, null, Now));
        Assert.Empty(AdmissionWorkflow.AllowedActions(VendorStatus.Submitted, OtherProvince, County));
        Assert.Equal([AdmissionAction.Recommend, AdmissionAction.RejectByCounty], AdmissionWorkflow.AllowedActions(VendorStatus.Submitted, Province, County));
    }

    [Theory]
    [InlineData(VendorStatus.Submitted, AdmissionAction.RejectByCounty, Roles.FinanceBureau)]
    [InlineData(VendorStatus.CountyRecommended, AdmissionAction.RejectByPlatform, Roles.PlatformAdmin)]
    [InlineData(VendorStatus.Active, AdmissionAction.Suspend, Roles.PlatformAdmin)]
    [InlineData(VendorStatus.Suspended, AdmissionAction.Reinstate, Roles.PlatformAdmin)]
    public void Rejections_suspensions_and_reinstatements_need_a_reason(VendorStatus from, AdmissionAction action, string role)
    {
        var actor = role == Roles.PlatformAdmin ? Admin : Province;
        Assert.Throws<DomainException>(() => AdmissionWorkflow.Apply(from, action, actor, County, "  ", Now));
        Assert.Equal("材料不全", AdmissionWorkflow.Apply(from, action, actor, County, " 材料不全 ", Now).Reason);
        Assert.Throws<DomainException>(() => AdmissionWorkflow.Apply(from, action, actor, County, new string('长', 501), Now));
    }

    [Fact]
    public void Approval_skipping_the_county_recommendation_is_refused()
    {
        var ex = Assert.Throws<DomainException>(() => AdmissionWorkflow.Apply(VendorStatus.Submitted, AdmissionAction.Approve, Admin, County, null, Now));
        Assert.Contains("Submitted", ex.MessageEn);
    }
}

public class ProductLifecycleTests
{
    private static readonly (ProductStatus From, ProductAction Action, ProductStatus To)[] Allowed =
    [
        (ProductStatus.Draft, ProductAction.SubmitForReview, ProductStatus.PendingReview),
        (ProductStatus.Rejected, ProductAction.SubmitForReview, ProductStatus.PendingReview),
        (ProductStatus.PendingReview, ProductAction.Approve, ProductStatus.Listed),
        (ProductStatus.PendingReview, ProductAction.Reject, ProductStatus.Rejected),
        (ProductStatus.Listed, ProductAction.TakeOffShelf, ProductStatus.OffShelf),
        (ProductStatus.OffShelf, ProductAction.PutOnShelf, ProductStatus.Listed),
        (ProductStatus.Listed, ProductAction.EditedReviewedContent, ProductStatus.PendingReview),
        (ProductStatus.OffShelf, ProductAction.EditedReviewedContent, ProductStatus.PendingReview),
        (ProductStatus.Listed, ProductAction.VendorSuspended, ProductStatus.OffShelf),
    ];

    [Fact]
    public void Every_transition_for_an_active_vendor_follows_the_table()
    {
        foreach (var from in Enum.GetValues<ProductStatus>())
        foreach (var action in Enum.GetValues<ProductAction>())
        {
            var rule = Allowed.FirstOrDefault(r => r.From == from && r.Action == action);
            if (rule == default)
                Assert.Throws<DomainException>(() => ProductLifecycle.Apply(from, action, VendorStatus.Active, "原因"));
            else
                Assert.Equal(rule.To, ProductLifecycle.Apply(from, action, VendorStatus.Active, "原因").To);
        }
    }

    [Theory]
    [InlineData(VendorStatus.Submitted)]
    [InlineData(VendorStatus.CountyRecommended)]
    [InlineData(VendorStatus.Rejected)]
    [InlineData(VendorStatus.Suspended)]
    public void A_vendor_that_is_not_active_cannot_list(VendorStatus vendor)
    {
        Assert.Throws<DomainException>(() => ProductLifecycle.Apply(ProductStatus.Draft, ProductAction.SubmitForReview, vendor));
        Assert.Throws<DomainException>(() => ProductLifecycle.Apply(ProductStatus.OffShelf, ProductAction.PutOnShelf, vendor));
        Assert.Throws<DomainException>(() => ProductLifecycle.Apply(ProductStatus.PendingReview, ProductAction.Approve, vendor));
        // Taking a product off shelf is always possible.
        Assert.Equal(ProductStatus.OffShelf, ProductLifecycle.Apply(ProductStatus.Listed, ProductAction.TakeOffShelf, vendor).To);
    }

    [Fact]
    public void Rejection_needs_a_reason()
    {
        Assert.Throws<DomainException>(() => ProductLifecycle.Apply(ProductStatus.PendingReview, ProductAction.Reject, VendorStatus.Active, " "));
        Assert.Equal("图片模糊", ProductLifecycle.Apply(ProductStatus.PendingReview, ProductAction.Reject, VendorStatus.Active, "图片模糊").Reason);
    }

    [Theory]
    [InlineData("大米", 100, "大米", 100, false, false)]
    [InlineData("大米", 100, "大米", 101, false, true)]
    [InlineData("大米", 100, "好大米", 100, false, true)]
    [InlineData("大米", 100, "大米", 100, true, true)]
    public void Only_name_price_and_photos_need_a_new_review(string oldName, long oldPrice, string newName, long newPrice, bool photos, bool expected) =>
        Assert.Equal(expected, ProductLifecycle.NeedsReview(oldName, oldPrice, newName, newPrice, photos));
}

public class ProductRulesTests
{
    private static ProductInput Valid => new("正安白茶 250g/盒", 8, 520324, "250g/盒", "盒", "128.00", 50, 1, "高山白茶", Certification.Green);

    private static (ValidProduct?, Dictionary<string, string>) Check(ProductInput input) =>
        ProductRules.Validate(input, id => id is >= 1 and <= 12, id => id == 520324);

    [Fact]
    public void A_complete_product_is_accepted_and_the_price_becomes_fen()
    {
        var (product, errors) = Check(Valid);
        Assert.Empty(errors);
        Assert.Equal(12_800, product!.Price.Fen);
    }

    [Theory]
    [InlineData("Name")]
    [InlineData("CategoryId")]
    [InlineData("OriginCountyId")]
    [InlineData("Unit")]
    [InlineData("PriceYuan")]
    [InlineData("Stock")]
    [InlineData("MinOrderQuantity")]
    [InlineData("Certifications")]
    public void Each_bad_field_is_named_with_a_bilingual_reason(string field)
    {
        var input = field switch
        {
            "Name" => Valid with { Name = "米" },
            "CategoryId" => Valid with { CategoryId = 99 },
            "OriginCountyId" => Valid with { OriginCountyId = 110101 }, // 东城区 is no poverty-relief county
            "Unit" => Valid with { Unit = "吨吨" },
            "PriceYuan" => Valid with { PriceYuan = "-1" },
            "Stock" => Valid with { Stock = -5 },
            "MinOrderQuantity" => Valid with { MinOrderQuantity = 0 },
            _ => Valid with { Certifications = (Certification)64 },
        };
        var (product, errors) = Check(input);
        Assert.Null(product);
        Assert.Equal([field], errors.Keys);
        Assert.Contains(" / ", errors[field]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("12.345")]
    [InlineData("abc")]
    [InlineData("")]
    public void Prices_that_are_not_positive_amounts_are_refused(string price) =>
        Assert.Contains("PriceYuan", Check(Valid with { PriceYuan = price }).Item2.Keys);
}
