using System.Text.Json;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Data.Quota;

/// <summary>
/// Delivers order events from the outbox to the quota ledger. Safe to run repeatedly or on several nodes at once:
/// the ledger's unique source key makes every delivery after the first a no-op, and a message is marked processed
/// only after its ledger line exists.
/// </summary>
public sealed class OutboxDispatcher(MarketplaceDbContext db, LedgerWriter ledger, TimeProvider clock, IEnumerable<IOutboxHandler> handlers)
{
    public const string OrderCompletedType = nameof(OrderCompleted);
    public const string OrderRefundedType = nameof(OrderRefunded);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<int> DispatchAsync(int batch, CancellationToken ct)
    {
        var messages = await db.Outbox.Where(m => m.ProcessedAt == null && m.Attempts < 10).OrderBy(m => m.Id).Take(batch).ToListAsync(ct);
        foreach (var handler in handlers) handler.BeginRound();
        var done = 0;
        foreach (var m in messages)
        {
            try
            {
                // The ledger first (its own types); then every handler of the type (e.g. vendor credit also hears of a
                // completed order). Each consumer is idempotent, so a retry after a later one failed repeats nothing.
                var ledgerType = true;
                switch (m.Type)
                {
                    case OrderCompletedType: await ledger.ApplyAsync(JsonSerializer.Deserialize<OrderCompleted>(m.Payload, Json)!, ct); break;
                    case OrderRefundedType: await ledger.ApplyAsync(JsonSerializer.Deserialize<OrderRefunded>(m.Payload, Json)!, ct); break;
                    default: ledgerType = false; break;
                }
                var consumers = handlers.Where(h => h.Type == m.Type).ToList();
                if (!ledgerType && consumers.Count == 0) throw new InvalidOperationException($"Unknown outbox message type {m.Type}.");
                foreach (var handler in consumers) await handler.HandleAsync(m.Payload, ct);
                m.ProcessedAt = clock.GetUtcNow().UtcDateTime;
                done++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                m.Attempts++;
                m.LastError = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
            }
            await db.SaveChangesAsync(ct);
        }
        return done;
    }
}

/// <summary>A consumer of one outbox message type outside the ledger (e.g. paying a refund out through a provider). Must be idempotent.</summary>
public interface IOutboxHandler
{
    string Type { get; }
    Task HandleAsync(string payload, CancellationToken ct);

    /// <summary>
    /// Called as a dispatch round starts, after its messages are read (so every message of the round was committed
    /// before any of them is handled): a handler may then do once per round what several messages ask for.
    /// </summary>
    void BeginRound() { }
}
