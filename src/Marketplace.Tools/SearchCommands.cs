using System.Diagnostics;
using Marketplace.Data;
using Marketplace.Domain;
using Marketplace.Search;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Tools;

/// <summary>reindex: rebuild the embedded index from the database. bench-search: latency of typical queries against
/// the index and against a SQL LIKE scan of the same database, side by side.</summary>
public static class SearchCommands
{
    public static async Task<int> ReindexAsync(MarketplaceDbContext db, string indexPath, int bufferMB = LuceneSearchIndex.DefaultRebuildBufferMB)
    {
        if (bufferMB is < LuceneSearchIndex.MinRebuildBufferMB or > LuceneSearchIndex.MaxRebuildBufferMB)
            throw new ArgumentException($"--buffer-mb must be from {LuceneSearchIndex.MinRebuildBufferMB} to {LuceneSearchIndex.MaxRebuildBufferMB} (MiB).");
        // Built beside the live generation, which a running app may hold open; the app swaps to it within a second.
        using var build = LuceneSearchIndex.BeginBuildBeside(indexPath, bufferMB);
        var (docs, elapsed) = await SearchIndexFeed.BuildAsync(db, build, n => { if (n % 100_000 == 0) Console.WriteLine($"  {n:N0} documents…"); }, CancellationToken.None);
        Console.WriteLine($"Indexed {docs:N0} listed products in {elapsed.TotalSeconds:0.0} s ({docs / Math.Max(0.001, elapsed.TotalSeconds):N0} products/s); index {FolderSize(indexPath) / 1024.0 / 1024.0:0.0} MiB at {indexPath}");
        return 0;
    }

    private sealed record Case(string Name, SearchRequest Request, string[] Words);

    private static readonly Case[] Cases =
    [
        new("one character  茶", new SearchRequest { Query = "茶" }, ["茶"]),
        new("two characters 大米", new SearchRequest { Query = "大米" }, ["大米"]),
        new("multi-word     高山 绿茶", new SearchRequest { Query = "高山 绿茶" }, ["高山", "绿茶"]),
        new("two facets     木耳 +cat +prov", new SearchRequest { Query = "木耳", CategoryIds = [9], ProvinceIds = [520000] }, ["木耳"]),
        new("sorted by price 蜂蜜", new SearchRequest { Query = "蜂蜜", Sort = SearchSort.PriceAsc }, ["蜂蜜"]),
    ];

