using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction under the provider's execution strategy (so SQL Server's
    /// retrying strategy may run it again as a whole) and commits when it returns; an exception rolls everything back.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this MarketplaceDbContext db, Func<Task<T>> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            using var turn = await db.EnterWriteGateAsync(ct); // a single-writer database: queue here, not in its lock
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await tx.CommitAsync(ct);
            return result;
        });

    public static Task InTransactionAsync(this MarketplaceDbContext db, Func<Task> work, CancellationToken ct) =>
        db.InTransactionAsync(async () => { await work(); return true; }, ct);
}
