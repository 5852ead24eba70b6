using Marketplace.Web.Features.Errors;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// A form body the server cannot read (multipart without its boundary, a truncated upload, a malformed encoding) is
/// answered with the bilingual 400 page before model binding, instead of reaching an action with empty arguments.
/// </summary>
public sealed class FormBodyFilter(IModelMetadataProvider metadata) : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        if (request.HasFormContentType && !HttpMethods.IsGet(request.Method))
        {
            try
            {
                await request.ReadFormAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                var tooLarge = e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
                context.Result = BilingualErrorResultFilter.ErrorView(context, metadata, tooLarge
                    ? BilingualErrorResultFilter.TooLarge
                    : BilingualErrorResultFilter.Unreadable);
                return;
            }
        }
        await next();
    }
}
