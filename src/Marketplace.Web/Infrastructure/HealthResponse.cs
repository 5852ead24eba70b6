using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Web.Infrastructure;

public static class HealthResponse
{
    /// <summary>{"status":"Healthy","checks":{"database":{"status":"Healthy","ms":3}}} with 200, or 503 when unhealthy.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                ms = (long)e.Value.Duration.TotalMilliseconds,
                error = e.Value.Exception?.Message,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
