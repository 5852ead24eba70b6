using System.Data;
using System.Data.Common;
using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Marketplace.Data;

/// <summary>
/// The single writer of one SQLite database file in this process, with group commit.
/// </summary>
/// <remarks>
/// <para>SQLite lets one writer in at a time, and with <c>synchronous=FULL</c> each commit waits for the disk (an fsync of
/// the write-ahead log) while it holds the write lock. Writers therefore queue here, in order and woken at once, instead
/// of colliding in the database and retrying after sleeps.</para>
/// <para>Group commit: a transaction that finds other transactions queued behind it does not commit on its own. It hands
/// its open transaction, on its connection, to the next one in the queue, and so on; the last of the group commits them
/// all with one fsync. Each transaction runs inside its own savepoint, so one that fails is rolled back alone and the
/// rest of the group goes on. Nobody is told "done" before the group's commit has returned: a member waits for it, and
/// if the commit fails every member fails (nothing of theirs was stored). Within a group a transaction sees the
/// changes of the earlier members, which commit with it or not at all, exactly as if they had committed just before.</para>
/// <para>Writers that cannot join (a plain <see cref="MarketplaceDbContext.EnterWriteGateAsync"/>, a synchronous save, a
/// context whose connection is already open) are never handed an open group: the group commits before they get the
/// turn.</para>
/// </remarks>
public sealed class WriteGate
{
    /// <summary>The most transactions one commit takes; a bound on how long the first of them waits.</summary>
    public const int MaxGroup = 64;

    private readonly object _sync = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private bool _held;
    private Group? _open; // read and written only by the writer holding the turn
    private long _commits;
    private long _members;

    /// <summary>Groups committed so far (a commit of one transaction counts as one).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Transactions that have run in groups so far.</summary>
    public long GroupedTransactions => Interlocked.Read(ref _members);

    /// <summary>Writers waiting for the turn now.</summary>
    public int Waiting
    {
        get
        {
            lock (_sync) return _waiters.Count;
        }
    }

    private sealed class Waiter(bool joins)
    {
        public readonly bool Joins = joins;
        public readonly TaskCompletionSource Granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Group(DbConnection connection, DbTransaction transaction)
    {
        public readonly DbConnection Connection = connection;
        public readonly DbTransaction Transaction = transaction;
        public readonly TaskCompletionSource Committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Members;
        public bool Broken;
    }

