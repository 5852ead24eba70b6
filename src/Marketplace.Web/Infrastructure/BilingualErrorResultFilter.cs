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
public sealed class BilingualErrorResultFilter(IModelMetadataProvider metadata) : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult) return;
        context.Result = ErrorView(context, metadata, ErrorViewModel.AntiforgeryFailed);
    }

    public void OnResultExecuted(ResultExecutedContext context) { }

    public static ViewResult ErrorView(FilterContext context, IModelMetadataProvider metadata, ErrorViewModel model) => new()
    {
        ViewName = "Error",
        StatusCode = model.StatusCode,
        ViewData = new ViewDataDictionary(metadata, context.ModelState) { Model = model with { RequestId = context.HttpContext.TraceIdentifier } },
    };
}
