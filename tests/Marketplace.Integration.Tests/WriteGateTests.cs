using Marketplace.Data;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Integration.Tests;

/// <summary>
/// SQLite has one writer at a time; this process queues its writers at a gate per database file instead of letting
/// them collide in SQLite's lock (where the driver retries after 150 ms sleeps). The gate must never leak a turn.
/// </summary>
public sealed class WriteGateTests : IDisposable
{
    private readonly TempSqlite _sqlite = new();

    private static async Task<bool> TurnWithinAsync(MarketplaceDbContext db, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            using var turn = await db.EnterWriteGateAsync(cts.Token);
            return turn is not null;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_writer_waits_for_the_one_in_a_transaction_and_gets_its_turn_when_it_ends_even_by_an_exception()
    {
        var (setup, _) = await _sqlite.MigratedWithReferenceDataAsync();
        await setup.DisposeAsync();
        await using var a = _sqlite.NewContext();
        await using var b = _sqlite.NewContext();

        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var failing = a.InTransactionAsync(async () =>
        {
            inside.SetResult();
            await release.Task;
            throw new InvalidOperationException("the work failed");
        }, CancellationToken.None);
        await inside.Task;

        Assert.False(await TurnWithinAsync(b, TimeSpan.FromMilliseconds(300)), "a second writer got in during a transaction");
        release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.True(await TurnWithinAsync(b, TimeSpan.FromSeconds(5)), "the failed transaction kept the gate");
    }

    [Fact]
    public async Task Saves_inside_a_transaction_do_not_wait_for_their_own_gate_and_concurrent_writers_all_land()
    {
        var (db, _) = await _sqlite.MigratedWithReferenceDataAsync();
        await db.DisposeAsync();
        var writers = Enumerable.Range(0, 16).Select(async i =>
        {
            await using var ctx = _sqlite.NewContext();
            await ctx.InTransactionAsync(async () =>
            {
                ctx.AuditEntries.Add(new Data.Entities.AuditEntry { Action = "gate-test", Target = $"{i}", At = DateTime.UtcNow, ActorUserId = "t", ActorName = "t", ActorRole = "test" });
                await ctx.SaveChangesAsync(); // inside the transaction: this context already holds the turn
                ctx.AuditEntries.Add(new Data.Entities.AuditEntry { Action = "gate-test", Target = $"{i}b", At = DateTime.UtcNow, ActorUserId = "t", ActorName = "t", ActorRole = "test" });
                await ctx.SaveChangesAsync();
            }, CancellationToken.None);
            ctx.AuditEntries.Add(new Data.Entities.AuditEntry { Action = "gate-test", Target = $"{i}c", At = DateTime.UtcNow, ActorUserId = "t", ActorName = "t", ActorRole = "test" });
            await ctx.SaveChangesAsync(); // outside: takes and returns a turn of its own
        });
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        await using var check = _sqlite.NewContext();
        Assert.Equal(48, await check.AuditEntries.CountAsync(e => e.Action == "gate-test"));
        Assert.True(await TurnWithinAsync(check, TimeSpan.FromSeconds(5)));
    }

    public void Dispose() => _sqlite.Dispose();
}
