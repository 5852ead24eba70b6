using System.Globalization;
using System.Net;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// /public/progress: aggregates only, for anyone. Every figure shown adds up from the month's roll-ups; a small group
/// is hidden together with enough others that it cannot be worked out; no unit is named unless its region opted in.
/// </summary>
public class PublicProgressTests(FinanceAppFactory app) : IClassFixture<FinanceAppFactory>
{
    private Task<int> ProvinceAsync() => app.Db(db => db.Users.Where(u => u.UserName == "finance").Select(u => u.RegionId!.Value).FirstAsync());

    private Task<int> LatestAsync() => app.Db(db => db.RegionMonthTotals.MaxAsync(t => t.Year * 100 + t.Month));

    private static string Yuan(long fen) => new Money(fen).ToString();

    [Fact]
    public async Task Everyone_sees_region_totals_that_add_up_and_no_unit_is_named()
    {
        var anonymous = app.CreateBrowser();
        var page = await anonymous.GetPageAsync("/public/progress");
        var ym = await LatestAsync();
        var totals = await app.Db(db => db.RegionMonthTotals.Where(t => t.Year * 100 + t.Month == ym).ToListAsync());
        var rows = page.QuerySelectorAll("table.public-regions tr[data-region]").ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var province = int.Parse(row.GetAttribute("data-region")!, CultureInfo.InvariantCulture);
            var mine = totals.Where(t => RegionCode.ProvinceOf(t.RegionId) == province).ToList();
            if (row.GetAttribute("data-suppressed") == "True")
            {
                Assert.DoesNotContain(Yuan(mine.Sum(t => t.ReservedFen)), row.TextContent);
                continue;
            }
            Assert.True(mine.Sum(t => t.Units) >= Disclosure.MinimumUnits);
            Assert.Contains($"{mine.Sum(t => t.Filed)} / {mine.Sum(t => t.Units)}", row.TextContent);
            Assert.Contains(Yuan(mine.Sum(t => t.ReservedFen)), row.TextContent);
            Assert.Contains(Yuan(mine.Sum(t => t.CompletedFen)), row.TextContent);
        }
        Assert.Equal(Yuan(totals.Sum(t => t.ReservedFen)), page.QuerySelector("[data-figure=reserved]")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("[data-chart=series]"));