    /// <summary>
    /// Waits for the turn to write; false when <paramref name="wait"/> passed first (the caller then goes ahead without
    /// it and leaves the waiting to the database). A writer that joins groups may be handed an open group.
    /// </summary>
    public async ValueTask<bool> EnterAsync(bool joins, TimeSpan wait, CancellationToken ct)
    {
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return true;
            }
            waiter = new Waiter(joins);
            node = _waiters.AddLast(waiter);
        }
        try
        {
            await waiter.Granted.Task.WaitAsync(wait, ct);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_sync)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    if (e is TimeoutException) return false;
                    throw;
                }
            }
            // The turn was handed over just as the wait ended: it is ours now, and must be used and passed on.
            return true;
        }
    }

    /// <summary>Passes the turn to the next writer in the queue, or frees it. Only while no group is open.</summary>
    public void Release()
    {
        Waiter next;
        lock (_sync)
        {
            if (_waiters.First is not { } first)
            {
                _held = false;
                return;
            }
            _waiters.RemoveFirst();
            next = first.Value;
        }
        next.Granted.TrySetResult();
    }

    private bool TryPassToJoiner()
    {
        Waiter next;
        lock (_sync)
        {
            if (_waiters.First is not { Value.Joins: true } first) return false;
            _waiters.RemoveFirst();
            next = first.Value;
        }
        next.Granted.TrySetResult();
        return true;
    }

    /// <summary>
    /// Runs <paramref name="work"/> as one transaction of <paramref name="db"/>: all or nothing, and committed (durably,
    /// as the database is set up) when this returns.
    /// </summary>
    public async Task<T> RunAsync<T>(MarketplaceDbContext db, Func<Task<T>> work, CancellationToken ct)
    {
        // A context with its own connection open (a query being read, a connection opened on purpose) cannot move onto
        // the group's connection: it writes alone.
        var joins = db.Database.GetDbConnection().State == ConnectionState.Closed;
        if (!await EnterAsync(joins, MarketplaceDbContext.WriteGateWait, ct))
            return await RunAloneAsync(db, work, ct);
        if (!joins)
        {
            try { return await RunAloneAsync(db, work, ct); }
            finally { Release(); }
        }

        var group = _open;
        IDbContextTransaction? own = null;
        if (group is null)
        {
            try
            {
                own = await db.Database.BeginTransactionAsync(ct);
            }
            catch
            {
                Release();
                throw;
            }
            group = _open = new Group(db.Database.GetDbConnection(), own.GetDbTransaction());
        }

        var savepoint = "g" + group.Members++.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Interlocked.Increment(ref _members);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        string? ownConnection = null;
        try
        {
            if (own is null)
            {
                ownConnection = db.Database.GetConnectionString();
                db.Database.SetDbConnection(group.Connection, contextOwnsConnection: false);
                await db.Database.UseTransactionAsync(group.Transaction, CancellationToken.None);
            }
            await group.Transaction.SaveAsync(savepoint, CancellationToken.None);
            try
            {
                result = await work();
                await group.Transaction.ReleaseAsync(savepoint, CancellationToken.None);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
                try
                {
                    await group.Transaction.RollbackAsync(savepoint, CancellationToken.None);
                    await group.Transaction.ReleaseAsync(savepoint, CancellationToken.None);
                }
                catch
                {
                    group.Broken = true; // the database could not undo this one alone: the whole group is rolled back
                }
            }
        }
        catch (Exception e) when (failure is null)
        {
            failure = ExceptionDispatchInfo.Capture(e);
            group.Broken = true; // could not join cleanly
        }
        if (own is null)
        {
            try
            {
                Detach(db, ownConnection);
            }
            catch (Exception e)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
                group.Broken = true;
            }
        }

        if (group.Broken || group.Members >= MaxGroup || !TryPassToJoiner())
            await CompleteAsync(group);

        try
        {
            await group.Committed.Task; // never cancelled: the work is in the group, and its outcome is the group's
        }
        catch when (failure is not null)
        {
            // This transaction failed on its own already: its own reason says more than the group's.
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
        failure?.Throw();
        return result;
    }

    private async Task CompleteAsync(Group group)
    {
        try
        {
            if (group.Broken)
            {
                await group.Transaction.RollbackAsync(CancellationToken.None);
                group.Committed.TrySetException(new InvalidOperationException(
                    "保存失败，请重试 / A write in the same commit failed and everything in it was rolled back; try again."));
            }
            else
            {
                await group.Transaction.CommitAsync(CancellationToken.None);
                group.Committed.TrySetResult();
            }
        }
        catch (Exception e)
        {
            group.Committed.TrySetException(e);
        }
        finally
        {
            Interlocked.Increment(ref _commits);
            _open = null;
            Release();
        }
    }

    /// <summary>Puts a context that joined a group back on its own connection (made anew from its connection string).</summary>
    private static void Detach(MarketplaceDbContext db, string? ownConnection)
    {
        if (ownConnection is null) return;
        db.Database.UseTransaction(null);
        db.Database.CloseConnection(); // balances the open counted by UseTransaction; the group's connection stays open
        db.Database.SetDbConnection(null, contextOwnsConnection: true);
        db.Database.SetConnectionString(ownConnection);
    }

    private static async Task<T> RunAloneAsync<T>(MarketplaceDbContext db, Func<Task<T>> work, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await work();
        await tx.CommitAsync(ct);
        return result;
    }
}
