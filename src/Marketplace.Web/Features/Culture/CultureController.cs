using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Culture;

/// <summary>The language switch. A GET link so that it works on cached public pages; it only sets a preference cookie.</summary>
public sealed class CultureController : Controller
{
    [HttpGet("/culture/{culture}")]
    public IActionResult Set(string culture, string? returnUrl)
    {
        var name = culture switch { "en" => "en", "zh-CN" or "zh" => "zh-CN", _ => null };
        if (name is null) return BadRequest();
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(name)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
