using Marketplace.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data;

/// <summary>
/// A lease in the database so that, with several web nodes, exactly one runs a given background job at a time. Taking
/// or renewing is one conditional UPDATE (free, expired, or already ours); the first take of a job inserts its row.
/// </summary>
public static class JobLeases
{
    public static async Task<bool> TryAcquireAsync(MarketplaceDbContext db, string job, string holder, TimeSpan duration, DateTime nowUtc, CancellationToken ct)
    {
        var until = nowUtc + duration;
        var taken = await db.JobLeases.Where(l => l.Name == job && (l.ExpiresAt < nowUtc || l.Holder == holder))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1) return true;
        if (await db.JobLeases.AnyAsync(l => l.Name == job, ct)) return false;
        var lease = new JobLease { Name = job, Holder = holder, ExpiresAt = until };
        db.JobLeases.Add(lease);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(lease).State = EntityState.Detached; // another node inserted it first
            return false;
        }
        finally
        {
            if (db.Entry(lease).State != EntityState.Detached) db.Entry(lease).State = EntityState.Detached;
        }
    }

    public static Task ReleaseAsync(MarketplaceDbContext db, string job, string holder, CancellationToken ct) =>
        db.JobLeases.Where(l => l.Name == job && l.Holder == holder).ExecuteDeleteAsync(ct);
}