        // No budget unit's name anywhere, on the platform page or any province page.
        var names = await app.Db(db => db.BudgetUnits.Select(u => u.Name).ToListAsync());
        var html = page.Source.Text + (await anonymous.GetPageAsync($"/public/progress/{await ProvinceAsync()}")).Source.Text;
        Assert.All(names, n => Assert.DoesNotContain(n, html));
        Assert.Null(page.QuerySelector(".public-units"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/public/progress/999999")).StatusCode);
        Assert.Contains("max-age", (await anonymous.GetAsync("/public/progress")).Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_group_of_one_unit_is_hidden_with_another_and_shown_only_once_the_region_publishes()
    {
        var province = await ProvinceAsync();
        var ym = await LatestAsync();
        // Arrange a city of the province holding a single unit's roll-up (as month end writes it for a city with one unit).
        var county = await app.Db(async db =>
        {
            var used = await db.RegionMonthTotals.Where(t => t.Year * 100 + t.Month == ym).Select(t => t.RegionId / 100).Distinct().ToListAsync();
            var (from, to) = RegionCode.SubtreeRange(province);
            return await db.Regions.Where(r => r.Level == RegionLevel.County && r.Id >= from && r.Id <= to && !used.Contains(r.Id / 100)).Select(r => r.Id).FirstAsync();
        });
        const long reserved = 9_876_543, completed = 1_234_567;
        await app.Db(async db =>
        {
            db.RegionMonthTotals.Add(new RegionMonthTotal { Year = ym / 100, Month = ym % 100, RegionId = county, Units = 1, Filed = 1, Approved = 1, ReservedFen = reserved, CompletedFen = completed, ExpectedFen = reserved / 2 });
            return await db.SaveChangesAsync();
        });
        // As the month end does once it has written new roll-ups: the stored public pages go.
        await app.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>().EvictByTagAsync(Infrastructure.PublicPageTags.Progress, default);
        var city = county / 100 * 100;
        var anonymous = app.CreateBrowser();
        var page = await anonymous.GetPageAsync($"/public/progress/{province}");
        var rows = page.QuerySelectorAll("tr[data-region]").ToList();
        var single = rows.Single(r => r.GetAttribute("data-region") == city.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("True", single.GetAttribute("data-suppressed"));
        Assert.DoesNotContain(Yuan(reserved), page.Source.Text);
        Assert.DoesNotContain(Yuan(completed), page.Source.Text);
        // Hidden with at least one other row, so that the total less the rows shown is never one unit's figure.
        Assert.True(rows.Count(r => r.GetAttribute("data-suppressed") == "True") >= 2);
        var cityPage = await anonymous.GetPageAsync($"/public/progress/{city}");
        Assert.Equal("True", cityPage.QuerySelector(".public-totals")!.GetAttribute("data-suppressed"));
        Assert.DoesNotContain(Yuan(reserved), cityPage.Source.Text);

        // The province's bureau publishes: the small group shows, and units are named on the province page.
        var finance = await app.SignedInAsync("finance");
        Assert.Equal(HttpStatusCode.Redirect, (await finance.PostFormAsync("/finance/publication", "/finance/publication", new Dictionary<string, string> { ["publishUnits"] = "true" })).StatusCode);
        Assert.True(await app.Db(db => db.AuditEntries.AnyAsync(a => a.Action == "ProgressPublication" && a.Target == $"region:{province}")));
        page = await anonymous.GetPageAsync($"/public/progress/{province}");
        Assert.Equal("False", page.QuerySelectorAll("tr[data-region]").Single(r => r.GetAttribute("data-region") == city.ToString(CultureInfo.InvariantCulture)).GetAttribute("data-suppressed"));
        Assert.Contains(Yuan(reserved), page.Source.Text);
        var (from, to) = RegionCode.SubtreeRange(province);
        var unitNames = await app.Db(db => db.UnitMonthStandings.Where(s => s.Year * 100 + s.Month == ym && s.RegionId >= from && s.RegionId <= to && s.ReservedFen > 0)
            .Join(db.BudgetUnits, s => s.BudgetUnitId, u => u.Id, (s, u) => u.Name).ToListAsync());
        Assert.NotEmpty(unitNames);
        Assert.Equal(Math.Min(500, unitNames.Count), page.QuerySelectorAll("tr.public-unit").Length);
        // Only this province's units: another province's page still names nobody.
        var other = await app.Db(db => db.RegionMonthTotals.Where(t => t.Year * 100 + t.Month == ym && (t.RegionId < from || t.RegionId > to))
            .Select(t => t.RegionId).FirstAsync());
        Assert.Null((await anonymous.GetPageAsync($"/public/progress/{RegionCode.ProvinceOf(other)}")).QuerySelector(".public-units"));

        // And back to aggregates only.
        Assert.Equal(HttpStatusCode.Redirect, (await finance.PostFormAsync("/finance/publication", "/finance/publication", new Dictionary<string, string> { ["publishUnits"] = "false" })).StatusCode);
        page = await anonymous.GetPageAsync($"/public/progress/{province}");
        Assert.Null(page.QuerySelector(".public-units"));
        Assert.DoesNotContain(Yuan(reserved), page.Source.Text);
    }

    [Fact]
    public async Task Sales_are_shown_per_county_of_origin()
    {
        var orders = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var placed = await orders.PlaceAsync(buyer, 3);
        await orders.AdvanceAsync(placed.Id, OrderStatus.Paid);
        // Stored public pages live up to a minute (sales are not real-time); a test does not wait for that.
        await app.Services.GetRequiredService<Microsoft.AspNetCore.OutputCaching.IOutputCacheStore>().EvictByTagAsync(Infrastructure.PublicPageTags.Progress, default);
        var county = await app.Db(db => db.OrderLines.Where(l => l.OrderId == placed.Id).Join(db.Products, l => l.ProductId, p => p.Id, (l, p) => p.OriginCountyId).FirstAsync());
        var expected = await app.Db(db => (from l in db.OrderLines
                                           join o in db.Orders on l.OrderId equals o.Id
                                           join p in db.Products on l.ProductId equals p.Id
                                           where p.OriginCountyId == county && o.Status != OrderStatus.Cancelled && o.Status != OrderStatus.PendingPayment && o.Status != OrderStatus.Refunded
                                           select l.LineTotalFen).SumAsync());
        var page = await app.CreateBrowser().GetPageAsync($"/public/progress/{RegionCode.ProvinceOf(county)}");
        var row = page.QuerySelector($"table.county-sales tr[data-county='{county}']");
        Assert.NotNull(row);
        Assert.Contains(Yuan(expected), row!.TextContent);
    }
}
