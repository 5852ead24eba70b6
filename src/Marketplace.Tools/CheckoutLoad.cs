using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Domain.Quota;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Tools;

/// <summary>
/// <c>load --scenario checkout</c>: a bounded, loopback-only run against a running marketplace and its database.
/// Anonymous visitors browse and search; signed-in buyers (one per budget unit) fill carts with a few scarce products
/// and check out, and accept, and evaluate what was shipped to them; the vendors of those products confirm the bank
/// transfers, ship and upload invoices — all through the real pages, anti-forgery tokens included. When the time is up,
/// a trade run winds down: the vendors deal with the orders left waiting and the buyers accept and evaluate them, so
/// that every order placed ends completed, however slow the machine (the figures cover the timed part). Then it checks
/// in the database that, for every scarce product, stock now + quantities ordered = stock at the start; that every
/// order's total is the sum of its lines; and that every completed order has exactly one ledger credit of the money it
/// kept and no other order has any. Accounts for the run (load.buyer.N, load.vendor.ID) are created or reset in the
/// database first, with the password given by --password.
/// </summary>
public static partial class CheckoutLoad
{
    private sealed class Tally
    {
        public readonly ConcurrentDictionary<string, ConcurrentBag<double>> Latencies = new();
        public readonly ConcurrentDictionary<string, int> Errors = new();
        public int Placed, RefusedStock, Completed;
        public void Add(string route, double ms) => Latencies.GetOrAdd(route, _ => []).Add(ms);
        public void Error(string what) => Errors.AddOrUpdate(what, 1, (_, n) => n + 1);
    }

    /// <summary>
    /// The end of a trade run: buyers stop placing orders (an iteration under way finishes first), then the vendors deal
    /// with every order left waiting, then the buyers accept and evaluate everything shipped to them — within a deadline.
    /// </summary>
    private sealed class Phases(int buyers, int vendors, CancellationToken deadline)
    {
        private int placing = buyers, vending = vendors;
        public readonly TaskCompletionSource PlacingDone = Done(buyers), VendorsDone = Done(vendors);
        public CancellationToken Deadline { get; } = deadline;
        public void BuyerStoppedPlacing() { if (Interlocked.Decrement(ref placing) == 0) PlacingDone.TrySetResult(); }
        public void VendorDone() { if (Interlocked.Decrement(ref vending) == 0) VendorsDone.TrySetResult(); }

        private static TaskCompletionSource Done(int count)
        {
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (count == 0) source.SetResult();
            return source;
        }
    }

    public static async Task<int> RunAsync(MarketplaceDbContext db, Dictionary<string, string> o, TextWriter? output = null)
    {
        output ??= Console.Out;
        // Several nodes of one app (sharing its database): --url http://127.0.0.1:5091,http://127.0.0.1:5092. Each user
        // stays on one node, taken in turn, so that the nodes share the buyers, vendors and visitors.
        var urls = (o.GetValueOrDefault("url") ?? "http://127.0.0.1:5080").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => new Uri(u)).ToArray();
        foreach (var u in urls)
            if (!LoadCommand.IsLoopback(u))
                throw new ArgumentException($"--url must be loopback addresses (127.0.0.0/8, localhost, [::1]); got {u.Host}.");
        var node = 0;
        Uri Next() => urls[node++ % urls.Length];
        var seconds = Math.Clamp(Int(o, "seconds", 30), 5, 600);
        var buyers = Math.Clamp(Int(o, "buyers", 8), 1, 64);
        var visitors = Math.Clamp(Int(o, "visitors", 4), 0, 64);
        var scarce = Math.Clamp(Int(o, "products", 4), 1, 20);
        var stock = Math.Clamp(Int(o, "stock", 60), 1, 100_000);
        var password = o.GetValueOrDefault("password") ?? "Load#2026-run";
        // "trade" (the whole order life, vendors included) or "orders" (buyers only add to carts and check out, as fast
        // as they can: the orders-per-second figure, with the stock checks as strict as ever).
        var flow = o.GetValueOrDefault("flow") ?? "trade";
        if (flow is not ("trade" or "orders")) throw new ArgumentException($"--flow must be trade or orders, got '{flow}'.");

