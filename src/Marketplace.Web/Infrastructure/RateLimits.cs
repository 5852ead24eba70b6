using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Request budgets (configuration section <c>RateLimits</c>), enforced by ASP.NET Core's rate limiter. Each is per client
/// address (uploads: per signed-in user) and per node; behind a reverse proxy the address is the forwarded one
/// (<c>ReverseProxy:KnownProxies</c>). A load run on loopback raises them (README, performance).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Sign-in attempts (right or wrong) from one address per minute.</summary>
    public int SignInsPerMinute { get; set; } = 10;
    /// <summary>Sign-in attempts for one user name, from anywhere, per 15 minutes (checked by the sign-in action).</summary>
    public int SignInsPerUserNamePer15Minutes { get; set; } = 10;
    /// <summary>Vendor registrations (and invitation redemptions) from one address per hour.</summary>
    public int RegistrationsPerHour { get; set; } = 5;
    /// <summary>Searches from one address per minute: generous, a person never reaches it; a scraper does.</summary>
    public int SearchesPerMinute { get; set; } = 300;
    /// <summary>Uploads and imports (photos, invoices, bank statements, unit spreadsheets) per user per minute.</summary>
    public int UploadsPerMinute { get; set; } = 20;

    public const string SignIn = "signin";
    public const string Registration = "registration";
    public const string Search = "search";
    public const string Upload = "upload";

    public static RateLimitOptions Read(IConfiguration config) => config.GetSection("RateLimits").Get<RateLimitOptions>() ?? new();
}

public static class RateLimitSetup
{
    public static IServiceCollection AddMarketplaceRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        services.AddSingleton(limits);
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The status-code pages re-execute /error/429: the bilingual page, with when to come back.
            o.OnRejected = (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RateLimits")
                    .LogWarning("Rate limit reached on {Path} by {Address}", context.HttpContext.Request.Path, ClientAddress(context.HttpContext));
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(RateLimitOptions.SignIn, http => Window(ClientAddress(http), limits.SignInsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimitOptions.Registration, http => Window(ClientAddress(http), limits.RegistrationsPerHour, TimeSpan.FromHours(1)));
            o.AddPolicy(RateLimitOptions.Search, http => Window(ClientAddress(http), limits.SearchesPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimitOptions.Upload, http =>
                Window(http.User.Identity?.IsAuthenticated == true ? "user:" + http.User.Identity.Name : ClientAddress(http), limits.UploadsPerMinute, TimeSpan.FromMinutes(1)));
        });
    }

    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A sliding window in six segments: a burst at the boundary of two windows cannot double the budget.</summary>
    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits), Window = window, SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = true,
        });
}
