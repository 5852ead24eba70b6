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

    private static Data.Entities.AuditEntry Audit(string target) =>
        new() { Action = "group-test", Target = target, At = DateTime.UtcNow, ActorUserId = "t", ActorName = "t", ActorRole = "test" };

    /// <summary>Counts the rows with this target through a connection of its own: it sees committed rows only.</summary>
    private async Task<int> CommittedAsync(string target)
    {
        await using var fresh = _sqlite.NewContext();
        return await fresh.AuditEntries.CountAsync(e => e.Action == "group-test" && e.Target == target);
    }

    /// <summary>
    /// Holds the turn with a transaction of its own until released, and waits until <paramref name="queued"/> writers
    /// are queued behind it: they then form one group when it ends.
    /// </summary>
    private sealed class Holder(TempSqlite sqlite) : IAsyncDisposable
    {
        private readonly TaskCompletionSource _inside = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MarketplaceDbContext _db = sqlite.NewContext();
        public Task Done { get; private set; } = Task.CompletedTask;
        public WriteGate Gate => _db.WriteGate!;

        public async Task HoldAsync()
        {
            Done = _db.InTransactionAsync(async () =>
            {
                _db.AuditEntries.Add(Audit("holder"));
                await _db.SaveChangesAsync();
                _inside.SetResult();
                await _release.Task;
            }, CancellationToken.None);
            await _inside.Task;
        }

        public async Task ReleaseWhenQueuedAsync(int queued)
        {
            for (var i = 0; Gate.Waiting < queued; i++)
            {
                if (i > 500) throw new TimeoutException($"only {Gate.Waiting} of {queued} writers queued");
                await Task.Delay(10);
            }
            Release();
            await Done;
        }

        public void Release() => _release.TrySetResult();

        public ValueTask DisposeAsync() => _db.DisposeAsync();
    }

    /// <summary>A migrated database whose turn to write is held by a transaction until <see cref="Holder.Release"/>.</summary>
    private async Task<Holder> HeldAsync()
    {
        var (setup, _) = await _sqlite.MigratedWithReferenceDataAsync();
        await setup.DisposeAsync();
        var holder = new Holder(_sqlite);
        await holder.HoldAsync();
        return holder;
    }

    /// <summary>A save outside a transaction, on a context of its own.</summary>
    private Task SaveAsync(string target) => Task.Run(async () =>
    {
        await using var ctx = _sqlite.NewContext();
        ctx.AuditEntries.Add(Audit(target));
        await ctx.SaveChangesAsync();
    });

    [Fact]
    public async Task Queued_transactions_share_one_commit_and_each_returns_only_once_its_work_is_committed()
    {
        await using var holder = await HeldAsync();

        var seenAtReturn = new int[12];
        var writers = Enumerable.Range(0, 12).Select(async i =>
        {
            await using var ctx = _sqlite.NewContext();
            if (i % 2 == 0)
                await ctx.InTransactionAsync(async () =>
                {
                    ctx.AuditEntries.Add(Audit($"w{i}"));
                    await ctx.SaveChangesAsync();
                }, CancellationToken.None);
            else
            {
                ctx.AuditEntries.Add(Audit($"w{i}")); // a save outside a transaction joins the group as well
                await ctx.SaveChangesAsync();
            }
            seenAtReturn[i] = await CommittedAsync($"w{i}");
            // The context is back on its own connection and writes and reads as before.
            ctx.AuditEntries.Add(Audit($"w{i}-after"));
            await ctx.SaveChangesAsync();
            Assert.Equal(1, await ctx.AuditEntries.CountAsync(e => e.Target == $"w{i}-after"));
        }).ToList();
        await holder.ReleaseWhenQueuedAsync(12);
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(seenAtReturn, seen => Assert.Equal(1, seen)); // nobody was told "done" before its row was committed
        Assert.Equal(1, await CommittedAsync("holder"));
        Assert.Equal(12, await CommittedAsyncLike("-after"));
    }

    private async Task<int> CommittedAsyncLike(string suffix)
    {
        await using var fresh = _sqlite.NewContext();
        return await fresh.AuditEntries.CountAsync(e => e.Action == "group-test" && e.Target.EndsWith(suffix));
    }

    [Fact]
    public async Task Thirteen_queued_transactions_take_one_commit()
    {
        await using var holder = await HeldAsync();
        var commitsBefore = holder.Gate.Commits;
        var writers = Enumerable.Range(0, 12).Select(i => SaveAsync($"w{i}")).ToList();
        await holder.ReleaseWhenQueuedAsync(12);
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, holder.Gate.Commits - commitsBefore);
        Assert.Equal(13, await CommittedAsyncLike(""));
    }

    [Fact]
    public async Task A_failing_transaction_in_a_group_is_rolled_back_alone_and_the_others_commit()
    {
        await using var holder = await HeldAsync();
        Task Write(string target, bool fail) => Task.Run(async () =>
        {
            await using var ctx = _sqlite.NewContext();
            await ctx.InTransactionAsync(async () =>
            {
                ctx.AuditEntries.Add(Audit(target));
                await ctx.SaveChangesAsync();
                if (fail) throw new InvalidOperationException("this one fails");
            }, CancellationToken.None);
        });
        var first = Write("ok1", false);
        await Until(() => holder.Gate.Waiting == 1);
        var failing = Write("bad", true);
        await Until(() => holder.Gate.Waiting == 2);
        var last = Write("ok2", false);
        var commitsBefore = holder.Gate.Commits;
        await holder.ReleaseWhenQueuedAsync(3);

        await first;
        await last;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("this one fails", e.Message);
        Assert.Equal(1, holder.Gate.Commits - commitsBefore);
        Assert.Equal(1, await CommittedAsync("ok1"));
        Assert.Equal(1, await CommittedAsync("ok2"));
        Assert.Equal(0, await CommittedAsync("bad"));
    }

    [Fact]
    public async Task When_the_groups_commit_fails_every_member_fails_and_nothing_of_theirs_is_stored()
    {
        await using var holder = await HeldAsync();
        // A foreign key checked only at commit: this transaction's own work succeeds, the commit is refused.
        var deferred = Task.Run(async () =>
        {
            await using var ctx = _sqlite.NewContext();
            await ctx.InTransactionAsync(async () =>
            {
                await ctx.Database.ExecuteSqlRawAsync("PRAGMA defer_foreign_keys = ON");
                await ctx.Database.ExecuteSqlRawAsync(
                    "INSERT INTO CartItems (UserId, ProductId, Quantity, AddedAt) VALUES ('nobody', 987654321, 1, '2026-11-29 00:00:00')");
                ctx.AuditEntries.Add(Audit("deferred"));
                await ctx.SaveChangesAsync();
            }, CancellationToken.None);
        });
        await Until(() => holder.Gate.Waiting == 1);
        var innocent = SaveAsync("innocent");
        await Until(() => holder.Gate.Waiting == 2);
        var failingItself = Task.Run(async () =>
        {
            await using var ctx = _sqlite.NewContext();
            await ctx.InTransactionAsync(() => throw new InvalidOperationException("its own reason"), CancellationToken.None);
        });
        await Until(() => holder.Gate.Waiting == 3);
        holder.Release();
        await Assert.ThrowsAnyAsync<Exception>(() => holder.Done);
        await Assert.ThrowsAnyAsync<Exception>(() => deferred);
        await Assert.ThrowsAnyAsync<Exception>(() => innocent);
        Assert.Equal("its own reason", (await Assert.ThrowsAsync<InvalidOperationException>(() => failingItself)).Message);
        Assert.Equal(0, await CommittedAsync("holder"));
        Assert.Equal(0, await CommittedAsync("deferred"));
        Assert.Equal(0, await CommittedAsync("innocent"));

        // The gate and the database go on.
        await using var after = _sqlite.NewContext();
        after.AuditEntries.Add(Audit("after"));
        await after.SaveChangesAsync();
        Assert.Equal(1, await CommittedAsync("after"));
    }

    [Fact]
    public async Task A_writer_that_cannot_join_gets_its_turn_after_the_group_has_committed()
    {
        await using var holder = await HeldAsync();
        var joiner = SaveAsync("joiner");
        await Until(() => holder.Gate.Waiting == 1);
        // A plain turn writes on its own connection: were the group still open, SQLite would refuse it as busy.
        var plain = Task.Run(async () =>
        {
            await using var ctx = _sqlite.NewContext();
            using var turn = await ctx.EnterWriteGateAsync(CancellationToken.None);
            Assert.NotNull(turn);
            await using var tx = await ctx.Database.BeginTransactionAsync();
            ctx.AuditEntries.Add(Audit("plain"));
            await ctx.SaveChangesAsync();
            await tx.CommitAsync();
        });
        await Until(() => holder.Gate.Waiting == 2);
        var after = SaveAsync("after");
        await holder.ReleaseWhenQueuedAsync(3);
        await Task.WhenAll(joiner, plain, after).WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var target in new[] { "holder", "joiner", "plain", "after" }) Assert.Equal(1, await CommittedAsync(target));
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            if (i > 500) throw new TimeoutException("the writers did not queue");
            await Task.Delay(10);
        }
    }

    public void Dispose() => _sqlite.Dispose();
}
