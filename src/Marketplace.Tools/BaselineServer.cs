using System.Net;
using System.Text;
using Marketplace.Data;
using Marketplace.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Tools;

/// <summary>
/// <c>baseline-server</c>: the thinnest MVC + EF Core page that lists the same 20 products as the marketplace's category
/// page, over the same database: no layout, no localisation, no authentication, no cache. Load it and the marketplace
/// in the same session with the same load command; the ratio between them is the figure (the machine cancels out).
/// Loopback only.
/// </summary>
public static class BaselineServer
{
    public static async Task<int> RunAsync(DatabaseOptions database, Dictionary<string, string> o)
    {
        var url = new Uri(o.GetValueOrDefault("url") ?? "http://127.0.0.1:5099");
        if (!LoadCommand.IsLoopback(url)) throw new ArgumentException($"--url must be a loopback address; got {url.Host}.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url.ToString());
        builder.Services.AddMarketplaceData(database);
        builder.Services.AddControllers().AddApplicationPart(typeof(BaselineServer).Assembly);
        var app = builder.Build();
        app.MapControllers();
        Console.WriteLine($"baseline: GET {url}categories/{{id}}?after={{id}} · the newest 20 listed products of a category · Ctrl+C to stop");
        await app.RunAsync();
        return 0;
    }
}

[ApiController]
public sealed class BaselineController(MarketplaceDbContext db) : ControllerBase
{
    [HttpGet("/categories/{id:int}")]
    public async Task<ContentResult> Category(int id, int? after, CancellationToken ct)
    {
        var q = db.Products.AsNoTracking().Where(p => p.CategoryId == id && p.Status == ProductStatus.Listed);
        if (after is { } a) q = q.Where(p => p.Id < a);
        var rows = await q.OrderByDescending(p => p.Id).Select(p => new { p.Id, p.Name, p.PriceFen }).Take(20).ToListAsync(ct);
        var html = new StringBuilder("<!DOCTYPE html><html><body><ul>");
        foreach (var r in rows)
            html.Append("<li><a href=\"/products/").Append(r.Id).Append("\">").Append(WebUtility.HtmlEncode(r.Name)).Append("</a> ")
                .Append(new Money(r.PriceFen)).Append("</li>");
        return Content(html.Append("</ul></body></html>").ToString(), "text/html; charset=utf-8");
    }
}
