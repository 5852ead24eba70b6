using Marketplace.Domain.Administration;
using Marketplace.Domain.Quota;

namespace Marketplace.Domain.Tests;

public class UnitImportRulesTests
{
    private static string Code(int regionCode, int serial)
    {
        var first17 = "11" + RegionCode.Format(regionCode) + serial.ToString("000000000");
        return first17 + UnifiedSocialCreditCode.ComputeCheckChar(first17);
    }

    private static readonly HashSet<int> Regions = [520000, 520100, 520102, 522701, 530000, 530102];

    private static UnitImportPlan Check(IReadOnlyList<UnitImportRow> rows, int? scope = 520000, Dictionary<string, ExistingUnit>? existing = null) =>
        UnitImportRules.Check(rows, Regions.Contains, scope, existing ?? []);

    [Fact]
    public void A_clean_file_counts_new_and_updated_units_by_credit_code()
    {
        var a = Code(520000, 1);
        var b = Code(520102, 2);
        var plan = Check([new(2, "贵州省教育厅", a, "520000", null, "是"), new(3, "某某中学", b, "520102", a, "外包")],
            existing: new() { [a] = new ExistingUnit(7, a, 520000, null) });
        Assert.Empty(plan.Errors);
        Assert.Equal((1, 1), (plan.New, plan.Updated));
        Assert.Equal(CanteenArrangement.Outsourced, plan.Rows[1].Canteen);
        Assert.Equal(a, plan.Rows[1].ParentCreditCode);
    }

    [Fact]
    public void Every_kind_of_error_is_reported_with_its_line_and_nothing_is_accepted_from_those_lines()
    {
        var good = Code(520000, 1);
        var badCheck = good[..17] + (good[17] == '0' ? '1' : '0');
        var foreign = Code(530000, 9);
        var plan = Check(
        [
            new(2, "好单位", good, "520000", null, ""),
            new(3, "校验位错", badCheck, "520000", null, ""),
            new(4, "未知地区", Code(520000, 4), "999999", null, ""),
            new(5, "越权地区", Code(530102, 5), "530102", null, ""),
            new(6, "重复", good, "520000", null, ""),
            new(7, "找不到上级", Code(520000, 7), "520000", Code(520000, 777), ""),
            new(8, "外省单位", foreign, "520000", null, ""),
            new(9, "食堂乱填", Code(520000, 9), "520000", null, "也许"),
            new(10, "", Code(520000, 10), "520000", null, ""),
            new(11, "上级越权", Code(520000, 11), "520000", foreign, ""),
        ], existing: new() { [foreign] = new ExistingUnit(99, foreign, 530000, null) });
        var byLine = plan.Errors.ToLookup(e => e.Line);
        Assert.Empty(byLine[2]);
        Assert.Contains("校验位", byLine[3].Single().MessageZh);
        Assert.Contains("不存在", byLine[4].Single().MessageZh);
        Assert.Contains("管辖范围", byLine[5].Single().MessageZh);
        Assert.Contains("第2行", byLine[6].Single().MessageZh);
        Assert.Contains("都不存在", byLine[7].Single().MessageZh);
        Assert.Contains("管辖范围以外", byLine[8].Single().MessageZh);
        Assert.Contains("无法识别", byLine[9].Single().MessageZh);
        Assert.Contains("不能为空", byLine[10].Single().MessageZh);
        Assert.Contains("管辖范围", byLine[11].Single().MessageZh);
        Assert.Equal([2], plan.Rows.Select(r => r.Line));
    }

    [Fact]
    public void Cycles_are_refused_within_the_file_and_through_the_platforms_parents()
    {
        var (a, b, c) = (Code(520000, 1), Code(520000, 2), Code(520000, 3));
        var inFile = Check([new(2, "甲", a, "520000", b, ""), new(3, "乙", b, "520000", a, "")]);
        Assert.Equal(2, inFile.Errors.Count(e => e.MessageZh.Contains("循环")));
        // On the platform c's parent is a; the file makes a a child of c.
        var throughPlatform = Check([new(2, "甲", a, "520000", c, "")], existing: new() { [c] = new ExistingUnit(3, c, 520000, a), [a] = new ExistingUnit(1, a, 520000, null) });
        Assert.Contains(throughPlatform.Errors, e => e.MessageZh.Contains("循环"));
        Assert.Contains(Check([new(2, "甲", a, "520000", a, "")]).Errors, e => e.MessageZh.Contains("本单位"));
    }

