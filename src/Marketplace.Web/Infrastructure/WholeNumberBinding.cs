using Marketplace.Domain;
using Marketplace.Web.Features.Errors;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Binds int and long (and their nullable forms) the way people type numbers: full-width digits and proper
/// thousands separators are accepted (５０, 1,000); anything else — letters, empty for a required number, a value out
/// of range — is a model error with the field's name, never a silent 0.
/// </summary>
public sealed class WholeNumberBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type == typeof(int) || type == typeof(long) ? new WholeNumberBinder(type, Nullable.GetUnderlyingType(context.Metadata.ModelType) is not null) : null;
    }
}

public sealed class WholeNumberBinder(Type type, bool nullable) : IModelBinder
{
    public const string BadNumbersKey = "mp:bad-numbers";

    public Task BindModelAsync(ModelBindingContext context)
    {
        var result = context.ValueProvider.GetValue(context.ModelName);
        if (result == ValueProviderResult.None) return Task.CompletedTask;
        context.ModelState.SetModelValue(context.ModelName, result);
        var text = result.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (nullable) context.Result = ModelBindingResult.Success(null);
            else Refuse(context, text, "不能为空", "is required");
            return Task.CompletedTask;
        }
        var (min, max) = type == typeof(int) ? ((long)int.MinValue, (long)int.MaxValue) : (long.MinValue, long.MaxValue);
        if (NumberText.TryParseWhole(text, min, max, out var value))
            context.Result = ModelBindingResult.Success(type == typeof(int) ? (object)(int)value : value);
        else Refuse(context, text, "须为整数", "must be a whole number");
        return Task.CompletedTask;
    }

    private static void Refuse(ModelBindingContext context, string? text, string zh, string en)
    {
        var name = context.ModelMetadata.Name ?? context.ModelName;
        var shown = text is null ? "" : text.Length > 20 ? text[..20] + "…" : text;
        context.ModelState.TryAddModelError(context.ModelName, $"{name}：“{shown}”{zh} / {name}: '{shown}' {en}.");
        var bad = context.HttpContext.Items[BadNumbersKey] as List<string> ?? [];
        bad.Add($"{name}：“{shown}”{zh}|{name}: '{shown}' {en}.");
        context.HttpContext.Items[BadNumbersKey] = bad;
        context.Result = ModelBindingResult.Failed();
    }
}

/// <summary>A form whose numbers cannot be read changes nothing: the action does not run, and the page says which field.</summary>
public sealed class BadNumberFilter(IModelMetadataProvider metadata) : IActionFilter
{
    public void OnActionExecuting(ActionExecutingContext context)
    {
        if (HttpMethods.IsGet(context.HttpContext.Request.Method) || HttpMethods.IsHead(context.HttpContext.Request.Method)) return;
        if (context.HttpContext.Items[WholeNumberBinder.BadNumbersKey] is not List<string> { Count: > 0 } bad) return;
        var parts = bad.Select(b => b.Split('|')).ToList();
        context.Result = BilingualErrorResultFilter.ErrorView(context, metadata, new ErrorViewModel(422, "数字无法识别", "Not a number",
            string.Join("；", parts.Select(p => p[0])) + "。未保存任何内容。", string.Join(" ", parts.Select(p => p[1])) + " Nothing was saved."));
    }

    public void OnActionExecuted(ActionExecutedContext context) { }
}
