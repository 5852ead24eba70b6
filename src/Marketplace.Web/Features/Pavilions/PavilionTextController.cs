using Marketplace.Data;
using Marketplace.Data.Entities;
using Marketplace.Domain;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Pavilions;

public sealed record PavilionTextViewModel(int RegionId, string RegionName, string Description, DateTime? UpdatedAt, string? UpdatedBy, string? Error);

/// <summary>
/// /finance/pavilion: a finance bureau writes the short introduction of its own region's pavilion (plain text, at most
/// 500 characters). It is shown escaped, and the stored pavilion pages are evicted when it changes.
/// </summary>
[Authorize(Roles = Roles.FinanceBureau)]
public sealed class PavilionTextController(MarketplaceDbContext db, RegionDirectory regions, IOutputCacheStore pages, TimeProvider clock) : Controller
{
    [HttpGet("/finance/pavilion")]
    public async Task<IActionResult> Edit(CancellationToken ct)
    {
        var region = User.RequireRegionId();
        var text = await db.PavilionTexts.AsNoTracking().FirstOrDefaultAsync(t => t.RegionId == region, ct);
        return View("Edit", new PavilionTextViewModel(region, regions.PathOf(region), text?.Description ?? "", text?.UpdatedAt, text?.UpdatedBy, null));
    }

    [HttpPost("/finance/pavilion")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Save([FromForm] string? description, CancellationToken ct)
    {
        var region = User.RequireRegionId();
        var clean = Clean(description);
        if (clean.Length > PavilionText.MaxLength)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return View("Edit", new PavilionTextViewModel(region, regions.PathOf(region), clean, null, null,
                $"介绍最多{PavilionText.MaxLength}字，现有{clean.Length}字 / The introduction may have at most {PavilionText.MaxLength} characters; it has {clean.Length}."));
        }
        var actor = User.ToActor();
        var now = clock.GetUtcNow().UtcDateTime;
        var text = await db.PavilionTexts.FirstOrDefaultAsync(t => t.RegionId == region, ct);
        if (text is null) db.PavilionTexts.Add(text = new PavilionText { RegionId = region, Description = clean, UpdatedBy = actor.Name, UpdatedAt = now });
        else (text.Description, text.UpdatedBy, text.UpdatedAt) = (clean, actor.Name, now);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, ActorUserId = actor.UserId, ActorName = actor.Name, ActorRole = actor.Role, Action = "PavilionText",
            Target = $"region:{region}", Details = clean.Length > 200 ? clean[..200] : clean, IpAddress = HttpContext.Connection.RemoteIpAddress?.ToString(),
        });
        await db.SaveChangesAsync(ct);
        await pages.EvictByTagAsync(PublicPageTags.Pavilions, ct);
        return Redirect("/finance/pavilion");
    }

    /// <summary>Plain text: control characters other than line breaks dropped, line breaks unified, trimmed.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
            if (c == '\n' || !char.IsControl(c)) sb.Append(c);
        return sb.ToString().Trim();
    }
}
