using System.Globalization;
using System.Security.Cryptography;
using Marketplace.Data;
using Marketplace.Search;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Infrastructure;

/// <summary>Configuration of the server-side cache of public pages (section <c>OutputCache</c>).</summary>
public sealed record PublicPageCacheOptions(bool Enabled, TimeSpan Duration, long SizeLimitBytes)
{
    public static PublicPageCacheOptions Read(IConfiguration config) => new(
        config.GetValue("OutputCache:Enabled", true),
        TimeSpan.FromSeconds(Math.Clamp(config.GetValue("OutputCache:Seconds", 60), 1, 3600)),
        Math.Clamp(config.GetValue("OutputCache:SizeLimitMB", 128), 1, 4096) * 1024L * 1024L);
}

/// <summary>
/// Which public pages the server keeps rendered, and for whom. Only pages marked <see cref="PublicCacheAttribute"/>,
/// only GET, only for anonymous visitors (a signed-in visitor's page has their name and a sign-out token in it), keyed
/// by path, every query parameter and the request's UI culture. A response is stored only when it is a 200 that sets
/// no cookie. Pages carry tags (<see cref="PublicPageTags"/>) by which the change feed evicts them.
/// </summary>
public sealed class PublicPagePolicy(PublicPageCacheOptions options) : IOutputCachePolicy
{
    public const string AllTag = "public";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var marker = http.GetEndpoint()?.Metadata.GetMetadata<PublicCacheAttribute>();
        var marked = marker is not null;
        var cacheable = options.Enabled && marked && HttpMethods.IsGet(http.Request.Method)
                        && http.User.Identity?.IsAuthenticated != true && !http.Request.Headers.Authorization.Any();
        context.EnableOutputCaching = cacheable;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true; // one render per key at a time; the others wait for it
        if (!cacheable) return ValueTask.CompletedTask;
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.VaryByValues["culture"] = CultureInfo.CurrentUICulture.Name;
        if (marker!.VariesWithSearchIndex)
            context.CacheVaryByRules.VaryByValues["index"] =
                http.RequestServices.GetRequiredService<PublicPageEvictor>().IndexPosition.ToString(CultureInfo.InvariantCulture);
        context.ResponseExpirationTimeSpan = options.Duration;
        context.Tags.Add(AllTag);
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken ct) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken ct)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0)
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The tags a public page is stored under, so that a change to a product evicts exactly the pages showing it.</summary>
public static class PublicPageTags
{
    public const string Home = "home";
    public const string Search = "search";
    public const string Pavilions = "pavilions";
    public const string Progress = "progress";
    public static string Product(int id) => "product:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Category(int id) => "category:" + id.ToString(CultureInfo.InvariantCulture);
    public static string Vendor(int id) => "vendor:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Tags the page being rendered (a no-op when the request is not being cached).</summary>
    public static void Tag(this HttpContext http, params string[] tags)
    {
        if (http.Features.Get<IOutputCacheFeature>()?.Context is not { EnableOutputCaching: true } context) return;
        foreach (var tag in tags) context.Tags.Add(tag);
    }
}

/// <summary>
/// Follows the product change feed behind this node's search index and evicts the cached pages a change shows up on:
/// the product's page, its category's and vendor's pages, the home page and every search page (a search result may
/// move with any product). Eviction waits for the index to have applied the change, so a search page rendered after
/// eviction already finds the new state. Each node evicts its own memory cache; a new node starts with an empty one.
/// </summary>
public sealed class PublicPageEvictor(IOutputCacheStore store, ISearchIndex index, ILogger<PublicPageEvictor> logger)
{
    /// <summary>More changes than this in one round evict every public page rather than page by page.</summary>
    public const int MaxTargeted = 2_000;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _evictedUpTo; // from the start of the feed: the first round finds many changes and evicts everything, cheaply

    /// <summary>The feed position this node's index answers from, as of the last round (search pages are keyed by it).</summary>
    public long IndexPosition => Volatile.Read(ref _evictedUpTo);

    public async Task EvictChangedAsync(MarketplaceDbContext db, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var upTo = await index.GetFeedCursorAsync(ct);
            if (upTo <= _evictedUpTo) return;
            var from = _evictedUpTo;
            var changed = await db.ProductChanges.AsNoTracking().Where(c => c.Id > from && c.Id <= upTo)
                .Select(c => c.ProductId).Distinct().OrderBy(id => id).Take(MaxTargeted + 1).ToListAsync(ct);
            if (changed.Count > MaxTargeted)
            {
                await store.EvictByTagAsync(PublicPagePolicy.AllTag, ct);
            }
            else
            {
                var products = await db.Products.AsNoTracking().Where(p => changed.Contains(p.Id))
                    .Select(p => new { p.Id, p.CategoryId, p.VendorId }).ToListAsync(ct);
                var tags = new HashSet<string> { PublicPageTags.Home, PublicPageTags.Search, PublicPageTags.Pavilions };
                foreach (var id in changed) tags.Add(PublicPageTags.Product(id));
                foreach (var p in products)
                {
                    tags.Add(PublicPageTags.Category(p.CategoryId));
                    tags.Add(PublicPageTags.Vendor(p.VendorId));
                }
                foreach (var tag in tags) await store.EvictByTagAsync(tag, ct);
            }
            logger.LogDebug("Public page cache: evicted pages of {Products} changed products", changed.Count);
            Volatile.Write(ref _evictedUpTo, upTo);
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>
/// Strong validators for public pages: an ETag from the rendered bytes, so a browser or CDN revalidating after
/// max-age gets a 304 without a body. Cached copies keep the ETag, and the output cache answers If-None-Match itself.
/// </summary>
public sealed class PublicPageETagMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        // A signed-in visitor's page carries a fresh anti-forgery token each time: an ETag would never match.
        if (!HttpMethods.IsGet(http.Request.Method) || http.User.Identity?.IsAuthenticated == true
            || http.GetEndpoint()?.Metadata.GetMetadata<PublicCacheAttribute>() is null)
        {
            await next(http);
            return;
        }
        var body = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = body;
        }
        if (http.Response.StatusCode == StatusCodes.Status200OK && http.Response.Headers.SetCookie.Count == 0)
        {
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), 0, 16).ToLowerInvariant() + "\"";
            http.Response.Headers.ETag = etag;
            if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                http.Response.ContentLength = null;
                return;
            }
        }
        if (buffer.Length == 0) return; // e.g. a bare 404, which the status-code pages then render
        if (http.Response.StatusCode == StatusCodes.Status200OK) http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(body, http.RequestAborted);
    }
}
