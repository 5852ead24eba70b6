using Marketplace.Data;

namespace Marketplace.Integration.Tests;

public class JobLeaseTests
{
    [Fact]
    public async Task One_holder_at_a_time_until_the_lease_expires_or_is_released()
    {
        using var temp = new TempSqlite();
        var (db, _) = await temp.MigratedWithReferenceDataAsync();
        await using var _db = db;
        await using var other = temp.NewContext();
        var t0 = new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
        var ttl = TimeSpan.FromSeconds(30);

        Assert.True(await JobLeases.TryAcquireAsync(db, "jobs", "node-a", ttl, t0, default));
        Assert.False(await JobLeases.TryAcquireAsync(other, "jobs", "node-b", ttl, t0.AddSeconds(10), default));
        Assert.True(await JobLeases.TryAcquireAsync(db, "jobs", "node-a", ttl, t0.AddSeconds(20), default));    // renewal
        Assert.False(await JobLeases.TryAcquireAsync(other, "jobs", "node-b", ttl, t0.AddSeconds(45), default)); // renewed until 50 s
        Assert.True(await JobLeases.TryAcquireAsync(other, "jobs", "node-b", ttl, t0.AddSeconds(51), default));  // expired: taken over
        Assert.False(await JobLeases.TryAcquireAsync(db, "jobs", "node-a", ttl, t0.AddSeconds(52), default));
        await JobLeases.ReleaseAsync(other, "jobs", "node-b", default);
        Assert.True(await JobLeases.TryAcquireAsync(db, "jobs", "node-a", ttl, t0.AddSeconds(53), default));
        Assert.True(await JobLeases.TryAcquireAsync(other, "other-job", "node-b", ttl, t0.AddSeconds(53), default)); // leases are per job
    }

    [Fact]
    public async Task Concurrent_first_takes_have_one_winner()
    {
        using var temp = new TempSqlite();
        var (db, _) = await temp.MigratedWithReferenceDataAsync();
        await db.DisposeAsync();
        var now = DateTime.UtcNow;
        var wins = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using var ctx = temp.NewContext();
            return await JobLeases.TryAcquireAsync(ctx, "race", $"node-{i}", TimeSpan.FromMinutes(1), now, default);
        }));
        Assert.Equal(1, wins.Count(w => w));
    }
}
