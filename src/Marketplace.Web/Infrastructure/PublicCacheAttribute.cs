using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Marks a public page as cacheable by browsers and shared caches for anonymous visitors. Signed-in visitors see
/// their name in the header, so for them the page is private. The language comes from a cookie, hence Vary.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class PublicCacheAttribute(int seconds = 60) : ActionFilterAttribute
{
    public override void OnResultExecuting(ResultExecutingContext context)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK) return;
        response.Headers.CacheControl = context.HttpContext.User.Identity?.IsAuthenticated == true
            ? "private, no-cache"
            : $"public, max-age={seconds}";
        response.Headers.Vary = "Cookie";
    }
}
