using Marketplace.Data;
using Marketplace.Search;

namespace Marketplace.Web.Infrastructure.Search;

/// <summary>
/// Each web node keeps its own embedded index: at start it rebuilds an empty index from the database, then follows
/// the product change feed every second. No lease is needed: every node applies every change to its own copy.
/// </summary>
public sealed class SearchIndexWorker(IServiceScopeFactory scopes, ISearchIndex index, ILogger<SearchIndexWorker> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = new SearchIndexFeed(index);
        try
        {
            if (await index.GetFeedCursorAsync(stoppingToken) == 0 && await index.CountAsync(stoppingToken) == 0)
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                var (docs, elapsed) = await feed.RebuildAsync(db, null, stoppingToken);
                logger.LogInformation("Search index built: {Documents} products in {Seconds:0.0} s", docs, elapsed.TotalSeconds);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Building the search index failed; following the change feed from its cursor");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var applied = await feed.CatchUpAsync(scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>(), stoppingToken);
                if (applied > 0) logger.LogDebug("Search index applied {Changes} product changes", applied);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cursor did not move: the same changes are retried on the next round.
                logger.LogWarning(e, "Applying product changes to the search index failed; retrying");
            }
            try { await Task.Delay(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