    [Fact]
    public void The_platform_imports_anywhere_and_headers_are_found_in_any_order()
    {
        Assert.Empty(Check([new(2, "云南单位", Code(530102, 1), "530102", null, "否")], scope: null).Errors);
        var map = UnitImportRules.MapHeaders(["是否有食堂", "\uFEFF统一社会信用代码", "单位名称", "行政区划代码（6位）"])!;
        Assert.Equal((2, 1, 3, 0), (map["name"], map["code"], map["region"], map["canteen"]));
        Assert.Null(UnitImportRules.MapHeaders(["单位名称", "备注"]));
    }

    [Theory]
    [InlineData("是", CanteenArrangement.OwnCanteen)]
    [InlineData("无", CanteenArrangement.NoCanteen)]
    [InlineData("外包", CanteenArrangement.Outsourced)]
    [InlineData("共用食堂", CanteenArrangement.SharedWithHost)]
    public void Canteen_words_are_understood(string text, CanteenArrangement expected)
    {
        Assert.True(UnitImportRules.TryParseCanteen(text, out var c));
        Assert.Equal(expected, c);
    }
}

public class AccountRulesTests
{
    private static readonly Actor Admin = new("a", "平台", Roles.PlatformAdmin);
    private static readonly Actor Province = new("p", "省财政厅", Roles.FinanceBureau, RegionId: 520000);
    private static readonly Actor County = new("c", "县财政局", Roles.FinanceBureau, RegionId: 522701);
    private static readonly Actor Vendor = new("v", "供应商", Roles.Vendor, VendorId: 5);

    [Fact]
    public void Nobody_grants_a_role_or_scope_above_their_own()
    {
        AccountRules.EnsureMayGrant(Admin, new AccountGrant(Roles.PlatformAdmin, null, null, null), false);
        AccountRules.EnsureMayGrant(Province, new AccountGrant(Roles.FinanceBureau, null, 522701, null), false);
        AccountRules.EnsureMayGrant(Province, new AccountGrant(Roles.Buyer, 522701, null, null), false);
        AccountRules.EnsureMayGrant(County, new AccountGrant(Roles.Buyer, 522701, null, null), false);
        AccountRules.EnsureMayGrant(Vendor, new AccountGrant(Roles.Vendor, null, null, 5), actorIsVendorOwner: true);

        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(Province, new AccountGrant(Roles.PlatformAdmin, null, null, null), false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(County, new AccountGrant(Roles.FinanceBureau, null, 520000, null), false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(County, new AccountGrant(Roles.Buyer, 520000, null, null), false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(Province, new AccountGrant(Roles.Buyer, 530102, null, null), false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(Province, new AccountGrant(Roles.Vendor, null, null, 5), false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(Vendor, new AccountGrant(Roles.Vendor, null, null, 5), actorIsVendorOwner: false));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(Vendor, new AccountGrant(Roles.Vendor, null, null, 6), actorIsVendorOwner: true));
        Assert.Throws<ForbiddenException>(() => AccountRules.EnsureMayGrant(new Actor("b", "采购员", Roles.Buyer, UnitId: 1), new AccountGrant(Roles.Buyer, 520000, null, null), false));
    }

    [Theory]
    [InlineData("wang", "Gz#2026canteen", true)]
    [InlineData("wang", "Short1!", false)]
    [InlineData("wangwei", "WangWei#2026", false)]   // holds the user name
    [InlineData("zhang", "P@ssw0rd", false)]         // on the weak list
    [InlineData("zhang", "aaaaaaaaaa", false)]
    public void The_password_policy(string user, string password, bool ok) =>
        Assert.Equal(ok, PasswordPolicy.Check(user, password).Count == 0);
}

public class StatusNameTests
{
    [Fact]
    public void Refusals_name_states_in_Chinese_never_by_their_code()
    {
        var order = Assert.Throws<DomainException>(() => Orders.OrderStateMachine.Apply(Orders.OrderStatus.Cancelled, Orders.OrderAction.Ship, Roles.Vendor, new Orders.OrderFacts(Shipment: new Orders.Shipment("顺丰", "SF1"))));
        Assert.Contains("已取消", order.MessageZh);
        Assert.DoesNotContain("Cancelled", order.MessageZh);
        foreach (var s in Enum.GetValues<Orders.OrderStatus>()) Assert.DoesNotMatch("[A-Za-z]", StatusNames.Zh(s));
        foreach (var s in Enum.GetValues<Orders.RefundStatus>()) Assert.DoesNotMatch("[A-Za-z]", StatusNames.Zh(s));
        foreach (var s in Enum.GetValues<ProductStatus>()) Assert.DoesNotMatch("[A-Za-z]", StatusNames.Zh(s));
        foreach (var s in Enum.GetValues<VendorStatus>()) Assert.DoesNotMatch("[A-Za-z]", StatusNames.Zh(s));
        foreach (var s in Enum.GetValues<Quota.FilingStatus>()) Assert.DoesNotMatch("[A-Za-z]", StatusNames.Zh(s));
    }
}
