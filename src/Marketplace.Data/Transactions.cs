using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data;

public static class Transactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction under the provider's execution strategy (so SQL Server's
    /// retrying strategy may run it again as a whole) and commits when it returns; an exception rolls everything back.
    /// A single-writer database (SQLite) queues the transaction at its <see cref="WriteGate"/>, where it may share one
    /// commit with the transactions queued beside it (and still returns only once committed).
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this MarketplaceDbContext db, Func<Task<T>> work, CancellationToken ct) =>
        db.WriteGate is { } gate && db.Database.CurrentTransaction is null
            ? gate.RunAsync(db, work, ct)
            : db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await tx.CommitAsync(ct);
            return result;
        });

    public static Task InTransactionAsync(this MarketplaceDbContext db, Func<Task> work, CancellationToken ct) =>
        db.InTransactionAsync(async () => { await work(); return true; }, ct);
}
