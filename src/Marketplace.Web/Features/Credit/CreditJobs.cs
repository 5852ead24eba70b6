using System.Text.Json;
using Marketplace.Data;
using Marketplace.Data.Credit;
using Marketplace.Data.Quota;
using Marketplace.Domain;
using Marketplace.Domain.Quota;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Web.Features.Credit;

/// <summary>Recomputes a vendor's credit when asked through the outbox (a refund settled, a ruling). Idempotent.</summary>
public sealed class VendorCreditDueHandler(VendorCreditService credit) : IOutboxHandler
{
    public string Type => VendorCreditService.DueType;

    public async Task HandleAsync(string payload, CancellationToken ct)
    {
        var due = JsonSerializer.Deserialize<VendorCreditDue>(payload, OutboxDispatcher.Json)!;
        await credit.RecomputeAsync([due.VendorId], due.Trigger, ct);
    }
}

/// <summary>
/// Hears of every completed order (the ledger's own event) and recomputes its vendor's credit, once per vendor per
/// dispatch round: the round's messages were all read before the first recomputation, so their orders were already
/// complete and counted by it (a busy vendor's hundred completions in a round cost one read of its year, not a hundred).
/// </summary>
public sealed class VendorCreditOnOrderCompleted(MarketplaceDbContext db, VendorCreditService credit) : IOutboxHandler
{
    private readonly HashSet<int> _recomputedThisRound = [];

    public string Type => OutboxDispatcher.OrderCompletedType;

    public void BeginRound() => _recomputedThisRound.Clear();

    public async Task HandleAsync(string payload, CancellationToken ct)
    {
        var completed = JsonSerializer.Deserialize<OrderCompleted>(payload, OutboxDispatcher.Json)!;
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == completed.OrderId).Select(o => new { o.VendorId, o.Number }).FirstOrDefaultAsync(ct);
        if (order is null || _recomputedThisRound.Contains(order.VendorId)) return;
        await credit.RecomputeAsync([order.VendorId], $"订单{order.Number}完成 / order {order.Number} completed", ct);
        _recomputedThisRound.Add(order.VendorId);
    }
}

/// <summary>
/// The nightly full recomputation (late shipments and invoices become late with time alone; the window moves), on
/// whichever node holds the lease: every active vendor not computed since today's <c>Credit:NightlyHour</c> (China
/// time, default 03:00), in batches, resuming where a cut-short run stopped.
/// </summary>
public sealed class CreditJobsWorker(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<CreditJobsWorker> logger) : BackgroundService
{
    public const string LeaseName = "vendor-credit";
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The latest nightly point at or before <paramref name="nowUtc"/>, in UTC.</summary>
    public static DateTime LastNightlyPoint(DateTime nowUtc, int hour)
    {
        var china = nowUtc.AddHours(8);
        var point = china.Date.AddHours(hour);
        if (point > china) point = point.AddDays(-1);
        return DateTime.SpecifyKind(point.AddHours(-8), DateTimeKind.Utc);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Credit:BackgroundJobs", true)) return;
        var interval = TimeSpan.FromSeconds(config.GetValue("Credit:IntervalSeconds", 60.0));
        var hour = Math.Clamp(config.GetValue("Credit:NightlyHour", 3), 0, 23);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                var now = clock.GetUtcNow().UtcDateTime;
                if (await JobLeases.TryAcquireAsync(db, LeaseName, _holder, interval * 10, now, stoppingToken))
                {
                    var (vendors, regraded) = await scope.ServiceProvider.GetRequiredService<VendorCreditService>()
                        .RecomputeStaleAsync(LastNightlyPoint(now, hour), 500, stoppingToken);
                    if (vendors > 0) logger.LogInformation("Vendor credit: {Vendors} vendors recomputed, {Regraded} changed grade", vendors, regraded);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Vendor credit job failed; retrying");
            }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
