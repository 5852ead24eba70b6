using Marketplace.Data;
using Marketplace.Search;

namespace Marketplace.Web.Infrastructure.Search;

/// <summary>
/// Keeps the search index following the database. With the embedded index each node keeps its own copy: at start an
/// empty index is rebuilt, then the product change feed is followed every second. With a shared cluster one node at
/// a time (the holder of the "search-feed" database lease) builds and follows; the others stand by and take over
/// when the lease lapses. Applying twice would be harmless (upserts by id, a cursor that only moves forward), just work.
/// </summary>
public sealed class SearchIndexWorker(
    IServiceScopeFactory scopes, ISearchIndex index, PublicPageEvictor pages, TimeProvider clock, ILogger<SearchIndexWorker> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public const string LeaseName = "search-feed";
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(15);
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>The embedded index is this node's own; a shared one is maintained by the lease holder only.</summary>
    private async Task<bool> MayWriteAsync(MarketplaceDbContext db, CancellationToken ct) =>
        index is not ElasticsearchSearchIndex
        || await JobLeases.TryAcquireAsync(db, LeaseName, _holder, LeaseTime, clock.GetUtcNow().UtcDateTime, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = new SearchIndexFeed(index);
        // Prepare the index (create it on a cluster; build an empty one), retrying while the backend is unreachable.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                if (!await MayWriteAsync(db, stoppingToken)) break; // another node prepares the shared index
                if (index is ElasticsearchSearchIndex cluster) await cluster.EnsureIndexAsync(stoppingToken);
                var empty = await index.GetFeedCursorAsync(stoppingToken) == 0 && await index.CountAsync(stoppingToken) == 0;
                var stale = !empty && !await index.HasCurrentFormatAsync(stoppingToken);
                if (empty || stale)
                {
                    // A stale index (written by an earlier version) keeps answering until its rebuild is swapped in.
                    if (stale) logger.LogWarning("The search index was written by an earlier version; rebuilding it beside the live one");
                    var (docs, elapsed) = await feed.RebuildAsync(db, null, stoppingToken);
                    logger.LogInformation("Search index built: {Documents} products in {Seconds:0.0} s", docs, elapsed.TotalSeconds);
                    // The rebuild's buffers are garbage now; hand their memory back to the machine once, rather than keep
                    // a heap sized for the rebuild while serving (a one-off after a rare event, off the request path).
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
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
                var db = scope.ServiceProvider.GetRequiredService<MarketplaceDbContext>();
                // A rebuild by the reindex tool beside this node's embedded index is swapped in here.
                if (index is LuceneSearchIndex embedded && await embedded.FollowSwapsAsync(stoppingToken))
                    logger.LogInformation("Search index: switched to the rebuilt generation {Name}", embedded.GenerationName);
                if (await MayWriteAsync(db, stoppingToken))
                {
                    var applied = await feed.CatchUpAsync(db, stoppingToken);
                    if (applied > 0) logger.LogDebug("Search index applied {Changes} product changes", applied);
                    await index.FlushAsync(force: false, stoppingToken);
                }
                // Whoever moved the index (this node or the lease holder), the pages it changed are evicted here.
                await pages.EvictChangedAsync(db, stoppingToken);
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