    /// <summary>
    /// Tokenises the first N listed products' indexed text with Lucene's chain and with the engine's, alternating rounds
    /// so that both meet the same machine; checks they give the same number of tokens.
    /// </summary>
    public static async Task<int> BenchAnalysisAsync(MarketplaceDbContext db, int products, int rounds)
    {
        var texts = await db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Listed).OrderBy(p => p.Id).Take(products)
            .Select(p => p.Name + " " + p.Category!.Name + " " + p.Vendor!.Name + " " + p.Description).ToListAsync();
        using var lucene = ChineseAnalyzer.Reference(outputUnigrams: true);
        using var ours = new ChineseAnalyzer(outputUnigrams: true);
        static long Run(Lucene.Net.Analysis.Analyzer analyzer, List<string> texts)
        {
            long tokens = 0;
            foreach (var text in texts)
            {
                using var stream = analyzer.GetTokenStream("all", text);
                stream.Reset();
                while (stream.IncrementToken()) tokens++;
                stream.End();
            }
            return tokens;
        }
        var times = new Dictionary<string, List<double>> { ["lucene"] = [], ["ours"] = [] };
        long luceneTokens = 0, ourTokens = 0;
        for (var round = 0; round <= rounds; round++)
        {
            var sw = Stopwatch.StartNew();
            luceneTokens = Run(lucene, texts);
            var l = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            ourTokens = Run(ours, texts);
            var o = sw.Elapsed.TotalMilliseconds;
            if (round == 0) continue; // warm-up
            times["lucene"].Add(l);
            times["ours"].Add(o);
        }
        if (luceneTokens != ourTokens) throw new InvalidOperationException($"token counts differ: {luceneTokens} and {ourTokens}");
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        Console.WriteLine($"bench-analysis · {texts.Count:N0} products, {luceneTokens:N0} tokens · {rounds} rounds · {Environment.ProcessorCount} cores · {DateTime.UtcNow:yyyy-MM-dd}");
        Console.WriteLine($"Lucene's chain             median {Median(times["lucene"]),8:0} ms  ({texts.Count / Median(times["lucene"]) * 1000,9:N0} products/s on one core)");
        Console.WriteLine($"the engine's single pass   median {Median(times["ours"]),8:0} ms  ({texts.Count / Median(times["ours"]) * 1000,9:N0} products/s on one core)  {Median(times["lucene"]) / Median(times["ours"]):0.00}x");
        return 0;
    }

    public static async Task<int> BenchAsync(MarketplaceDbContext db, string indexPath, int iterations, int likeIterations, bool rebuild, string? only = null)
    {
        var products = await db.Products.CountAsync();
        Console.WriteLine($"bench-search · {products:N0} products · {Environment.ProcessorCount} cores · {System.Runtime.InteropServices.RuntimeInformation.OSDescription} · {DateTime.UtcNow:yyyy-MM-dd}");
        using var index = new LuceneSearchIndex(indexPath);
        if (rebuild || await index.CountAsync(CancellationToken.None) == 0)
        {
            var (docs, elapsed) = await new SearchIndexFeed(index).RebuildAsync(db, null, CancellationToken.None);
            Console.WriteLine($"indexing: {docs:N0} listed products in {elapsed.TotalSeconds:0.0} s = {docs / Math.Max(0.001, elapsed.TotalSeconds):N0} products/s");
        }
        Console.WriteLine($"index: {await index.CountAsync(CancellationToken.None):N0} documents, {FolderSize(indexPath) / 1024.0 / 1024.0:0.0} MiB");
        Console.WriteLine();
        Console.WriteLine($"{"query",-34} {"hits",9} {"p50",8} {"p95",8} {"p99",8} {"cpu",6} | {"ref p50",8} {"ref p95",8} {"ratio",6} | {"LIKE p50",9} {"ratio",7}");

        using var reference = new ReferenceSearch(indexPath);
        foreach (var c in Cases.Where(c => only is null || c.Name.Contains(only, StringComparison.Ordinal)))
        {
            var result = await index.SearchAsync(c.Request, CancellationToken.None);
            if (reference.Run(c.Request) != result.Total) throw new InvalidOperationException($"{c.Name}: the reference counts differently");
            var cpu = 0.0; // processor time per search over all threads: steadier than latency on a shared machine
            var engine = await Measure(iterations, () => index.SearchAsync(c.Request, CancellationToken.None), perRun => cpu = perRun);
            var baseline = await Measure(Math.Max(1, iterations / 2), () => { reference.Run(c.Request); return Task.CompletedTask; });
            var like = await Measure(likeIterations, () => LikeAsync(db, c));
            Console.WriteLine($"{c.Name,-34} {result.Total,9:N0} {P(engine, 50),8:0.00} {P(engine, 95),8:0.00} {P(engine, 99),8:0.00} {cpu,6:0.00} | " +
                              $"{P(baseline, 50),8:0.00} {P(baseline, 95),8:0.00} {P(baseline, 50) / P(engine, 50),5:0.0}x | {P(like, 50),9:0.0} {P(like, 50) / P(engine, 50),6:0}x");
        }
        Console.WriteLine("(milliseconds, after a second of warm-up; no result caches; engine: query + exact facet counts + first page; cpu: its");
        Console.WriteLine(" processor time per search over all threads; ref: the same through Lucene's");
        Console.WriteLine(" IndexSearcher, TopFieldCollector and per-hit doc values; LIKE: the same words as substrings of name, description,");
        Console.WriteLine(" vendor and category with the same filters in the database: count + first page)");
        return 0;
    }

    /// <summary>
    /// What a database without a search engine would do for the same query: each word as a substring of the text
    /// the engine searches (name, description, vendor, category), the same filters, a count and the first page.
    /// </summary>
    private static async Task LikeAsync(MarketplaceDbContext db, Case c)
    {
        var q = db.Products.AsNoTracking().Where(p => p.Status == ProductStatus.Listed);
        foreach (var w in c.Words)
        {
            var pattern = "%" + w + "%";
            q = q.Where(p => EF.Functions.Like(p.Name, pattern) || EF.Functions.Like(p.Description, pattern)
                             || EF.Functions.Like(p.Vendor!.Name, pattern) || EF.Functions.Like(p.Category!.Name, pattern));
        }
        if (c.Request.CategoryIds.Count > 0) q = q.Where(p => c.Request.CategoryIds.Contains(p.CategoryId));
        foreach (var prov in c.Request.ProvinceIds) q = q.Where(p => p.OriginCountyId >= prov && p.OriginCountyId <= prov + 9999);
        _ = await q.CountAsync();
        _ = await (c.Request.Sort == SearchSort.PriceAsc ? q.OrderBy(p => p.PriceFen) : q.OrderByDescending(p => p.Id)).Select(p => p.Id).Take(24).ToListAsync();
    }

    private static async Task<List<double>> Measure(int n, Func<Task> run, Action<double>? cpuPerRun = null)
    {
        // Warm-up to a server's steady state: at least 3 runs and one second, and until the runtime's tiered compiler has
        // compiled nothing for half a second (on two busy cores its background thread can take several seconds to
        // promote the hot loops out of their first, unoptimised tiers); at most 20 s.
        var warm = Stopwatch.StartNew();
        var quietSince = TimeSpan.Zero;
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        bool Settled() => warm.Elapsed.TotalSeconds >= 20
                          || (warm.Elapsed.TotalSeconds >= 1 && (warm.Elapsed - quietSince).TotalMilliseconds >= 500);
        for (var i = 0; i < Math.Min(3, n) || (n > 1 && !Settled()); i++)
        {
            await run();
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled) (compiled, quietSince) = (now, warm.Elapsed);
        }
        var times = new List<double>(n);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < n; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await run();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        cpuPerRun?.Invoke((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, n));
        times.Sort();
        return times;
    }

    private static double P(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    private static long FolderSize(string path) => Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
