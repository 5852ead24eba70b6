using Marketplace.Domain;
using Marketplace.Domain.Orders;
using Marketplace.Web.Features.Buying;
using Marketplace.Web.Infrastructure;
using Marketplace.Web.Infrastructure.Images;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Refunds;

public sealed record RefundListViewModel(IReadOnlyList<RefundView> Refunds, RefundStatus? Status, bool Arbitration);

public sealed class RefundsController(RefundService refunds, InvoiceStore documents) : Controller
{
    /// <summary>The buyer asks for (part of) the money back, with a reason and up to four photos.</summary>
    [HttpPost("/orders/{id:long}/refunds")]
    [Authorize(Roles = Roles.Buyer)]
    [RequestSizeLimit(RefundService.MaxPhotos * 11L * 1024 * 1024)]
    public async Task<IActionResult> Ask(long id, string? amount, string? reason, List<IFormFile>? photos, CancellationToken ct)
    {
        await refunds.EnsureOrderVisibleAsync(User.ToActor(), id, ct);
        if (!Money.TryParseYuan(amount, out var money)) throw new DomainException("退款金额格式不正确（元，最多两位小数）", "The refund amount must be yuan with at most two decimals.");
        var files = photos?.Where(f => f.Length > 0).ToList() ?? [];
        if (files.Count > RefundService.MaxPhotos) throw new DomainException($"最多上传{RefundService.MaxPhotos}张照片", $"At most {RefundService.MaxPhotos} photos.");
        var contents = new List<byte[]>();
        foreach (var f in files)
        {
            if (f.Length > InvoiceStore.MaxBytes) throw new ImageRejectedException("照片不能超过10MB", "A photo may be at most 10 MB.");
            using var buffer = new MemoryStream();
            await f.CopyToAsync(buffer, ct);
            contents.Add(buffer.ToArray());
        }
        // The service checks who asks and what first; it stores the photos last, in the same all-or-nothing step.
        await refunds.RequestAsync(User.ToActor(), id, money, reason, contents, documents, ct);
        return Redirect($"/orders/{id}#refunds");
    }

    [HttpPost("/refunds/{id:long}/decide")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> Decide(long id, bool approve, string? note, long orderId, CancellationToken ct)
    {
        await refunds.DecideAsync(User.ToActor(), id, approve, note, ct);
        return Redirect(orderId > 0 ? $"/orders/{orderId}#refunds" : "/vendor/refunds");
    }

    [HttpPost("/refunds/{id:long}/arbitrate")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> Arbitrate(long id, bool approve, string? note, CancellationToken ct)
    {
        await refunds.ArbitrateAsync(User.ToActor(), id, approve, note, ct);
        return Redirect("/admin/refunds");
    }

    [HttpPost("/refunds/{id:long}/transfer")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> RecordTransfer(long id, string? reference, long orderId, CancellationToken ct)
    {
        await refunds.RecordTransferAsync(User.ToActor(), id, reference, ct);
        return Redirect(orderId > 0 ? $"/orders/{orderId}#refunds" : "/vendor/refunds");
    }

    /// <summary>A photo of a refund request, for the order's unit, its vendor and the platform.</summary>
    [HttpGet("/refunds/{id:long}/photos/{n:int}")]
    [Authorize(Roles = Roles.Buyer + "," + Roles.Vendor + "," + Roles.PlatformAdmin)]
    public async Task<IActionResult> Photo(long id, int n, CancellationToken ct)
    {
        var refund = (await refunds.ListAsync(User.ToActor(), null, ct, id)).FirstOrDefault();
        if (refund is null || n < 0 || n >= refund.Photos.Count || await documents.OpenAsync(refund.Photos[n], ct) is not { } file) return NotFound();
        Response.Headers.CacheControl = "private, no-store";
        return File(file.Stream, file.ContentType);
    }

    [HttpGet("/vendor/refunds")]
    [Authorize(Roles = Roles.Vendor)]
    public async Task<IActionResult> VendorList(RefundStatus? status, CancellationToken ct) =>
        View("Refunds", new RefundListViewModel(await refunds.ListAsync(User.ToActor(), status, ct), status, false));

    [HttpGet("/admin/refunds")]
    [Authorize(Roles = Roles.PlatformAdmin)]
    public async Task<IActionResult> AdminList(RefundStatus? status, bool all, CancellationToken ct)
    {
        var s = all ? status : status ?? RefundStatus.Disputed;
        return View("Refunds", new RefundListViewModel(await refunds.ListAsync(User.ToActor(), s, ct), s, true));
    }
}
