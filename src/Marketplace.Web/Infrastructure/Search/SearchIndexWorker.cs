using Marketplace.Data;
using Marketplace.Search;

namespace Marketplace.Web.Infrastructure.Search;

/// <summary>
/// Keeps the search index following the database. With the embedded index each node keeps its own copy: at start an
/// empty index is rebuilt, then the product change feed is followed every second. With a shared cluster every node
/// follows too; that is idempotent (upserts by id, a cursor that only moves forward) but repeats work, which a
/// database lease will remove.
/// </summary>
public sealed class SearchIndexWorker(IServiceScopeFactory scopes, ISearchIndex index, ILogger<SearchIndexWorker> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = new SearchIndexFeed(index);
        // Prepare the index (create it on a cluster; build an empty one), retrying while the backend is unreachable.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (index is ElasticsearchSearchIndex cluster) await cluster.EnsureIndexAsync(stoppingToken);
                if (await index.GetFeedCursorAsync(stoppingToken) == 0 && await index.CountAsync(stoppingToken) == 0)
                {
                    using var scope = scopes.CreateScope();
                    var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                    var (docs, elapsed) = await feed.RebuildAsync(db, null, stoppingToken);
                    logger.LogInformation("Search index built: {Documents} products in {Seconds:0.0} s", docs, elapsed.TotalSeconds);
                }
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Preparing the search index failed; retrying in 5 s");
                try { await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
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
