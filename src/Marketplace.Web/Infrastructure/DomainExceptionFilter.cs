using Marketplace.Domain;
using Marketplace.Web.Features.Errors;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// A refused business rule becomes a 422 page (403 when the actor is out of scope) that names the reason in Chinese
/// and English. Nothing was stored: services check rules before they write, inside one transaction.
/// </summary>
public sealed class DomainExceptionFilter(IModelMetadataProvider metadata) : IExceptionFilter
{
    public void OnException(ExceptionContext context)
    {
        if (context.Exception is Features.Buying.NotFoundException)
        {
            context.Result = new Microsoft.AspNetCore.Mvc.NotFoundResult();
            context.ExceptionHandled = true;
            return;
        }
        if (context.Exception is InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // A body the form reader cannot parse (a multipart request without its boundary, a truncated upload).
            context.Result = BilingualErrorResultFilter.ErrorView(context, metadata, BilingualErrorResultFilter.Unreadable);
            context.ExceptionHandled = true;
            return;
        }
        if (context.Exception is not DomainException ex) return;
        var forbidden = ex is ForbiddenException;
        var model = new ErrorViewModel(forbidden ? 403 : 422,
            forbidden ? "无权操作" : "无法完成操作", forbidden ? "Forbidden" : "Request refused", ex.MessageZh, ex.MessageEn);
        context.Result = BilingualErrorResultFilter.ErrorView(context, metadata, model);
        context.ExceptionHandled = true;
    }
}
