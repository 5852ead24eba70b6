namespace Marketplace.Web.Infrastructure;

public enum SearchProvider
{
    Lucene,
    Elasticsearch,
}

/// <summary>The "Search" section, checked at start like the database provider.</summary>
public sealed record SearchSettings(SearchProvider Provider, string IndexPath, Marketplace.Search.ElasticsearchOptions? Elasticsearch)
{
    /// <summary>
    /// The embedded index's buffer for a rebuild inside the app (at a format change, or from the operations page): smaller
    /// than the reindex tool's 512 MiB, so that a node serving 1M products stays within its memory while it rebuilds
    /// (measured at 1M: as quick, 5 segments instead of 2, searches as fast).
    /// </summary>
    public int LuceneRebuildBufferMB { get; init; } = DefaultLuceneRebuildBufferMB;

    public const int DefaultLuceneRebuildBufferMB = 128;

    public static SearchSettings Read(IConfiguration config, string contentRoot)
    {
        var text = config["Search:Provider"];
        var provider = SearchProvider.Lucene;
        if (!string.IsNullOrWhiteSpace(text) && (!Enum.TryParse(text.Trim(), true, out provider) || int.TryParse(text, out _)))
            throw new InvalidOperationException(
                $"Search:Provider '{text}' is not supported; use 'Lucene' or 'Elasticsearch'. " +
                $"搜索引擎 Search:Provider “{text}” 不受支持，请使用 Lucene 或 Elasticsearch。");

        Marketplace.Search.ElasticsearchOptions? elastic = null;
        if (provider == SearchProvider.Elasticsearch)
        {
            // Search:Elasticsearch:Nodes (comma-separated, or an array) — or the single Search:Elasticsearch:Url.
            var section = config.GetSection("Search:Elasticsearch");
            var texts = section.GetSection("Nodes").GetChildren().Select(c => c.Value).ToList();
            if (texts.Count == 0) texts = (section["Nodes"] ?? section["Url"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Cast<string?>().ToList();
            var nodes = new List<Uri>();
            foreach (var t in texts)
                if (!Uri.TryCreate(t, UriKind.Absolute, out var node) || node.Scheme is not ("http" or "https"))
                    throw new InvalidOperationException(
                        $"Search:Elasticsearch:Nodes has '{t}', which is not an http(s) URL. 使用 Elasticsearch 时 Search:Elasticsearch:Nodes 须为有效的 http(s) 地址。");
                else nodes.Add(node);
            if (nodes.Count == 0)
                throw new InvalidOperationException(
                    "Search:Elasticsearch:Nodes (or :Url) must name at least one node when Search:Provider is Elasticsearch. " +
                    "使用 Elasticsearch 时必须配置 Search:Elasticsearch:Nodes。");
            elastic = new Marketplace.Search.ElasticsearchOptions
            {
                Nodes = nodes, Alias = section["Index"] is { Length: > 0 } alias ? alias : "products",
                ApiKey = section["ApiKey"], Username = section["Username"], Password = section["Password"],
                CertificateFingerprint = section["CertificateFingerprint"],
                RequestTimeout = TimeSpan.FromSeconds(section.GetValue("RequestTimeoutSeconds", 10.0)),
            };
        }

        var indexPath = config["Search:Lucene:IndexPath"];
        indexPath = Path.GetFullPath(string.IsNullOrWhiteSpace(indexPath) ? Path.Combine("App_Data", "search-index") : indexPath, contentRoot);
        var bufferText = config["Search:Lucene:RebuildBufferMB"];
        var buffer = DefaultLuceneRebuildBufferMB;
        const int min = Marketplace.Search.LuceneSearchIndex.MinRebuildBufferMB, max = Marketplace.Search.LuceneSearchIndex.MaxRebuildBufferMB;
        if (!string.IsNullOrWhiteSpace(bufferText) && (!int.TryParse(bufferText.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out buffer) || buffer is < min or > max))
            throw new InvalidOperationException(
                $"Search:Lucene:RebuildBufferMB '{bufferText}' must be a whole number of MiB from {min} to {max}. " +
                $"Search:Lucene:RebuildBufferMB “{bufferText}” 须为{min}到{max}之间的整数（MiB）。");
        return new SearchSettings(provider, indexPath, elastic) { LuceneRebuildBufferMB = buffer };
    }
}
