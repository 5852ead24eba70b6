using System.Net;
using System.Text.Json;
using Marketplace.Data;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Marketplace.Web.Features.Buying;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// Two instances of the real app on one database (the SQLite file, or PostgreSQL in the PostgreSQL pass), each with
/// its own embedded search index following the change feed and uploaded files in the database
/// (<c>Storage:Provider=Database</c>): what a second web node behind a load balancer sees.
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private sealed class FirstNode : MarketplaceAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Storage:Provider"] = "Database" };
    }

    /// <summary>The second node: its own data folder and index, the first node's database, no seeding of its own.</summary>
    private sealed class SecondNode(MarketplaceAppFactory first) : MarketplaceAppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Seed:Demo"] = "false",
            ["Database:Provider"] = first.Database.Provider,
            ["Database:ConnectionString"] = first.Database.ConnectionString,
            ["Storage:Provider"] = "Database",
        };
    }

    private MarketplaceAppFactory _a = null!;
    private MarketplaceAppFactory _b = null!;

    public async Task InitializeAsync()
    {
        _a = new FirstNode();
        _ = _a.Services; // the first node migrates and seeds
        await _a.SearchCaughtUpAsync();
        _b = new SecondNode(_a);
        await _b.SearchCaughtUpAsync();
    }

    public Task DisposeAsync()
    {
        _b.Dispose();
        _a.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A browser whose cookies go to whichever node it is pointed at (both answer as http://localhost).</summary>
    private sealed class SharedCookies(CookieContainer jar) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var header = jar.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0) request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
                foreach (var c in cookies) jar.SetCookies(request.RequestUri!, c);
            return response;
        }
    }

    private static HttpClient Browser(MarketplaceAppFactory node, CookieContainer jar)
    {
        var client = node.CreateDefaultClient(new SharedCookies(jar));
        return client;
    }

    [Fact]
    public async Task A_photo_stored_through_one_node_is_served_and_deleted_on_the_other()
    {
        var county = await _a.Db(db => db.Users.Where(u => u.UserName == "vendor").Select(u => u.Vendor!.CountyId).FirstAsync());
        var vendor = await _a.SignedInAsync("vendor");
        var created = await vendor.PostFormAsync("/vendor/products/new", "/vendor/products/new", new Dictionary<string, string>
        {
            ["Name"] = "两节点图片测试", ["CategoryId"] = "1", ["OriginCountyId"] = county.ToString(), ["Unit"] = "袋",
            ["PriceYuan"] = "10", ["Stock"] = "1", ["MinOrderQuantity"] = "1",
        });
        var id = int.Parse(created.Headers.Location!.OriginalString.Split('/').Last());
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos", "photos", ("p.png", TestImages.Png(64, 64)))).StatusCode);
        var (photoId, key) = await _a.Db(db => db.ProductPhotos.Where(p => p.ProductId == id).Select(p => new ValueTuple<int, string>(p.Id, p.StorageKey)).FirstAsync());

        // Node B has no file of its own: it serves the rendition node A stored, byte for byte.
        var fromA = await _a.CreateClient().GetByteArrayAsync($"/images/{key}/thumb.webp");
        var onB = await _b.CreateClient().GetAsync($"/images/{key}/thumb.webp");
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal(fromA, await onB.Content.ReadAsByteArrayAsync());
        Assert.Empty(Directory.EnumerateFiles(_a.DataFolder, "*.webp", SearchOption.AllDirectories));

        // Deleted through A: gone on B too.
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFormAsync($"/vendor/products/{id}", $"/vendor/products/{id}/photos/{photoId}/delete", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _b.CreateClient().GetAsync($"/images/{key}/thumb.webp")).StatusCode);
    }

    [Fact]
    public async Task A_user_signed_in_on_one_node_is_signed_in_on_the_other()
    {
        var jar = new CookieContainer();
        var onA = Browser(_a, jar);
        Assert.Equal(HttpStatusCode.Redirect, (await onA.LoginAsync("buyer", Infrastructure.DemoAccounts.Password)).StatusCode);
        var onB = Browser(_b, jar);
        var quota = await onB.GetAsync("/quota");
        Assert.Equal(HttpStatusCode.OK, quota.StatusCode); // not a redirect to the sign-in page
        // And a form token issued by node B is accepted by node A (one key ring, in the database).
        var cart = await onB.GetPageAsync("/cart");
        var token = cart.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token));
        var logout = await onA.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token! }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
    }

    [Fact]
    public async Task A_product_changed_through_one_node_is_found_by_search_on_the_other()
    {
        var word = "跨节点" + Guid.NewGuid().ToString("N")[..4];
        var id = await _a.Db(async db =>
        {
            var p = await db.Products.Where(x => x.Status == ProductStatus.Listed && x.Vendor!.Status == VendorStatus.Active).OrderBy(x => x.Id).FirstAsync();
            p.Name = $"{word} {p.Name}";
            await db.SaveChangesAsync();
            return p.Id;
        });
        // Node B's own worker follows the feed (every second); nobody catches it up by hand here.
        var client = _b.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var page = await client.GetPageAsync("/search?q=" + Uri.EscapeDataString(word));
            if (page.QuerySelectorAll(".card a").Any(a => a.GetAttribute("href") == $"/products/{id}")) break;
            Assert.True(DateTime.UtcNow < deadline, "node B's search did not find the change made through node A");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Checkouts_of_the_last_units_spread_over_both_nodes_sell_exactly_the_stock()
    {
        const int stock = 5;
        var product = await _a.Db(async db =>
        {
            var p = await db.Products.Where(x => x.Status == ProductStatus.Listed && x.Vendor!.Status == VendorStatus.Active).OrderBy(x => x.Id).Skip(40).FirstAsync();
            p.Stock = stock;
            p.MinOrderQuantity = 1;
            await db.SaveChangesAsync();
            return p.Id;
        });
        var buyers = new List<Actor>();
        using (var scope = _a.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Data.Entities.AppUser>>();
            var units = await _a.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Select(u => u.Id).Take(12).ToListAsync());
            for (var i = 0; i < 12; i++)
            {
                var user = new Data.Entities.AppUser { UserName = $"twonode{i}", Email = $"twonode{i}@unit.example", BudgetUnitId = units[i] };
                Assert.True((await users.CreateAsync(user, "Buyer@2026!")).Succeeded);
                buyers.Add(new Actor(user.Id, user.UserName!, Roles.Buyer, UnitId: user.BudgetUnitId));
            }
        }
        async Task<T> On<T>(MarketplaceAppFactory node, Func<CheckoutService, Task<T>> run)
        {
            using var scope = node.Services.CreateScope();
            return await run(scope.ServiceProvider.GetRequiredService<CheckoutService>());
        }
        for (var i = 0; i < buyers.Count; i++)
        {
            var b = buyers[i];
            await On(i % 2 == 0 ? _a : _b, async s => { await s.AddAsync(b, product, 1, default); return 0; });
        }

        var outcomes = await Task.WhenAll(buyers.Select((b, i) => Task.Run(async () =>
        {
            try { await On(i % 2 == 0 ? _a : _b, s => s.CheckoutAsync(b, new CheckoutInput("贵州省都匀市剑江中路8号 机关食堂", "王师傅", "0854-8221234"), default)); return true; }
            catch (DomainException) { return false; }
        })));

        Assert.Equal(stock, outcomes.Count(o => o));
        Assert.Equal(0, await _b.Db(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).FirstAsync()));
        Assert.Equal(stock, await _b.Db(db => db.OrderLines.Where(l => l.ProductId == product).SumAsync(l => l.Quantity)));
    }

    [Fact]
    public async Task A_node_that_dies_in_the_outbox_job_loses_no_event_and_the_next_lease_holder_applies_none_twice()
    {
        var unit = await _a.Db(db => db.BudgetUnits.OrderBy(u => u.Id).Select(u => u.Id).FirstAsync());
        var firstOrder = 9_000_000L + Random.Shared.Next(100_000) * 100L;
        var events = Enumerable.Range(0, 10).Select(i => new OrderCompleted(firstOrder + i, unit, new Money(100 * (i + 1)), new DateOnly(2026, 6, 1))).ToList();
        await _a.Db(async db =>
        {
            db.Outbox.AddRange(events.Select(e => new Data.Entities.OutboxMessage
            {
                Type = OutboxDispatcher.OrderCompletedType, Payload = JsonSerializer.Serialize(e, OutboxDispatcher.Json), CreatedAt = DateTime.UtcNow,
            }));
            return await db.SaveChangesAsync();
        });
        async Task<int> Dispatch(MarketplaceAppFactory node, int batch)
        {
            using var scope = node.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchAsync(batch, default);
        }

        // Node A holds the lease and delivers three events, then writes the fourth one's ledger line and dies before
        // marking it delivered (its lease is never released).
        var t0 = DateTime.UtcNow;
        var lease = TimeSpan.FromSeconds(30);
        Assert.True(await _a.Db(db => JobLeases.TryAcquireAsync(db, Infrastructure.OrderJobsWorker.LeaseName, "node-a", lease, t0, default)));
        Assert.Equal(3, await Dispatch(_a, 3));
        using (var scope = _a.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<LedgerWriter>().ApplyAsync(events[3], default));

        // Node B waits while A's lease is current and takes it once it has lapsed, then delivers what is left.
        Assert.False(await _b.Db(db => JobLeases.TryAcquireAsync(db, Infrastructure.OrderJobsWorker.LeaseName, "node-b", lease, t0.AddSeconds(10), default)));
        Assert.True(await _b.Db(db => JobLeases.TryAcquireAsync(db, Infrastructure.OrderJobsWorker.LeaseName, "node-b", lease, t0.AddSeconds(31), default)));
        Assert.Equal(7, await Dispatch(_b, 200));

        var lines = await _b.Db(db => db.QuotaLedgerEntries.AsNoTracking().Where(x => x.OrderId >= firstOrder && x.OrderId < firstOrder + 10)
            .Select(x => new { x.OrderId, x.AmountFen }).ToListAsync());
        Assert.Equal(events.Select(e => e.OrderId).Order(), lines.Select(l => l.OrderId!.Value).Order());
        Assert.Equal(events.Sum(e => e.Paid.Fen), lines.Sum(l => l.AmountFen));
        Assert.Equal(0, await _b.Db(db => db.Outbox.CountAsync(m => m.ProcessedAt == null)));
        await _b.Db(db => JobLeases.ReleaseAsync(db, Infrastructure.OrderJobsWorker.LeaseName, "node-b", default).ContinueWith(_ => 0));
    }

    [Fact]
    public async Task The_scheduled_month_end_runs_once_across_both_nodes()
    {
        async Task<int> Due(MarketplaceAppFactory node)
        {
            var worker = node.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Features.Finance.FinanceJobsWorker>().Single();
            using var scope = node.Services.CreateScope();
            return await worker.RunDueAsync(scope.ServiceProvider, default);
        }
        // While another node holds the schedule (it is in the middle of a month end), this node runs nothing, although
        // the month end is due and not done.
        Assert.True(await _a.Db(db => JobLeases.TryAcquireAsync(db, Features.Finance.FinanceJobsWorker.ScheduleLease, "node-a-scheduler", TimeSpan.FromMinutes(5), DateTime.UtcNow, default)));
        Assert.Equal(0, await Due(_b));
        Assert.Equal(0, await _b.Db(db => db.MonthEndRuns.CountAsync()));
        await _a.Db(db => JobLeases.ReleaseAsync(db, Features.Finance.FinanceJobsWorker.ScheduleLease, "node-a-scheduler", default).ContinueWith(_ => 0));

        // Then both nodes look at the same moment: what is due runs once in all.
        var ran = await Task.WhenAll(Due(_a), Due(_b));
        var runs = await _a.Db(db => db.MonthEndRuns.Where(r => r.ScopeRegionId == 0 && r.Completed).CountAsync());
        Assert.Equal(runs, ran.Sum());
        Assert.True(ran.Count(n => n > 0) <= 1, $"runs by node: {string.Join(", ", ran)}");
        // Later ticks on either node find nothing left to do.
        Assert.Equal(0, await Due(_b) + await Due(_a));
    }
}
