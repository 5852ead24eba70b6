using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Infrastructure.Images;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Catalog;

/// <summary>卖家中心: a vendor's dashboard and products. Everything is scoped to the signed-in user's vendor.</summary>
[Authorize(Roles = Roles.Vendor)]
[Route("vendor")]
public sealed class VendorPortalController(CatalogService catalog) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Dashboard(CancellationToken ct) =>
        View("Dashboard", await catalog.DashboardAsync(User.RequireVendorId(), ct));

    [HttpGet("products")]
    public async Task<IActionResult> Products(ProductStatus? status, int? after, CancellationToken ct) =>
        View("Products", await catalog.ListAsync(User.RequireVendorId(), status, after, ct));

    [HttpGet("products/new")]
    public async Task<IActionResult> New(CancellationToken ct) => View("Form", await catalog.NewFormAsync(User.RequireVendorId(), ct));

    [HttpPost("products/new")]
    public async Task<IActionResult> Create(ProductForm form, CancellationToken ct)
    {
        var vendorId = User.RequireVendorId();
        var (id, errors) = await catalog.CreateAsync(User.ToActor(), vendorId, form, ct);
        if (id is not null) return Redirect($"/vendor/products/{id}");
        var model = await catalog.NewFormAsync(vendorId, ct) with { Form = form };
        return Invalid(model, errors);
    }

    [HttpGet("products/{id:int}")]
    public async Task<IActionResult> Edit(int id, CancellationToken ct)
    {
        var model = await catalog.EditFormAsync(User.RequireVendorId(), id, null, ct);
        return model is null ? NotFound() : View("Form", model);
    }

    [HttpPost("products/{id:int}")]
    public async Task<IActionResult> Update(int id, ProductForm form, CancellationToken ct)
    {
        var vendorId = User.RequireVendorId();
        var errors = await catalog.UpdateAsync(User.ToActor(), vendorId, id, form, ct);
        if (errors is null) return NotFound();
        if (errors.Count == 0) return Redirect($"/vendor/products/{id}");
        return Invalid((await catalog.EditFormAsync(vendorId, id, form, ct))!, errors);
    }

    [HttpPost("products/{id:int}/{command:regex(^(SubmitForReview|TakeOffShelf|PutOnShelf)$)}")]
    public async Task<IActionResult> Act(int id, ProductAction command, CancellationToken ct) =>
        await catalog.VendorActAsync(User.ToActor(), User.RequireVendorId(), id, command, ct) ? Redirect($"/vendor/products/{id}") : NotFound();

    /// <summary>Up to 8 photos of at most 10 MB each; the request limit leaves room for the form around them.</summary>
    [HttpPost("products/{id:int}/photos")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Upload)]
    [RequestSizeLimit(90 * 1024 * 1024)]
    [RequestFormLimits(MultipartBodyLengthLimit = 90 * 1024 * 1024)]
    public async Task<IActionResult> Upload(int id, List<IFormFile>? photos, CancellationToken ct)
    {
        if (!Request.HasFormContentType || photos is null)
            throw new DomainException("请选择要上传的图片", "Choose the photos to upload.");
        var files = new List<(string, byte[])>();
        foreach (var file in photos)
        {
            if (file.Length > 10 * 1024 * 1024 + 1)
                throw new ImageRejectedException($"“{file.FileName}”：图片不能超过10MB", $"'{file.FileName}': the image may be at most 10 MB.");
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            files.Add((Path.GetFileName(file.FileName), buffer.ToArray()));
        }
        return await catalog.AddPhotosAsync(User.ToActor(), User.RequireVendorId(), id, files, ct) ? Redirect($"/vendor/products/{id}") : NotFound();
    }

    [HttpPost("products/{id:int}/photos/{photoId:int}/delete")]
    public async Task<IActionResult> DeletePhoto(int id, int photoId, CancellationToken ct) =>
        await catalog.DeletePhotoAsync(User.ToActor(), User.RequireVendorId(), id, photoId, ct) ? Redirect($"/vendor/products/{id}") : NotFound();

    private ViewResult Invalid(ProductFormViewModel model, Dictionary<string, string> errors)
    {
        foreach (var (field, message) in errors) ModelState.AddModelError(field, message);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Form", model);
    }
}

/// <summary>商品审核: the platform's queue of products waiting for review.</summary>
[Authorize(Roles = Roles.PlatformAdmin)]
[Route("admin/products")]
public sealed class ProductReviewController(CatalogService catalog) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Queue(ProductStatus? status, int? category, int? after, CancellationToken ct) =>
        View("ReviewQueue", await catalog.ReviewQueueAsync(status ?? ProductStatus.PendingReview, category, after, ct));

    [HttpPost("{id:int}/{command:regex(^(Approve|Reject)$)}")]
    public async Task<IActionResult> Review(int id, ProductAction command, string? reason, string? returnUrl, CancellationToken ct)
    {
        if (!await catalog.ReviewAsync(User.ToActor(), id, command, reason, ct)) return NotFound();
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/admin/products");
    }
}

/// <summary>Photo renditions. Keys are random and never reused, so a rendition can be cached for a year.</summary>
public sealed class ImagesController(IImageStore store) : Controller
{
    [HttpGet("/images/{key:length(32)}/{size:regex(^(thumb|listing|detail)$)}.webp")]
    public async Task<IActionResult> Show(string key, string size, CancellationToken ct)
    {
        var stream = await store.OpenReadAsync(key, Enum.Parse<ImageSize>(size, ignoreCase: true), ct);
        if (stream is null) return NotFound();
        Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return File(stream, "image/webp");
    }
}
