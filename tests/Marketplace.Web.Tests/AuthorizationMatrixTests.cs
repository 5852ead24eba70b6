using System.Net;
using System.Text;
using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Web.Tests;

/// <summary>
/// Every route of the app (from the endpoint data source) × every kind of user, against the table in
/// AuthorizationMatrix.txt: a new route without a row fails, a row for a route that no longer exists fails, and every
/// cell is requested for real (GETs; POSTs with a valid anti-forgery token and ids of objects that belong to someone else).
/// MATRIX_DRAFT=path writes what the app answers today in the table's format, for review when routes are added.
/// </summary>
public class AuthorizationMatrixTests(FinanceAppFactory app) : IClassFixture<FinanceAppFactory>
{
    public static readonly string[] Roles =
        ["anon", "buyerA", "buyerParent", "buyerOther", "vendorX", "vendorY", "finCounty", "finProvince", "finOther", "admin"];

    private static string MatrixPath => Path.Combine(AppContext.BaseDirectory, "AuthorizationMatrix.txt");

    private sealed record Row(string Method, string Route, string Sample, string[] Cells);

    private static List<Row> ReadMatrix() =>
        File.ReadAllLines(MatrixPath).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).Select(line =>
        {
            var parts = System.Text.RegularExpressions.Regex.Split(line, @"\s\|\s");
            Assert.True(parts.Length == 3, $"a row is \"METHOD route | sample URL | {Roles.Length} cells\": {line}");
            var head = parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var cells = parts[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(cells.Length == Roles.Length, $"{Roles.Length} cells expected: {line}");
            return new Row(head[0], head[1], parts[1].Trim(), cells);
        }).ToList();

    private List<(string Method, string Route)> Routes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
            {
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                if (methods.Count == 0) methods = ["GET"];
                return methods.Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/')));
            })
            .Distinct().OrderBy(r => r.Item2, StringComparer.Ordinal).ThenBy(r => r.m, StringComparer.Ordinal).ToList();

    [Fact]
    public void Every_route_of_the_app_has_a_row_and_every_row_a_route()
    {
        var routes = Routes();
        var rows = ReadMatrix();
        var missing = routes.Where(r => !rows.Any(x => x.Method == r.Method && x.Route == r.Route)).ToList();
        var stale = rows.Where(x => !routes.Contains((x.Method, x.Route))).ToList();
        Assert.True(missing.Count == 0, "routes without a row in AuthorizationMatrix.txt:\n" + string.Join("\n", missing.Select(m => $"{m.Method} {m.Route}")));
        Assert.True(stale.Count == 0, "rows for routes that do not exist:\n" + string.Join("\n", stale.Select(m => $"{m.Method} {m.Route}")));
        Assert.Equal(rows.Count, rows.Select(r => (r.Method, r.Route)).Distinct().Count());
    }

    [Fact]
    public async Task Every_route_answers_every_kind_of_user_as_the_matrix_says()
    {
        var (clients, ids) = await ArrangeAsync();
        var draft = Environment.GetEnvironmentVariable("MATRIX_DRAFT");
        var rows = ReadMatrix();
        var tokens = new Dictionary<string, string>();
        foreach (var role in Roles)
            tokens[role] = await clients[role].TokenFromAsync(role == "anon" ? "/account/login" : "/account/password");

        var failures = new List<string>();
        var written = new StringBuilder();
        foreach (var row in rows)
        {
            var url = ids.Aggregate(row.Sample, (u, id) => u.Replace("{" + id.Key + "}", id.Value));
            var actual = new string[Roles.Length];
            for (var i = 0; i < Roles.Length; i++)
            {
                var expected = row.Cells[i];
                if (row.Method == "POST" && expected == "ok") { actual[i] = "ok"; continue; }
                // Drafting: a POST the user's role may make is left for review, never sent (it would change the fixture).
                if (row.Method == "POST" && expected == "?" && RoleMayCall(row, Roles[i])) { actual[i] = "?"; continue; }
                var request = new HttpRequestMessage(new HttpMethod(row.Method), url);
                if (row.Method == "POST")
                    request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = tokens[Roles[i]] });
                using var response = await clients[Roles[i]].SendAsync(request);
                actual[i] = Outcome(response);
                if (expected != "?" && expected != actual[i])
                    failures.Add($"{row.Method} {url} as {Roles[i]}: expected {expected}, got {actual[i]}");
            }
            written.AppendLine($"{row.Method,-5}{row.Route,-61} | {row.Sample,-56} | {string.Join(" ", actual.Select((a, i) => a.PadRight(Roles[i].Length)))}");
        }
        if (draft is { Length: > 0 }) File.WriteAllText(draft, written.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} cells differ from AuthorizationMatrix.txt:\n" + string.Join("\n", failures));
    }

    private static readonly Dictionary<string, string?> RoleOf = new()
    {
        ["anon"] = null, ["buyerA"] = Marketplace.Domain.Roles.Buyer, ["buyerParent"] = Marketplace.Domain.Roles.Buyer, ["buyerOther"] = Marketplace.Domain.Roles.Buyer,
        ["vendorX"] = Marketplace.Domain.Roles.Vendor, ["vendorY"] = Marketplace.Domain.Roles.Vendor, ["finCounty"] = Marketplace.Domain.Roles.FinanceBureau,
        ["finProvince"] = Marketplace.Domain.Roles.FinanceBureau, ["finOther"] = Marketplace.Domain.Roles.FinanceBureau, ["admin"] = Marketplace.Domain.Roles.PlatformAdmin,
    };

    /// <summary>Whether the endpoint's [Authorize]/[AllowAnonymous] metadata lets this kind of user in at all.</summary>
    private bool RoleMayCall(Row row, string user)
    {
        var endpoint = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().First(e =>
            "/" + e.RoutePattern.RawText!.TrimStart('/') == row.Route && (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(row.Method) ?? true));
        if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) return true;
        var rules = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>();
        if (rules.Count == 0) return true;
        var role = RoleOf[user];
        return role is not null && rules.All(r => string.IsNullOrEmpty(r.Roles) || r.Roles.Split(',').Contains(role));
    }

    /// <summary>200, 404, 403…; "login" for a redirect to the sign-in page, "302" for any other redirect.</summary>
    private static string Outcome(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        if (code is 301 or 302 or 303 && response.Headers.Location?.OriginalString is { } location)
        {
            if (location.Contains("/account/login", StringComparison.Ordinal)) return "login";
            if (location.Contains("/account/denied", StringComparison.Ordinal)) return "denied";
            return "302";
        }
        return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<(Dictionary<string, HttpClient> Clients, Dictionary<string, string> Ids)> ArrangeAsync()
    {
        var driver = new OrderDriver(app);
        var buyer = await app.SignedInAsync("buyer");
        var order = await driver.PlaceAsync(buyer);
        await driver.AdvanceAsync(order.Id, OrderStatus.Shipped);
        var vendor = await app.SignedInAsync("vendor");
        Assert.Equal(HttpStatusCode.Redirect, (await vendor.PostFilesAsync($"/orders/{order.Id}", $"/orders/{order.Id}/invoice", "invoice", ("invoice.pdf", "%PDF-1.4\n1 0 obj\n%%EOF\n"u8.ToArray()))).StatusCode);
        var productId = await app.Db(db => db.Orders.Where(o => o.Id == order.Id).Select(o => o.Lines.First().ProductId).SingleAsync());
        // Something left in the cart.
        Assert.Equal(HttpStatusCode.Redirect, (await buyer.PostFormAsync($"/products/{productId}", "/cart/add", new Dictionary<string, string> { ["productId"] = $"{productId}", ["quantity"] = "1" })).StatusCode);

        var a = await driver.ActorAsync("buyer");
        var x = await driver.ActorAsync("vendor");
        var unitA = await app.Db(db => db.BudgetUnits.Where(u => u.Id == a.UnitId).Select(u => new { u.Id, u.RegionId }).SingleAsync());
        var province = RegionCode.ProvinceOf(unitA.RegionId);
        var (from, to) = RegionCode.SubtreeRange(province);
        var ids = await app.Db(async db =>
        {
            var other = await db.BudgetUnits.Where(u => u.RegionId < from || u.RegionId > to).OrderBy(u => u.Id).Select(u => new { u.Id, u.RegionId }).FirstAsync();
            var pending = await db.Vendors.Where(v => v.Id != x.VendorId && v.Status == VendorStatus.Active && v.CountyId >= from && v.CountyId <= to).OrderBy(v => v.Id).FirstAsync();
            pending.Status = VendorStatus.Submitted;
            pending.CountyId = unitA.RegionId;
            var review = await db.Products.Where(p => p.VendorId == x.VendorId && p.Id != productId).OrderBy(p => p.Id).FirstAsync();
            review.Status = ProductStatus.PendingReview;
            var buyerId = await db.Users.Where(u => u.UserName == "buyer").Select(u => u.Id).SingleAsync();
            var refund = new Data.Entities.RefundRequest { OrderId = order.Id, AmountFen = 100, Reason = "少了两袋", Status = RefundStatus.Disputed, RequestedByUserId = buyerId, RequestedAt = DateTime.UtcNow };
            db.RefundRequests.Add(refund);
            await db.SaveChangesAsync();
            var filing = await db.QuotaFilings.Where(f => f.BudgetUnitId == unitA.Id).OrderByDescending(f => f.Year).Select(f => f.Id).FirstAsync();
            var cartItem = await db.CartItems.Where(c => c.UserId == buyerId).Select(c => c.Id).FirstAsync();
            return new Dictionary<string, string>
            {
                ["order"] = $"{order.Id}", ["product"] = $"{productId}", ["reviewProduct"] = $"{review.Id}", ["vendor"] = $"{x.VendorId}",
                ["pendingVendor"] = $"{pending.Id}", ["unit"] = $"{unitA.Id}", ["otherUnit"] = $"{other.Id}", ["refund"] = $"{refund.Id}",
                ["filing"] = $"{filing}", ["cartItem"] = $"{cartItem}", ["buyerUser"] = buyerId, ["province"] = $"{province}",
                ["otherProvince"] = $"{RegionCode.ProvinceOf(other.RegionId)}", ["unitRegion"] = $"{unitA.RegionId}",
            };
        });
        var otherUnitId = int.Parse(ids["otherUnit"]);
        var otherProvince = int.Parse(ids["otherProvince"]);
        await driver.UserAsync("buyer.other", Marketplace.Domain.Roles.Buyer, u => u.BudgetUnitId = otherUnitId);
        await driver.UserAsync("finance.unitcounty", Marketplace.Domain.Roles.FinanceBureau, u => u.RegionId = unitA.RegionId);
        await driver.UserAsync("finance.other", Marketplace.Domain.Roles.FinanceBureau, u => u.RegionId = otherProvince);
        var staff = await driver.UserAsync("vendor.staff", Marketplace.Domain.Roles.Vendor, u => u.VendorId = x.VendorId);
        ids["staffUser"] = await app.Db(db => db.Users.Where(u => u.UserName == staff).Select(u => u.Id).SingleAsync());

        var clients = new Dictionary<string, HttpClient>
        {
            ["anon"] = app.CreateBrowser(),
            ["buyerA"] = buyer,
            ["buyerParent"] = await app.SignedInAsync("buyer.parent"),
            ["buyerOther"] = await app.SignedInAsync("buyer.other"),
            ["vendorX"] = vendor,
            ["vendorY"] = await driver.OtherVendorAsync(),
            ["finCounty"] = await app.SignedInAsync("finance.unitcounty"),
            ["finProvince"] = await app.SignedInAsync("finance"),
            ["finOther"] = await app.SignedInAsync("finance.other"),
            ["admin"] = await app.SignedInAsync("admin"),
        };
        return (clients, ids);
    }
}