        // Arrange in the database: scarce products of distinct vendors, and accounts for the run.
        var products = await ScarceProductsAsync(db, scarce, stock);
        var units = await db.BudgetUnits.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.Id).Select(u => u.Id).Take(buyers).ToListAsync();
        if (units.Count < buyers) throw new InvalidOperationException($"Only {units.Count} active budget units; --buyers {buyers} needs as many.");
        var buyerNames = new List<string>();
        for (var i = 0; i < units.Count; i++)
            buyerNames.Add(await AccountAsync(db, $"load.buyer.{i + 1}", Roles.Buyer, password, u => { u.BudgetUnitId = units[i]; u.VendorId = null; }));
        var vendorIds = products.Select(p => p.VendorId).Distinct().ToList();
        var vendorNames = new List<string>();
        foreach (var v in vendorIds)
            vendorNames.Add(await AccountAsync(db, $"load.vendor.{v}", Roles.Vendor, password, u => { u.VendorId = v; u.BudgetUnitId = null; u.IsVendorOwner = true; }));
        var buyerIds = await db.Users.Where(u => buyerNames.Contains(u.UserName!)).Select(u => u.Id).ToListAsync();
        await db.CartItems.Where(c => buyerIds.Contains(c.UserId)).ExecuteDeleteAsync();
        var startedAt = DateTime.UtcNow;
        var startStock = products.ToDictionary(p => p.Id, p => p.Stock);
        var browse = new[] { "/", "/categories/1", $"/products/{products[0].Id}", "/search?q=%E5%A4%A7%E7%B1%B3", "/search?q=%E8%8C%B6" };

        var tally = new Tally();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var windDown = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 120));
        var phases = new Phases(buyerNames.Count, vendorNames.Count, windDown.Token);
        var clock = Stopwatch.StartNew();
        var workers = new List<Task>();
        foreach (var name in buyerNames)
            workers.Add(flow == "orders"
                ? OrderingBuyerAsync(Next(), name, password, products.Select(p => p.Id).ToArray(), tally, stop.Token)
                : BuyerAsync(Next(), name, password, products.Select(p => p.Id).ToArray(), tally, phases, stop.Token));
        if (flow == "trade")
            foreach (var name in vendorNames) workers.Add(VendorAsync(Next(), name, password, tally, phases, stop.Token));
        for (var i = 0; i < visitors; i++) workers.Add(VisitorAsync(Next(), browse, i, tally, stop.Token));
        // The figures cover the timed part; the wind-down (trade flow) only finishes the orders' lives for the checks.
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        var elapsed = clock.Elapsed.TotalSeconds;
        try { await Task.WhenAll(workers); }
        catch (OperationCanceledException) when (windDown.IsCancellationRequested) { output.WriteLine($"wind-down not finished within {seconds + 120} s"); }

        // The outbox → ledger job runs in the app every few seconds: wait until it has applied everything.
        var waited = Stopwatch.StartNew();
        while (await db.Outbox.AsNoTracking().AnyAsync(m => m.ProcessedAt == null) && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(500);

        output.WriteLine($"{string.Join(" + ", urls.Select(u => u.ToString()))} · {buyers} buyers, {vendorNames.Count} vendors, {visitors} visitors · {elapsed:0.0} s · " +
                          $"{Environment.ProcessorCount} cores · {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        output.WriteLine($"{"route",-34} {"requests",9} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var (route, bag) in tally.Latencies.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var list = bag.ToList();
            list.Sort();
            output.WriteLine($"{route,-34} {list.Count,9} {list.Count / elapsed,8:0.0} {LoadCommand.Pct(list, 50),8:0.0} {LoadCommand.Pct(list, 95),8:0.0} {LoadCommand.Pct(list, 99),8:0.0}");
        }
        var total = tally.Latencies.Values.Sum(b => b.Count);
        output.WriteLine($"{"all",-34} {total,9} {total / elapsed,8:0.0}");
        output.WriteLine($"checkouts placed: {tally.Placed} ({tally.Placed / elapsed:0.0}/s) · refused for stock: {tally.RefusedStock} · orders buyers accepted and evaluated (earlier runs' included): {tally.Completed}");
        foreach (var (what, n) in tally.Errors.OrderByDescending(e => e.Value))
            output.WriteLine($"error ×{n}: {what}");
        if (tally.Errors.Keys.Any(k => k.Contains(" 429")))
            output.WriteLine("429s: start the app with raised budgets for a load run (RateLimits__SignInsPerMinute, …__SearchesPerMinute, …__UploadsPerMinute).");

        var consistent = await VerifyAsync(db, products.Select(p => p.Id).ToList(), startStock, units, startedAt, tally, output);
        return consistent && tally.Errors.IsEmpty ? 0 : 1;
    }

    private static async Task<List<Product>> ScarceProductsAsync(MarketplaceDbContext db, int count, int stock)
    {
        var vendors = await db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Listed && p.Vendor!.Status == VendorStatus.Active)
            .Select(p => p.VendorId).Distinct().OrderBy(v => v).Take(count).ToListAsync();
        var products = new List<Product>();
        foreach (var v in vendors)
            products.Add(await db.Products.Where(p => p.VendorId == v && p.Status == ProductStatus.Listed).OrderBy(p => p.Id).FirstAsync());
        foreach (var p in products) { p.Stock = stock; p.MinOrderQuantity = 1; }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return products;
    }

    /// <summary>Creates the account, or resets it (password, scope, enabled), so that a run can sign in.</summary>
    private static async Task<string> AccountAsync(MarketplaceDbContext db, string userName, string role, string password, Action<AppUser> scope)
    {
        var normalized = userName.ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized);
        if (user is null)
        {
            user = new AppUser
            {
                UserName = userName, NormalizedUserName = normalized, Email = userName + "@load.832.example",
                NormalizedEmail = (userName + "@load.832.example").ToUpperInvariant(), EmailConfirmed = true, DisplayName = userName,
                CreatedAt = DateTime.UtcNow, LockoutEnabled = true,
            };
            db.Users.Add(user);
        }
        scope(user);
        user.PasswordHash = new PasswordHasher<AppUser>().HashPassword(user, password);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.IsDisabled = false; user.MustChangePassword = false; user.LockoutEnd = null; user.AccessFailedCount = 0;
        await db.SaveChangesAsync();
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        await db.UserRoles.Where(r => r.UserId == user.Id).ExecuteDeleteAsync();
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return userName;
    }

    private static async Task<bool> VerifyAsync(MarketplaceDbContext db, List<int> productIds, Dictionary<int, int> startStock, List<int> units,
        DateTime startedAt, Tally tally, TextWriter output)
    {
        var ok = true;
        void Check(bool condition, string message)
        {
            output.WriteLine($"{(condition ? "ok  " : "FAIL")} {message}");
            ok &= condition;
        }

        var orders = await db.Orders.AsNoTracking().Where(x => units.Contains(x.BudgetUnitId) && x.PlacedAt >= startedAt)
            .Select(x => new { x.Id, x.Status, x.TotalFen, x.PaidFen, x.RefundedFen, Lines = x.Lines.Select(l => new { l.ProductId, l.Quantity, l.UnitPriceFen, l.LineTotalFen }).ToList() })
            .ToListAsync();
        Check(orders.Count == tally.Placed, $"orders in the database: {orders.Count}; checkouts the pages confirmed: {tally.Placed}");
        var stockNow = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Stock);
        foreach (var id in productIds)
        {
            var sold = orders.Where(x => x.Status != OrderStatus.Cancelled).SelectMany(x => x.Lines).Where(l => l.ProductId == id).Sum(l => l.Quantity);
            Check(stockNow[id] >= 0 && stockNow[id] + sold == startStock[id],
                $"product {id}: stock at start {startStock[id]} = now {stockNow[id]} + ordered {sold}");
        }
        var badTotals = orders.Count(x => x.TotalFen != x.Lines.Sum(l => l.LineTotalFen) || x.Lines.Any(l => l.LineTotalFen != l.UnitPriceFen * l.Quantity));
        Check(badTotals == 0, $"order totals equal the sum of their lines (price × quantity): {orders.Count - badTotals} of {orders.Count}");

        var ids = orders.Select(x => x.Id).ToList();
        var credits = await db.QuotaLedgerEntries.AsNoTracking().Where(e => e.OrderId != null && ids.Contains(e.OrderId.Value))
            .Select(e => new { OrderId = e.OrderId!.Value, e.Kind, e.AmountFen }).ToListAsync();
        var completed = orders.Where(x => x.Status == OrderStatus.Completed).ToList();
        var wrong = completed.Count(x => credits.Count(c => c.OrderId == x.Id) != 1
                                         || credits.Single(c => c.OrderId == x.Id) is var c && (c.Kind != LedgerEntryKind.OrderCredit || c.AmountFen != x.PaidFen - x.RefundedFen));
        Check(wrong == 0, $"completed orders with exactly one ledger credit of the money kept: {completed.Count - wrong} of {completed.Count} " +
                          $"({completed.Sum(x => x.PaidFen - x.RefundedFen) / 100m:N2} yuan credited)");
        var stray = credits.Count(c => completed.All(x => x.Id != c.OrderId));
        Check(stray == 0, $"ledger lines for orders that are not completed: {stray}");
        output.WriteLine($"orders by state: {string.Join(", ", orders.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        return ok;
    }

    // ---- the three kinds of user, through the pages ----

    private static async Task BuyerAsync(Uri baseUrl, string user, string password, int[] products, Tally tally, Phases phases, CancellationToken stop)
    {
        using var web = await Browser.SignInAsync(baseUrl, user, password, tally);
        if (web is null) { phases.BuyerStoppedPlacing(); return; }
        var random = new Random(user.GetHashCode());
        while (!stop.IsCancellationRequested)
        {
            var product = products[random.Next(products.Length)];
            var token = await web.TokenAsync($"/products/{product}", "GET /products/{id}");
            if (token is null) continue;
            var add = await web.PostAsync("/cart/add", "POST /cart/add", token, new() { ["productId"] = $"{product}", ["quantity"] = $"{random.Next(1, 4)}" }, HttpStatusCode.Redirect, HttpStatusCode.UnprocessableEntity);
            if (add == HttpStatusCode.UnprocessableEntity)
            {
                if (web.RefusedForStock()) Interlocked.Increment(ref tally.RefusedStock);
                else tally.Error($"POST /cart/add 422 {Browser.Reason(web.LastBody)}");
                continue;
            }
            var cart = await web.GetAsync("/cart", "GET /cart");
            if (cart is null || Browser.Token(cart) is not { } cartToken) continue;
            var checkout = await web.PostAsync("/cart/checkout", "POST /cart/checkout", cartToken, new()
            {
                ["DeliveryAddress"] = "贵州省贵阳市观山湖区林城西路 机关食堂", ["CanteenContact"] = "陈师傅", ["ContactPhone"] = "13700000000",
            }, HttpStatusCode.Redirect, HttpStatusCode.UnprocessableEntity);
            if (checkout == HttpStatusCode.Redirect)
            {
                Interlocked.Increment(ref tally.Placed);
                // As a browser does: the orders page with the payment codes of what was just placed.
                await web.GetAsync("/orders", "GET /orders (placed)");
            }
            else if (checkout == HttpStatusCode.UnprocessableEntity)
            {
                // Sold out meanwhile: empty the cart and go on.
                if (web.RefusedForStock()) Interlocked.Increment(ref tally.RefusedStock);
                else tally.Error($"POST /cart/checkout 422 {Browser.Reason(web.LastBody)}");
                var page = await web.GetAsync("/cart", "GET /cart");
                if (page is not null && Browser.Token(page) is { } t)
                    foreach (Match m in CartItem().Matches(page))
                        await web.PostAsync($"/cart/items/{m.Groups[1].Value}", "POST /cart/items/{id}", t, new() { ["quantity"] = "0" }, HttpStatusCode.Redirect);
            }
            await FinishDeliveriesAsync(web, tally);
        }
        // Wind-down: once every vendor has dealt with the last orders, carry this unit's orders to the end of their life,
        // so that a run's report (and its checks) cover every order it placed, however slow the machine.
        phases.BuyerStoppedPlacing();
        await phases.VendorsDone.Task.WaitAsync(phases.Deadline);
        for (var round = 0; round < 20 && !phases.Deadline.IsCancellationRequested; round++)
            if (await FinishDeliveriesAsync(web, tally) == 0) break;
    }

    /// <summary>
    /// What was shipped to this unit: confirm delivery; once the vendor's invoice is there, accept and evaluate. Returns
    /// how many orders it found to act on.
    /// </summary>
    private static async Task<int> FinishDeliveriesAsync(Browser web, Tally tally)
    {
        var acted = 0;
        var shipped = await web.GetAsync("/orders?status=Shipped", "GET /orders?status=…");
        foreach (var id in shipped is null ? [] : OrderIds(shipped))
            if (await web.TokenAsync($"/orders/{id}", "GET /orders/{id}") is { } shippedToken)
            {
                acted++;
                await web.PostAsync($"/orders/{id}/ConfirmDelivery", "POST /orders/{id}/ConfirmDelivery", shippedToken, [], HttpStatusCode.Redirect);
            }
        var delivered = await web.GetAsync("/orders?status=Delivered", "GET /orders?status=…");
        foreach (var id in delivered is null ? [] : OrderIds(delivered))
        {
            var page = await web.GetAsync($"/orders/{id}", "GET /orders/{id}");
            if (page is null || !page.Contains($"href=\"/orders/{id}/invoice\"", StringComparison.Ordinal) || Browser.Token(page) is not { } deliveredToken) continue;
            acted++;
            if (await web.PostAsync($"/orders/{id}/Accept", "POST /orders/{id}/Accept", deliveredToken, [], HttpStatusCode.Redirect) == HttpStatusCode.Redirect
                && await web.PostAsync($"/orders/{id}/Evaluate", "POST /orders/{id}/Evaluate", deliveredToken,
                    new() { ["quality"] = "5", ["delivery"] = "4", ["service"] = "5", ["comment"] = "负载测试：米质好" }, HttpStatusCode.Redirect) == HttpStatusCode.Redirect)
                Interlocked.Increment(ref tally.Completed);
        }
        return acted;
    }

    /// <summary>
    /// A buyer who only orders: one product page for the anti-forgery token (it serves every form of the session), then
    /// add to cart and check out, again and again. A refusal for stock empties the cart as in the full flow.
    /// </summary>
    private static async Task OrderingBuyerAsync(Uri baseUrl, string user, string password, int[] products, Tally tally, CancellationToken stop)
    {
        using var web = await Browser.SignInAsync(baseUrl, user, password, tally);
        if (web is null) return;
        var random = new Random(user.GetHashCode());
        var token = await web.TokenAsync($"/products/{products[0]}", "GET /products/{id}");
        while (token is not null && !stop.IsCancellationRequested)
        {
            var product = products[random.Next(products.Length)];
            var add = await web.PostAsync("/cart/add", "POST /cart/add", token, new() { ["productId"] = $"{product}", ["quantity"] = $"{random.Next(1, 4)}" }, HttpStatusCode.Redirect, HttpStatusCode.UnprocessableEntity);
            if (add == HttpStatusCode.UnprocessableEntity)
            {
                if (web.RefusedForStock()) Interlocked.Increment(ref tally.RefusedStock);
                else tally.Error($"POST /cart/add 422 {Browser.Reason(web.LastBody)}");
                continue;
            }
            var checkout = await web.PostAsync("/cart/checkout", "POST /cart/checkout", token, new()
            {
                ["DeliveryAddress"] = "贵州省贵阳市观山湖区林城西路 机关食堂", ["CanteenContact"] = "陈师傅", ["ContactPhone"] = "13700000000",
            }, HttpStatusCode.Redirect, HttpStatusCode.UnprocessableEntity);
            if (checkout == HttpStatusCode.Redirect) { Interlocked.Increment(ref tally.Placed); continue; }
            if (web.RefusedForStock()) Interlocked.Increment(ref tally.RefusedStock);
            else tally.Error($"POST /cart/checkout 422 {Browser.Reason(web.LastBody)}");
            var page = await web.GetAsync("/cart", "GET /cart");
            if (page is not null)
                foreach (Match m in CartItem().Matches(page))
                    await web.PostAsync($"/cart/items/{m.Groups[1].Value}", "POST /cart/items/{id}", token, new() { ["quantity"] = "0" }, HttpStatusCode.Redirect);
        }
    }

    private static async Task VendorAsync(Uri baseUrl, string user, string password, Tally tally, Phases phases, CancellationToken stop)
    {
        using var web = await Browser.SignInAsync(baseUrl, user, password, tally);
        if (web is null) { phases.VendorDone(); return; }
        while (!stop.IsCancellationRequested)
            if (await VendorRoundAsync(web, tally) == 0)
                try { await Task.Delay(200, stop); } catch (OperationCanceledException) { }
        // Wind-down: the buyers' last checkouts may still be under way; once they have all stopped, deal with what is left.
        await phases.PlacingDone.Task.WaitAsync(phases.Deadline);
        for (var round = 0; round < 20 && !phases.Deadline.IsCancellationRequested; round++)
            if (await VendorRoundAsync(web, tally) == 0) break;
        phases.VendorDone();
    }

    /// <summary>Confirms the transfer, ships and uploads the invoice of every order waiting for payment; returns how many.</summary>
    private static async Task<int> VendorRoundAsync(Browser web, Tally tally)
    {
        var pending = await web.GetAsync("/vendor/orders?status=PendingPayment", "GET /vendor/orders?status=…");
        var ids = pending is null ? [] : OrderIds(pending);
        foreach (var id in ids)
        {
            var token = await web.TokenAsync($"/orders/{id}", "GET /orders/{id}");
            if (token is null) continue;
            if (await web.PostAsync($"/orders/{id}/ConfirmPayment", "POST /orders/{id}/ConfirmPayment", token, [], HttpStatusCode.Redirect) != HttpStatusCode.Redirect) continue;
            if (await web.PostAsync($"/orders/{id}/Ship", "POST /orders/{id}/Ship", token, new() { ["carrier"] = "顺丰速运", ["trackingNumber"] = $"SF{id:D10}" }, HttpStatusCode.Redirect) != HttpStatusCode.Redirect) continue;
            // The buyer may confirm delivery at the same moment: the upload is then refused as a concurrent change
            // (nothing is lost) and, as a person would, the vendor reloads the order and uploads again.
            if (await web.UploadAsync($"/orders/{id}/invoice", "POST /orders/{id}/invoice", token, "invoice", "invoice.pdf", Invoice,
                    HttpStatusCode.Redirect, HttpStatusCode.UnprocessableEntity) == HttpStatusCode.UnprocessableEntity
                && await web.TokenAsync($"/orders/{id}", "GET /orders/{id}") is { } retryToken)
                await web.UploadAsync($"/orders/{id}/invoice", "POST /orders/{id}/invoice", retryToken, "invoice", "invoice.pdf", Invoice, HttpStatusCode.Redirect);
        }
        return ids.Count;
    }

    private static readonly byte[] Invoice = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"u8.ToArray();

    private static async Task VisitorAsync(Uri baseUrl, string[] paths, int worker, Tally tally, CancellationToken stop)
    {
        using var web = new Browser(baseUrl, tally);
        for (var i = worker; !stop.IsCancellationRequested; i++)
        {
            var path = paths[i % paths.Length];
            await web.GetAsync(path, "GET " + (path.StartsWith("/products/") ? "/products/{id}" : Uri.UnescapeDataString(path)));
        }
    }

    private static List<long> OrderIds(string html) => OrderLink().Matches(html).Select(m => long.Parse(m.Groups[1].Value)).Distinct().ToList();

    private static int Int(Dictionary<string, string> o, string key, int fallback) =>
        o.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    [GeneratedRegex(@"href=""/orders/(\d+)""")]
    private static partial Regex OrderLink();

    [GeneratedRegex("""action="/cart/items/(\d+)""")]
    private static partial Regex CartItem();

    /// <summary>One user's cookies and a timer around every request; an unexpected status is counted as an error.</summary>
    private sealed partial class Browser(Uri baseUrl, Tally tally) : IDisposable
    {
        private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30),
        };

        public static async Task<Browser?> SignInAsync(Uri baseUrl, string user, string password, Tally tally)
        {
            var web = new Browser(baseUrl, tally);
            var token = await web.TokenAsync("/account/login", "GET /account/login");
            if (token is not null && await web.PostAsync("/account/login", "POST /account/login", token,
                    new() { ["UserName"] = user, ["Password"] = password }, HttpStatusCode.Redirect) == HttpStatusCode.Redirect)
                return web;
            tally.Error($"{user} could not sign in");
            web.Dispose();
            return null;
        }

        public async Task<string?> GetAsync(string path, string route)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                tally.Add(route, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.OK) return body;
                tally.Error($"{route} {(int)response.StatusCode} {Reason(body)}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                tally.Error($"{route} {e.GetType().Name}");
            }
            return null;
        }

        public async Task<string?> TokenAsync(string path, string route) => await GetAsync(path, route) is { } page ? Token(page) : null;

        public static string? Token(string html) => TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

        public Task<HttpStatusCode?> PostAsync(string path, string route, string token, Dictionary<string, string> fields, params HttpStatusCode[] expected) =>
            SendAsync(route, () => new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }), path, expected);

        public Task<HttpStatusCode?> UploadAsync(string path, string route, string token, string field, string name, byte[] data, params HttpStatusCode[] expected) =>
            SendAsync(route, () => new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(data), field, name } }, path, expected);

        private async Task<HttpStatusCode?> SendAsync(string route, Func<HttpContent> content, string path, HttpStatusCode[] expected)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.PostAsync(path, content());
                var body = LastBody = await response.Content.ReadAsStringAsync();
                tally.Add(route, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!expected.Contains(response.StatusCode)) tally.Error($"{route} {(int)response.StatusCode} {Reason(body)}");
                return response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                tally.Error($"{route} {e.GetType().Name}");
                return null;
            }
        }

        /// <summary>The reason an error page states (its first paragraph of class "reason"), for the report.</summary>
        public static string Reason(string html) =>
            ReasonText().Match(html) is { Success: true } m ? "“" + WebUtility.HtmlDecode(m.Groups[1].Value).Trim() + "”" : "";

        /// <summary>The page the last POST answered with.</summary>
        public string LastBody { get; private set; } = "";

        /// <summary>A 422 about stock (库存不足, or 库存发生变化 when another checkout took it meanwhile), not some other refusal.</summary>
        public bool RefusedForStock() => LastBody.Contains("库存", StringComparison.Ordinal);

        public void Dispose() => http.Dispose();

        [GeneratedRegex(@"<p class=""reason"">([^<]*)</p>")]
        private static partial Regex ReasonText();

        [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""")]
        private static partial Regex TokenField();
    }
}
