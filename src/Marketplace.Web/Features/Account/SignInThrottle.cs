using System.Threading.RateLimiting;
using Marketplace.Web.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace Marketplace.Web.Features.Account;

/// <summary>
/// Sign-in budgets on top of the per-address request limit (<see cref="RateLimitOptions.SignIn"/>, enforced by the
/// rate-limiting middleware): failed sign-ins per client address — after <see cref="MaxFailures"/> within
/// <see cref="Window"/> an address is answered "try again later" without any password being checked, so a client
/// spraying passwords over many user names is slowed long before it can lock anyone out — and attempts per user name
/// from anywhere (a sliding window of the built-in rate limiter), so a botnet trying one account from many addresses is
/// slowed too. Kept per node (a sprayer spread over N nodes gets N times the budget, still far below what account
/// lockout allows); the account lockout in the database is the backstop.
/// </summary>
public sealed class SignInThrottle(IMemoryCache cache, TimeProvider clock, RateLimitOptions limits) : IDisposable
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan UserNameWindow = TimeSpan.FromMinutes(15);

    private readonly PartitionedRateLimiter<string> perUserName = PartitionedRateLimiter.Create<string, string>(name =>
        RateLimitPartition.GetSlidingWindowLimiter(name, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limits.SignInsPerUserNamePer15Minutes), Window = UserNameWindow, SegmentsPerWindow = 15,
            QueueLimit = 0, AutoReplenishment = true,
        }), StringComparer.OrdinalIgnoreCase);

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset Until;
    }

    private static string Key(string? address) => "signin-failures:" + (address ?? "unknown");

    public bool IsBlocked(string? address) =>
        cache.TryGetValue<Counter>(Key(address), out var c) && c!.Failures >= MaxFailures && c.Until > clock.GetUtcNow();

    /// <summary>Takes one attempt from the user name's budget; false (and when to retry) once it is spent.</summary>
    public bool TryAttempt(string userName, out TimeSpan retryAfter)
    {
        using var lease = perUserName.AttemptAcquire(userName.Trim());
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Failed(string? address)
    {
        var now = clock.GetUtcNow();
        var counter = cache.GetOrCreate(Key(address), e =>
        {
            e.AbsoluteExpirationRelativeToNow = Window;
            return new Counter { Until = now + Window };
        })!;
        Interlocked.Increment(ref counter.Failures);
    }

    public void Dispose() => perUserName.Dispose();
}
