using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Storefront;

[PublicCache]
public sealed class HomeController(StorefrontQueries queries) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Home);
        return View("Home", await queries.HomeAsync(ct));
    }
}

[PublicCache]
public sealed class CategoriesController(StorefrontQueries queries) : Controller
{
    [HttpGet("/categories/{id:int}")]
    public async Task<IActionResult> Show(int id, int? after, int? before, int? page, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Category(id));
        var model = await queries.CategoryAsync(id, PageRequest.From(after, before, page), ct);
        return model is null ? NotFound() : View("Category", model);
    }
}

[PublicCache]
public sealed class ProductsController(StorefrontQueries queries) : Controller
{
    [HttpGet("/products/{id:int}")]
    public async Task<IActionResult> Show(int id, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Product(id));
        var model = await queries.ProductAsync(id, ct);
        return model is null ? NotFound() : View("Product", model);
    }
}

[PublicCache]
public sealed class VendorsController(StorefrontQueries queries) : Controller
{
    [HttpGet("/vendors/{id:int}")]
    public async Task<IActionResult> Show(int id, int? after, int? before, int? page, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Vendor(id));
        var model = await queries.VendorAsync(id, PageRequest.From(after, before, page), ct);
        return model is null ? NotFound() : View("Vendor", model);
    }
}
