using Microsoft.Extensions.Caching.Memory;

namespace Marketplace.Web.Features.Account;

/// <summary>
/// Failed sign-ins per client address: after <see cref="MaxFailures"/> within <see cref="Window"/> an address is
/// answered "try again later" without any password being checked, so a client spraying passwords over many user
/// names is slowed long before it can lock anyone out. Kept per node (a sprayer spread over N nodes gets N times the
/// budget, still far below what account lockout allows); the account lockout in the database is the backstop.
/// </summary>
public sealed class SignInThrottle(IMemoryCache cache, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset Until;
    }

    private static string Key(string? address) => "signin-failures:" + (address ?? "unknown");

    public bool IsBlocked(string? address) =>
        cache.TryGetValue<Counter>(Key(address), out var c) && c!.Failures >= MaxFailures && c.Until > clock.GetUtcNow();

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
}
