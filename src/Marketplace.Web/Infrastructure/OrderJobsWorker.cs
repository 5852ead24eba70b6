using Marketplace.Data;
using Marketplace.Data.Quota;
using Marketplace.Web.Features.Buying;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Order background jobs, run by whichever node holds the database lease: deliver outbox events (order completed /
/// refunded) to the quota ledger, and cancel orders left unpaid past <c>Orders:PaymentTimeoutHours</c>.
/// </summary>
public sealed class OrderJobsWorker(IServiceScopeFactory scopes, IConfiguration config, TimeProvider clock, ILogger<OrderJobsWorker> logger) : BackgroundService
{
    public const string LeaseName = "order-jobs";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Orders:BackgroundJobs", true)) return;
        var timeout = TimeSpan.FromHours(config.GetValue("Orders:PaymentTimeoutHours", 24.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                if (await JobLeases.TryAcquireAsync(db, LeaseName, _holder, Interval * 6, clock.GetUtcNow().UtcDateTime, stoppingToken))
                {
                    var delivered = await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchAsync(200, stoppingToken);
                    var expired = await scope.ServiceProvider.GetRequiredService<OrderService>().ExpireUnpaidAsync(timeout, stoppingToken);
                    if (delivered + expired > 0) logger.LogInformation("Order jobs: {Delivered} events delivered, {Expired} unpaid orders cancelled", delivered, expired);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Order jobs failed; retrying");
            }
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
