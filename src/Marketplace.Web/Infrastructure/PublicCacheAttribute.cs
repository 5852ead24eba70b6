using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Marks a public page as cacheable by browsers and shared caches for anonymous visitors. Signed-in visitors see
/// their name in the header, so for them the page is private. The language comes from a cookie, hence Vary.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class PublicCacheAttribute(int seconds = 60) : ActionFilterAttribute
{
    /// <summary>
    /// The page shows search results: its stored copies are kept per position of this node's search index, so that a
    /// page rendered from the index just before it moved is never served after (as Elasticsearch's request cache is
    /// keyed by the reader it answered from).
    /// </summary>
    public bool VariesWithSearchIndex { get; init; }

    public override void OnResultExecuting(ResultExecutingContext context)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK) return;
        response.Headers.CacheControl = context.HttpContext.User.Identity?.IsAuthenticated == true
            ? "private, no-cache"
            : seconds > 0 ? $"public, max-age={seconds}" : "public, max-age=0, must-revalidate";
        response.Headers.Vary = "Cookie";
    }
}
