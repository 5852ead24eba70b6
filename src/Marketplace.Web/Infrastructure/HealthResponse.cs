using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Web.Infrastructure;

public static class HealthResponse
{
    /// <summary>
    /// {"status":"Healthy","checks":{"database":{"status":"Healthy","ms":3}}} with 200, or 503 when unhealthy. The
    /// reason of a failure is shown only to a signed-in platform admin; everyone else gets the status alone.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var detailed = context.User.IsInRole(Marketplace.Domain.Roles.PlatformAdmin);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                ms = (long)e.Value.Duration.TotalMilliseconds,
                error = detailed ? e.Value.Exception?.Message ?? e.Value.Description : null,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
