namespace Marketplace.Web.Features.Errors;

/// <summary>An error page always states the reason in both Chinese and English, whatever the UI language.</summary>
public sealed record ErrorViewModel(int StatusCode, string TitleZh, string TitleEn, string ReasonZh, string ReasonEn)
{
    public string? RequestId { get; init; }

    public static ErrorViewModel For(int statusCode) => statusCode switch
    {
        400 => new(400, "请求有误", "Bad request", "请求内容不完整或格式不正确。", "The request is incomplete or malformed."),
        403 => new(403, "无权访问", "Forbidden", "您的账号无权查看或操作此内容。", "Your account may not see or change this."),
        404 => new(404, "页面不存在", "Not found", "您要找的页面或商品不存在，或已下架。", "The page or product does not exist or is no longer listed."),
        405 => new(405, "请求方式不允许", "Method not allowed", "此地址不接受该请求方式。", "This address does not accept that request method."),
        422 => new(422, "无法处理的输入", "Unprocessable input", "提交的数据未通过校验。", "The submitted data did not pass validation."),
        429 => new(429, "请求过于频繁", "Too many requests", "请稍后再试。", "Please try again later."),
        _ when statusCode >= 500 => new(statusCode, "服务器错误", "Server error", "服务器处理请求时出错，请稍后重试。", "The server failed to handle the request; please try again later."),
        _ => new(statusCode, "请求未完成", "Request not completed", "请求未能完成。", "The request could not be completed."),
    };

    public static readonly ErrorViewModel AntiforgeryFailed = new(400, "表单已失效", "Form expired",
        "表单缺少防伪令牌或已过期，请刷新页面后重新提交。", "The form is missing its anti-forgery token or has expired; reload the page and submit again.");
}
