using Marketplace.Web.Features.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Turns a failed anti-forgery check (which MVC answers with an empty 400) into the bilingual error page, so a
/// person whose form expired learns why.
/// </summary>
public sealed class BilingualErrorResultFilter(IModelMetadataProvider metadata) : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
            // The token may be fine but unreadable: a form with a field over the length limit cannot be read at all.
            context.Result = ErrorView(context, metadata, await FormTooLargeAsync(context.HttpContext) ? TooLarge : ErrorViewModel.AntiforgeryFailed);
        await next();
    }

    public static readonly ErrorViewModel Unreadable = new(400, "请求格式无效", "Bad request",
        "提交的表单无法读取，请重新提交。", "The submitted form could not be read; please submit it again.");

    public static readonly ErrorViewModel TooLarge = new(400, "提交内容过长", "Too large",
        "表单中有内容超过长度上限，请缩短后重新提交。", "A field of the form is longer than allowed; shorten it and submit again.");

    private static async Task<bool> FormTooLargeAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return false;
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
            return false;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
        }
    }

    public static ViewResult ErrorView(FilterContext context, IModelMetadataProvider metadata, ErrorViewModel model) => new()
    {
        ViewName = "Error",
        StatusCode = model.StatusCode,
        ViewData = new ViewDataDictionary(metadata, context.ModelState) { Model = model with { RequestId = context.HttpContext.TraceIdentifier } },
    };
}
