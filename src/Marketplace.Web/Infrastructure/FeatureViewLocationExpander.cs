using Microsoft.AspNetCore.Mvc.Razor;

namespace Marketplace.Web.Infrastructure;

/// <summary>Views live beside their controller: Features/{Feature}/Views/{View}.cshtml.</summary>
public sealed class FeatureViewLocationExpander : IViewLocationExpander
{
    public void PopulateValues(ViewLocationExpanderContext context)
    {
        if (context.ActionContext.ActionDescriptor is Microsoft.AspNetCore.Mvc.Controllers.ControllerActionDescriptor action)
            context.Values["feature"] = FeatureOf(action.ControllerTypeInfo);
    }

    public IEnumerable<string> ExpandViewLocations(ViewLocationExpanderContext context, IEnumerable<string> viewLocations)
    {
        if (context.Values.TryGetValue("feature", out var feature) && feature is not null)
            yield return "/Features/" + feature + "/Views/{0}.cshtml";
        yield return "/Features/Shared/Views/{0}.cshtml";
    }

    /// <summary>Marketplace.Web.Features.Storefront.ProductsController → "Storefront".</summary>
    private static string? FeatureOf(Type controller)
    {
        var parts = controller.Namespace?.Split('.') ?? [];
        var i = Array.IndexOf(parts, "Features");
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : null;
    }
}
