using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Errors;

[AllowAnonymous]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorController : Controller
{
    // Re-executed by the status-code and exception middleware for any method, so no [HttpGet] here.
    [Route("/error/{code:int}")]
    [IgnoreAntiforgeryToken]
    public IActionResult Show(int code)
    {
        // Only error codes are pages here; /error/200 and the like are simply not found.
        var status = code is >= 400 and <= 599 ? code : 404;
        Response.StatusCode = status;
        Response.Headers.CacheControl = "no-store";
        return View("Error", ErrorViewModel.For(status) with { RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier });
    }
}
