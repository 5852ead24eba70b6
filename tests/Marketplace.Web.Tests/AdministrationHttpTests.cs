using System.Net;
using System.Text;
using Marketplace.Domain;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Marketplace.Web.Tests;

public class AdministrationHttpTests(MarketplaceAppFactory app) : IClassFixture<MarketplaceAppFactory>
{
    private static string Code(int region, int serial, string type = "11")
    {
        var first17 = type + RegionCode.Format(region) + serial.ToString("000000000");
        return first17 + UnifiedSocialCreditCode.ComputeCheckChar(first17);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string name, byte[] content, bool commit)
    {
        var form = new MultipartFormDataContent { { new StringContent(await client.TokenFromAsync("/admin/units/import")), "__RequestVerificationToken" } };
        form.Add(new ByteArrayContent(content), "file", name);
        if (commit) form.Add(new StringContent("true"), "commit");
        return await client.PostAsync("/admin/units/import", form);
    }

    private Task<int> UnitCountAsync() => app.Db(db => db.BudgetUnits.CountAsync());

    [Fact]
    public async Task A_dry_run_lists_every_rows_errors_and_writes_nothing()
    {
        var finance = await app.SignedInAsync("finance");
        var good = Code(520000, 700_001);
        var bad = good[..17] + (good[17] == '0' ? '1' : '0');
        var csv = "单位名称,统一社会信用代码,行政区划代码,上级单位统一社会信用代码,是否有食堂\n" +
                  $"好单位,{good},520000,,是\n" +
                  $"校验位错,{bad},520000,,是\n" +
                  $"外省,{Code(530000, 700_003)},530000,,否\n" +
                  $"无此地区,{Code(520000, 700_004)},529999,,否\n" +
                  $"重复,{good},520000,,否\n" +
                  $"孤儿,{Code(520000, 700_006)},520000,{Code(520000, 799_999)},否\n" +
                  $"循环甲,{Code(520000, 700_007)},520000,{Code(520000, 700_008)},\n" +
                  $"循环乙,{Code(520000, 700_008)},520000,{Code(520000, 700_007)},\n";
        var before = await UnitCountAsync();
        var response = await UploadAsync(finance, "units.csv", Encoding.UTF8.GetBytes(csv), commit: true);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = Html.Parse(await response.Content.ReadAsStringAsync());
        var lines = page.QuerySelectorAll(".import-errors tbody tr").Select(r => (Line: int.Parse(r.GetAttribute("data-line")!), Text: r.TextContent)).ToList();
        Assert.Contains(lines, l => l.Line == 3 && l.Text.Contains("校验位"));
        Assert.Contains(lines, l => l.Line == 4 && l.Text.Contains("管辖范围"));
        Assert.Contains(lines, l => l.Line == 5 && l.Text.Contains("不存在"));
        Assert.Contains(lines, l => l.Line == 6 && l.Text.Contains("重复"));
        Assert.Contains(lines, l => l.Line == 7 && l.Text.Contains("都不存在"));
        Assert.Contains(lines, l => l.Line == 8 && l.Text.Contains("循环"));
        Assert.Contains(lines, l => l.Line == 9 && l.Text.Contains("循环"));
        Assert.DoesNotContain(lines, l => l.Line == 2);
        Assert.Equal(before, await UnitCountAsync());

        // Not a spreadsheet at all, or a header without the required columns: a reason, nothing stored.
        var garbage = await UploadAsync(finance, "units.xlsx", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], commit: true);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, garbage.StatusCode);
        Assert.Contains("XLSX", await garbage.Content.ReadAsStringAsync());
        var noHeader = await UploadAsync(finance, "units.csv", Encoding.UTF8.GetBytes("名称,代码\n甲,乙\n"), commit: true);
        Assert.Contains("表头", await noHeader.Content.ReadAsStringAsync());
        Assert.Equal(before, await UnitCountAsync());
    }

    [Fact]
    public async Task A_gbk_file_is_checked_then_imported_whole_and_importing_it_again_updates_instead_of_duplicating()
    {
        var finance = await app.SignedInAsync("finance");
        var parent = Code(520000, 710_001);
        var rows = new StringBuilder("单位名称,统一社会信用代码,行政区划代码,上级单位统一社会信用代码,是否有食堂\r\n");
        rows.Append($"测试县教育局,{parent},520000,,是\r\n");
        for (var i = 2; i <= 40; i++) rows.Append($"测试县第{i}小学,{Code(520000, 710_000 + i)},520000,{parent},{(i % 3 == 0 ? "外包" : "是")}\r\n");
        var gbk = Encoding.GetEncoding("GB18030").GetBytes(rows.ToString());
        var before = await UnitCountAsync();

        var dry = await UploadAsync(finance, "单位.csv", gbk, commit: false);
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Contains("40", Html.Parse(await dry.Content.ReadAsStringAsync()).QuerySelector(".import-checked")!.TextContent);
        Assert.Equal(before, await UnitCountAsync());

        var imported = await UploadAsync(finance, "单位.csv", gbk, commit: true);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Contains("40", Html.Parse(await imported.Content.ReadAsStringAsync()).QuerySelector(".import-done")!.TextContent);
        Assert.Equal(before + 40, await UnitCountAsync());
        var parentId = await app.Db(db => db.BudgetUnits.Where(u => u.CreditCode == parent).Select(u => u.Id).SingleAsync());
        Assert.Equal(39, await app.Db(db => db.BudgetUnits.CountAsync(u => u.ParentId == parentId)));
        Assert.Equal("测试县第2小学", await app.Db(db => db.BudgetUnits.Where(u => u.CreditCode == Code(520000, 710_002)).Select(u => u.Name).SingleAsync()));

        // Again, with one name changed: no new units, that one renamed.
        var again = Encoding.GetEncoding("GB18030").GetBytes(rows.ToString().Replace("测试县第2小学", "测试县第二小学"));
        var second = await UploadAsync(finance, "单位.csv", again, commit: true);
        Assert.Contains("0", Html.Parse(await second.Content.ReadAsStringAsync()).QuerySelector(".import-done")!.TextContent);
        Assert.Equal(before + 40, await UnitCountAsync());
        Assert.Equal("测试县第二小学", await app.Db(db => db.BudgetUnits.Where(u => u.CreditCode == Code(520000, 710_002)).Select(u => u.Name).SingleAsync()));
        Assert.True(await app.Db(db => db.AuditEntries.CountAsync(a => a.Action == "unit.import" && a.ActorName == "省财政厅")) >= 2);

        // The unit list finds them by name or code, and the tree shows the school under its bureau.
        var list = await finance.GetPageAsync($"/admin/units?q={parent}");
        Assert.Single(list.QuerySelectorAll("table.units-admin tbody tr"));
        var tree = await finance.GetPageAsync("/admin/units/tree");
        Assert.Equal(39, tree.QuerySelectorAll($"li[data-unit='{parentId}'] > ul > li").Length);
    }

    [Fact]
    public async Task An_xlsx_made_from_the_template_imports()
    {
        var admin = await app.SignedInAsync("admin");
        var template = await admin.GetAsync("/admin/units/template.xlsx");
        Assert.Equal(HttpStatusCode.OK, template.StatusCode);
        var headers = (await template.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().First().Keys.ToList();
        Assert.Equal(["单位名称", "统一社会信用代码", "行政区划代码", "上级单位统一社会信用代码", "是否有食堂"], headers);
        var csvTemplate = await (await admin.GetAsync("/admin/units/template.csv")).Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csvTemplate[..3]);

        var sheet = new MemoryStream();
        sheet.SaveAs(new[]
        {
            new Dictionary<string, object> { ["单位名称"] = "云南测试单位", ["统一社会信用代码"] = Code(530000, 720_001), ["行政区划代码"] = "530000", ["上级单位统一社会信用代码"] = "", ["是否有食堂"] = "否" },
        }, excelType: ExcelType.XLSX);
        var imported = await UploadAsync(admin, "units.xlsx", sheet.ToArray(), commit: true);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(Marketplace.Domain.Quota.CanteenArrangement.NoCanteen,
            await app.Db(db => db.BudgetUnits.Where(u => u.CreditCode == Code(530000, 720_001)).Select(u => u.Canteen).SingleAsync()));
    }

    [Fact]
    public async Task A_county_bureau_stays_inside_its_county()
    {
        var county = await app.SignedInAsync("finance.county");
        var countyRegion = await app.Db(db => db.Users.Where(u => u.UserName == "finance.county").Select(u => u.RegionId!.Value).SingleAsync());
        var province = RegionCode.ProvinceOf(countyRegion);

        // Units: not outside the county, neither seen nor created.
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync($"/admin/units?region={province}")).StatusCode);
        var outside = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId != countyRegion).Select(u => u.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await county.GetAsync($"/admin/units/{outside}")).StatusCode);
        Assert.Empty((await county.GetPageAsync("/admin/units")).QuerySelectorAll($"tr[data-unit='{outside}']"));
        var create = await county.PostFormAsync("/admin/units/new", "/admin/units/new", new Dictionary<string, string>
        {
            ["Name"] = "省级单位", ["CreditCode"] = Code(province, 730_001), ["RegionCode"] = $"{province}",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, create.StatusCode);
        Assert.Contains("管辖范围", await create.Content.ReadAsStringAsync());
        var inside = await county.PostFormAsync("/admin/units/new", "/admin/units/new", new Dictionary<string, string>
        {
            ["Name"] = "县级单位", ["CreditCode"] = Code(countyRegion, 730_002), ["RegionCode"] = $"{countyRegion}", ["Canteen"] = "OwnCanteen",
        });
        Assert.Equal(HttpStatusCode.Redirect, inside.StatusCode);

        // Accounts: no platform admin, no bureau above itself, no buyer of a unit outside.
        async Task<HttpStatusCode> Create(Dictionary<string, string> fields) =>
            (await county.PostFormAsync("/admin/users", "/admin/users", fields)).StatusCode;
        Assert.Equal(HttpStatusCode.Forbidden, await Create(new() { ["Role"] = "PlatformAdmin", ["UserName"] = "sneaky", ["DisplayName"] = "x", ["Email"] = "sneaky@example.cn" }));
        Assert.Equal(HttpStatusCode.Forbidden, await Create(new() { ["Role"] = "FinanceBureau", ["UserName"] = "sneaky2", ["DisplayName"] = "x", ["Email"] = "sneaky2@example.cn", ["RegionCode"] = $"{province}" }));
        var foreignUnit = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId != countyRegion).Select(u => u.CreditCode).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, await Create(new() { ["Role"] = "Buyer", ["UserName"] = "sneaky3", ["DisplayName"] = "x", ["Email"] = "sneaky3@example.cn", ["UnitCreditCode"] = foreignUnit }));
        Assert.False(await app.Db(db => db.Users.AnyAsync(u => u.UserName!.StartsWith("sneaky"))));
        // Nor reset or disable an account outside: the province's own bureau.
        var provinceUser = await app.Db(db => db.Users.Where(u => u.UserName == "finance").Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await county.PostFormAsync("/admin/users", $"/admin/users/{provinceUser}/disable", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.PostFormAsync("/admin/users", $"/admin/users/{provinceUser}/reset", new Dictionary<string, string>())).StatusCode);
        // Buyers and vendors do not administer at all; the audit log is the platform's.
        var buyer = await app.SignedInAsync("buyer");
        Assert.Contains("/account/denied", (await buyer.GetAsync("/admin/units")).Headers.Location!.ToString());
        Assert.Contains("/account/denied", (await county.GetAsync("/admin/audit")).Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_new_buyer_must_change_the_one_time_password_and_a_disabled_account_loses_access_at_the_next_request()
    {
        var finance = await app.SignedInAsync("finance");
        var unit = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId >= 520000 && u.RegionId <= 529999).Select(u => u.CreditCode).FirstAsync());
        var created = await finance.PostFormAsync("/admin/users", "/admin/users", new Dictionary<string, string>
        {
            ["Role"] = "Buyer", ["UserName"] = "canteen.li", ["DisplayName"] = "李采购", ["Email"] = "li@example.cn", ["UnitCreditCode"] = unit,
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var password = Html.Parse(await created.Content.ReadAsStringAsync()).QuerySelector("code.one-time-password")!.TextContent;
        Assert.Equal(16, password.Length);

        var li = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await li.LoginAsync("canteen.li", password)).StatusCode);
        Assert.Equal("/account/password?required=1", (await li.GetAsync("/orders")).Headers.Location!.ToString());
        Assert.Equal("/account/password?required=1", (await li.GetAsync("/quota")).Headers.Location!.ToString());
        var weak = await li.PostFormAsync("/account/password", "/account/password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = password, ["NewPassword"] = "canteen.li#1A", ["ConfirmPassword"] = "canteen.li#1A",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Contains("用户名", await weak.Content.ReadAsStringAsync());
        var changed = await li.PostFormAsync("/account/password", "/account/password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = password, ["NewPassword"] = "Shitang#2026q", ["ConfirmPassword"] = "Shitang#2026q",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await li.GetAsync("/orders")).StatusCode);

        // Disabled by the bureau: the very next request is signed out; sign-in is refused; enabled again, it works.
        var id = await app.Db(db => db.Users.Where(u => u.UserName == "canteen.li").Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await finance.PostFormAsync("/admin/users", $"/admin/users/{id}/disable", new Dictionary<string, string>())).StatusCode);
        Assert.Contains("/account/login", (await li.GetAsync("/orders")).Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await app.CreateBrowser().LoginAsync("canteen.li", "Shitang#2026q")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await finance.PostFormAsync("/admin/users", $"/admin/users/{id}/enable", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreateBrowser().LoginAsync("canteen.li", "Shitang#2026q")).StatusCode);

        // A reset: a new one-time password, the old one no longer works, a change is required again.
        var reset = await finance.PostFormAsync("/admin/users", $"/admin/users/{id}/reset", new Dictionary<string, string>());
        var fresh = Html.Parse(await reset.Content.ReadAsStringAsync()).QuerySelector("code.one-time-password")!.TextContent;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await app.CreateBrowser().LoginAsync("canteen.li", "Shitang#2026q")).StatusCode);
        var again = app.CreateBrowser();
        await again.LoginAsync("canteen.li", fresh);
        Assert.Equal("/account/password?required=1", (await again.GetAsync("/orders")).Headers.Location!.ToString());

        var actions = await app.Db(db => db.AuditEntries.Where(a => a.Target == "user:canteen.li").Select(a => a.Action).ToListAsync());
        Assert.Equal(["user.create", "password.change", "user.disable", "user.enable", "user.reset-password"], actions);

        // The platform's audit page and its export show them.
        var admin = await app.SignedInAsync("admin");
        var audit = await admin.GetPageAsync("/admin/audit?what=user.");
        Assert.Contains(audit.QuerySelectorAll("table.audit tbody tr"), r => r.GetAttribute("data-action") == "user.disable");
        var export = await admin.GetAsync("/admin/audit.csv?what=user.disable");
        var text = Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("\uFEFF时间,操作人", text);
        Assert.Contains("user:canteen.li", text);
    }

    [Fact]
    public async Task An_invitation_link_sets_the_password_once()
    {
        var admin = await app.SignedInAsync("admin");
        var created = await admin.PostFormAsync("/admin/users", "/admin/users", new Dictionary<string, string>
        {
            ["Role"] = "FinanceBureau", ["UserName"] = "yunnan.finance", ["DisplayName"] = "云南省财政厅", ["Email"] = "yn@example.cn", ["RegionCode"] = "530000", ["Invite"] = "true",
        });
        var link = new Uri(Html.Parse(await created.Content.ReadAsStringAsync()).QuerySelector("code.invitation-link")!.TextContent);
        var invited = app.CreateBrowser();
        var page = await invited.GetPageAsync(link.PathAndQuery);
        var fields = new Dictionary<string, string>
        {
            ["User"] = page.QuerySelector("input[name=User]")!.GetAttribute("value")!, ["Token"] = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!,
            ["NewPassword"] = "Yunnan#Caizheng9", ["ConfirmPassword"] = "Yunnan#Caizheng9",
        };
        Assert.Equal(HttpStatusCode.Redirect, (await invited.PostFormAsync(link.PathAndQuery, "/account/invite", fields)).StatusCode);
        var signedIn = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.LoginAsync("yunnan.finance", "Yunnan#Caizheng9")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/account")).StatusCode);
        Assert.Equal(530000, await app.Db(db => db.Users.Where(u => u.UserName == "yunnan.finance").Select(u => u.RegionId).SingleAsync()));
        // Used once: the same link is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await invited.PostFormAsync(link.PathAndQuery, "/account/invite", fields)).StatusCode);
    }

    [Fact]
    public async Task A_vendor_owner_adds_staff_who_cannot_add_more()
    {
        var owner = await app.SignedInAsync("vendor");
        var created = await owner.PostFormAsync("/vendor/staff", "/vendor/staff", new Dictionary<string, string>
        {
            ["UserName"] = "vendor.staff1", ["DisplayName"] = "发货员", ["Email"] = "staff1@example.cn",
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var password = Html.Parse(await created.Content.ReadAsStringAsync()).QuerySelector("code.one-time-password")!.TextContent;
        var vendorId = await app.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.VendorId).SingleAsync());
        Assert.Equal(vendorId, await app.Db(db => db.Users.Where(u => u.UserName == "vendor.staff1").Select(u => u.VendorId).SingleAsync()));

        var staff = app.CreateBrowser();
        await staff.LoginAsync("vendor.staff1", password);
        await staff.PostFormAsync("/account/password", "/account/password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = password, ["NewPassword"] = "Fahuo#2026abc", ["ConfirmPassword"] = "Fahuo#2026abc",
        });
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/vendor/orders")).StatusCode);
        var refused = await staff.PostFormAsync("/vendor/staff", "/vendor/staff", new Dictionary<string, string>
        {
            ["UserName"] = "vendor.staff2", ["DisplayName"] = "x", ["Email"] = "staff2@example.cn",
        });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_every_copy_of_the_session()
    {
        // A client that keeps cookies by hand, so the auth cookie can be copied before signing out.
        var raw = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new Dictionary<string, string>();
        void Keep(HttpResponseMessage r)
        {
            foreach (var c in r.Headers.TryGetValues("Set-Cookie", out var v) ? v : [])
            {
                var pair = c.Split(';')[0].Split('=', 2);
                jar[pair[0]] = pair[1];
            }
        }
        async Task<HttpResponseMessage> Send(HttpMethod method, string url, Dictionary<string, string>? form = null, Dictionary<string, string>? cookies = null)
        {
            var request = new HttpRequestMessage(method, url) { Content = form is null ? null : new FormUrlEncodedContent(form) };
            if ((cookies ?? jar).Count > 0) request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", (cookies ?? jar).Select(c => $"{c.Key}={c.Value}")));
            var response = await raw.SendAsync(request);
            Keep(response);
            return response;
        }
        string Token(string html) => Html.Parse(html).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var loginPage = await Send(HttpMethod.Get, "/account/login");
        var signIn = await Send(HttpMethod.Post, "/account/login", new() { ["UserName"] = "buyer.parent", ["Password"] = Infrastructure.DemoAccounts.Password, ["__RequestVerificationToken"] = Token(await loginPage.Content.ReadAsStringAsync()) });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var copy = new Dictionary<string, string>(jar);
        var orders = await Send(HttpMethod.Get, "/orders");
        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Send(HttpMethod.Post, "/account/logout", new() { ["__RequestVerificationToken"] = Token(await orders.Content.ReadAsStringAsync()) })).StatusCode);
        var replay = await Send(HttpMethod.Get, "/orders", cookies: copy);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.Contains("/account/login", replay.Headers.Location!.ToString());
    }
}
