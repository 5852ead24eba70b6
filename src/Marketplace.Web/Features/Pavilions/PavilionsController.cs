using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Pavilions;

/// <summary>/pavilions and /pavilions/{regionCode}: the storefront by place, public and cacheable.</summary>
[PublicCache]
public sealed class PavilionsController(PavilionQueries queries) : Controller
{
    [HttpGet("/pavilions")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Pavilions);
        return View("Index", await queries.IndexAsync(ct));
    }

    [HttpGet("/pavilions/{code:int}")]
    public async Task<IActionResult> Show(int code, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Pavilions);
        var model = await queries.PavilionAsync(code, ct);
        return model is null ? NotFound() : View("Pavilion", model);
    }
}
