using System.Net;
using System.Text;
using Marketplace.Data.Entities;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Marketplace.Web.Tests;

/// <summary>The app with a year of reserved shares seeded and its closed months run (as the demo starts).</summary>
public sealed class FinanceAppFactory : MarketplaceAppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var s = base.Settings;
            s["Seed:Quota"] = "true";
            s["Seed:BudgetUnits"] = "150";
            return s;
        }
    }
}

public class FinanceHttpTests(FinanceAppFactory app) : IClassFixture<FinanceAppFactory>
{
    private static (int Year, int Month) Closed => MonthEndJob.LastClosedMonth(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)));

    private async Task<int> ProvinceAsync() =>
        await app.Db(db => db.Users.Where(u => u.UserName == "finance").Select(u => u.RegionId!.Value).FirstAsync());

    [Fact]
    public async Task The_province_dashboard_adds_up_its_units_standings()
    {
        var (year, month) = Closed;
        var province = await ProvinceAsync();
        var finance = await app.SignedInAsync("finance");
        var page = await finance.GetPageAsync("/finance");
        var (from, to) = RegionCode.SubtreeRange(province);
        var standings = await app.Db(db => db.UnitMonthStandings.Where(s => s.Year == year && s.Month == month && s.RegionId >= from && s.RegionId <= to).ToListAsync());
        Assert.NotEmpty(standings);
        var withRequirement = standings.Where(s => s.Status is StandingStatus.OnTrack or StandingStatus.Lagging).ToList();
        var reserved = new Money(withRequirement.Sum(s => s.ReservedFen));
        var completed = new Money(withRequirement.Sum(s => s.CompletedFen));
        Assert.Equal(reserved.ToString(), page.QuerySelector(".figures .reserved")!.TextContent);
        Assert.Equal(completed.ToString(), page.QuerySelector(".figures .completed")!.TextContent);
        Assert.Equal(Progress.Share(completed, reserved).ToString(), page.QuerySelector(".figures .completion")!.TextContent);
        Assert.Equal(standings.Count(s => s.Status == StandingStatus.Lagging).ToString(), page.QuerySelector(".figures .lagging")!.TextContent.Trim());
        Assert.Equal(standings.Count.ToString(), page.QuerySelector(".figures .required")!.TextContent);
        Assert.Equal(10, page.QuerySelectorAll(".unit-top li").Length);
        Assert.NotNull(page.QuerySelector("[data-chart=series][data-json]"));

        // The lagging filter lists only lagging units, lowest completion first, and pages by keyset.
        var lagging = await finance.GetPageAsync("/finance?filter=lagging");
        var rows = lagging.QuerySelectorAll("table.units tbody tr");
        Assert.Equal(Math.Min(50, standings.Count(s => s.Status == StandingStatus.Lagging)), rows.Length);
        var shown = rows.Select(r => decimal.Parse(r.QuerySelector(".completion")!.TextContent.TrimEnd('%'))).ToList();
        Assert.Equal(shown.Order(), shown);

        // Drill down: a sub-region, then a unit's own page with its ledger.
        var sub = page.QuerySelector("table.regions tbody tr a")!.GetAttribute("href")!;
        var subPage = await finance.GetPageAsync(sub);
        Assert.Contains(subPage.QuerySelector("h1 small")!.TextContent.Split(' ')[0], subPage.QuerySelector(".breadcrumbs")!.TextContent);
        var unitLink = page.QuerySelector("table.units tbody tr a")!.GetAttribute("href")!;
        var unitPage = await finance.GetPageAsync(unitLink);
        Assert.NotNull(unitPage.QuerySelector(".ledger"));
    }

    [Fact]
    public async Task Exports_hold_the_same_numbers_as_the_page_in_csv_with_a_bom_and_in_xlsx()
    {
        var finance = await app.SignedInAsync("finance");
        var page = await finance.GetPageAsync("/finance?filter=lagging");
        var firstRow = page.QuerySelector("table.units tbody tr")!;
        var name = firstRow.QuerySelector("td a")!.TextContent;
        var completion = firstRow.QuerySelector(".completion")!.TextContent.TrimEnd('%');

        var csvResponse = await finance.GetAsync("/finance/units.csv?filter=lagging");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        var bytes = await csvResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("统一社会信用代码,单位名称,地区,状态,预留份额(元),已完成(元),完成率(%),时间进度(%)", lines[0]);
        var lagging = await app.Db(db => db.UnitMonthStandings.CountAsync(s => s.Year == Closed.Year && s.Month == Closed.Month && s.Status == StandingStatus.Lagging
            && s.RegionId >= 520000 && s.RegionId <= 529999));
        Assert.Equal(lagging, lines.Length - 1);
        var csvFirst = lines[1].Split(',');
        Assert.Equal(name, csvFirst[1]);
        Assert.Equal(decimal.Parse(completion), decimal.Parse(csvFirst[6]));

        var xlsx = await finance.GetAsync("/finance/units.xlsx?filter=lagging");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var sheet = (await xlsx.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(lagging, sheet.Count);
        Assert.Equal(name, sheet[0]["单位名称"]);
        Assert.Equal(csvFirst[5], sheet[0]["已完成(元)"]?.ToString());

        var regions = await finance.GetAsync("/finance/regions.csv");
        Assert.Contains("地区代码,地区,单位数", Encoding.UTF8.GetString(await regions.Content.ReadAsByteArrayAsync()));
        var regionSheet = (await (await finance.GetAsync("/finance/regions.xlsx")).Content.ReadAsStreamAsync()).Query(useHeaderRow: true).ToList();
        Assert.Equal(page.QuerySelectorAll("table.regions tbody tr").Length, regionSheet.Count);

        var report = await finance.GetPageAsync("/finance/report");
        Assert.Contains("通报", report.QuerySelector("h1")!.TextContent);
        Assert.Equal(lagging, report.QuerySelectorAll("table.lagging-list tbody tr").Length);
    }

    [Theory]
    [InlineData("/finance?region=530000")]
    [InlineData("/finance/units.csv?region=530000")]
    [InlineData("/finance/units.xlsx?region=530000")]
    [InlineData("/finance/regions.csv?region=530000")]
    [InlineData("/finance/regions.xlsx?region=530000")]
    [InlineData("/finance/report?region=530000")]
    [InlineData("/finance?region=0")]
    [InlineData("/finance/units.csv?region=0")]
    public async Task A_bureau_never_sees_another_region(string url)
    {
        var finance = await app.SignedInAsync("finance");
        var response = await finance.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("统一社会信用代码,", body);
        Assert.DoesNotContain("PK", body[..Math.Min(2, body.Length)]);
    }

    [Fact]
    public async Task A_county_bureau_sees_its_county_only_and_other_roles_are_kept_out()
    {
        var county = await app.SignedInAsync("finance.county");
        var countyRegion = await app.Db(db => db.Users.Where(u => u.UserName == "finance.county").Select(u => u.RegionId!.Value).FirstAsync());
        Assert.Equal(HttpStatusCode.OK, (await county.GetAsync("/finance")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync($"/finance?region={RegionCode.ProvinceOf(countyRegion)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync($"/finance/units.csv?region={RegionCode.ProvinceOf(countyRegion)}")).StatusCode);
        // A unit outside the county: 403 on its drill-down.
        var outside = await app.Db(db => db.BudgetUnits.Where(u => u.RegionId != countyRegion).Select(u => u.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await county.GetAsync($"/finance/units/{outside}")).StatusCode);

        var buyer = await app.SignedInAsync("buyer");
        Assert.Contains("/account/denied", (await buyer.GetAsync("/finance")).Headers.Location!.ToString());
        var anonymous = app.CreateBrowser();
        Assert.Contains("/account/login", (await anonymous.GetAsync("/finance/units.csv")).Headers.Location!.ToString());
        // The platform sees every region and the whole country.
        var admin = await app.SignedInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/finance?region=0")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/finance?region=530000")).StatusCode);
    }

    [Fact]
    public async Task An_open_month_or_a_bad_band_is_refused_with_a_reason()
    {
        var finance = await app.SignedInAsync("finance");
        var now = DateTime.UtcNow.AddHours(8);
        var open = await finance.GetAsync($"/finance?year={now.Year}&month={now.Month}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, open.StatusCode);
        Assert.Contains("尚未结束", await open.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await finance.GetAsync("/finance?band=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await finance.GetAsync("/finance?after=x")).StatusCode);
    }

    [Fact]
    public async Task Running_month_end_by_hand_is_scoped_and_raises_nothing_twice_and_reminders_reach_the_units()
    {
        var (year, month) = Closed;
        var finance = await app.SignedInAsync("finance");
        var alertsBefore = await app.Db(db => db.QuotaAlerts.CountAsync());
        var run = await finance.PostFormAsync("/finance", "/finance/month-end", new Dictionary<string, string> { ["year"] = $"{year}", ["month"] = $"{month}" });
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        Assert.Equal(alertsBefore, await app.Db(db => db.QuotaAlerts.CountAsync()));
        Assert.Contains("0", (await finance.GetPageAsync(run.Headers.Location!.ToString())).QuerySelector(".notice")!.TextContent);

        var county = await app.SignedInAsync("finance.county");
        var province = await ProvinceAsync();
        var refused = await county.PostFormAsync("/finance", "/finance/month-end", new Dictionary<string, string>
        {
            ["year"] = $"{year}", ["month"] = $"{month}", ["region"] = $"{province}",
        });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var notificationsBefore = await app.Db(db => db.Notifications.CountAsync());
        var remind = await finance.PostFormAsync("/finance", "/finance/remind", new Dictionary<string, string> { ["year"] = $"{year}", ["month"] = $"{month}" });
        Assert.Equal(HttpStatusCode.Redirect, remind.StatusCode);
        var (from, to) = RegionCode.SubtreeRange(province);
        var expected = await app.Db(db => db.UnitMonthStandings.CountAsync(s => s.Year == year && s.Month == month && s.RegionId >= from && s.RegionId <= to
            && (s.Status == StandingStatus.Lagging || s.Status == StandingStatus.NotFiled)));
        Assert.Equal(notificationsBefore + expected, await app.Db(db => db.Notifications.CountAsync()));
        Assert.Equal(["finance.month-end", "finance.remind"], await app.Db(db => db.AuditEntries.Where(a => a.Action.StartsWith("finance.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync()));
    }

    [Fact]
    public async Task The_buyer_sees_the_alert_text_and_the_unread_badge_until_the_notifications_are_read()
    {
        var unit = await app.Db(db => db.Users.Where(u => u.UserName == "buyer").Select(u => u.BudgetUnitId!.Value).FirstAsync());
        var (year, month) = Closed;
        const string body = "此后每月需采购¥123,456.78";
        await app.Db(async db =>
        {
            db.QuotaAlerts.Add(new QuotaAlert
            {
                BudgetUnitId = unit, Year = year, Month = month, Kind = AlertKind.Lagging, RegionId = 520000, CompletionBp = 100, ExpectedBp = 5000,
                ShortfallFen = 100_000, NeededPerMonthFen = 12_345_678, ReservedFen = 99_999_900, CompletedFen = 999_999, CreatedAt = DateTime.UtcNow,
            });
            db.Notifications.Add(new Notification { BudgetUnitId = unit, Title = "进度落后", Body = body, SenderName = "财政部门", CreatedAt = DateTime.UtcNow });
            // Replace any alert the seed raised for the month, so this one is the latest.
            await db.QuotaAlerts.Where(a => a.BudgetUnitId == unit && a.Year == year && a.Month >= month).ExecuteDeleteAsync();
            return await db.SaveChangesAsync();
        });
        var buyer = await app.SignedInAsync("buyer");
        var quota = await buyer.GetPageAsync($"/quota?year={year}");
        Assert.Contains(body, quota.QuerySelector(".quota-alert")!.TextContent);
        Assert.Equal("¥123,456.78", quota.QuerySelector(".quota-alert .alert-needed")!.TextContent);
        Assert.NotEqual("", quota.QuerySelector(".unread-count")!.TextContent);
        var list = await buyer.GetPageAsync("/notifications");
        Assert.NotEmpty(list.QuerySelectorAll("li.unread"));
        Assert.Equal("", (await buyer.GetPageAsync("/notifications")).QuerySelector(".unread-count")!.TextContent);
        Assert.Empty((await buyer.GetPageAsync("/notifications")).QuerySelectorAll("li.unread"));
    }
}
