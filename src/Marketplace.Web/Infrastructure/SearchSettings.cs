namespace Marketplace.Web.Infrastructure;

public enum SearchProvider
{
    Lucene,
    Elasticsearch,
}

/// <summary>The "Search" section, checked at start like the database provider.</summary>
public sealed record SearchSettings(SearchProvider Provider, string IndexPath, Uri? ElasticsearchUrl)
{
    public static SearchSettings Read(IConfiguration config, string contentRoot)
    {
        var text = config["Search:Provider"];
        var provider = SearchProvider.Lucene;
        if (!string.IsNullOrWhiteSpace(text) && (!Enum.TryParse(text.Trim(), true, out provider) || int.TryParse(text, out _)))
            throw new InvalidOperationException(
                $"Search:Provider '{text}' is not supported; use 'Lucene' or 'Elasticsearch'. " +
                $"搜索引擎 Search:Provider “{text}” 不受支持，请使用 Lucene 或 Elasticsearch。");

        Uri? url = null;
        var urlText = config["Search:Elasticsearch:Url"];
        if (provider == SearchProvider.Elasticsearch &&
            (string.IsNullOrWhiteSpace(urlText) || !Uri.TryCreate(urlText, UriKind.Absolute, out url)))
            throw new InvalidOperationException(
                "Search:Elasticsearch:Url must be an absolute URL when Search:Provider is Elasticsearch. " +
                "使用 Elasticsearch 时必须配置有效的 Search:Elasticsearch:Url。");

        var indexPath = config["Search:Lucene:IndexPath"];
        indexPath = Path.GetFullPath(string.IsNullOrWhiteSpace(indexPath) ? Path.Combine("App_Data", "search-index") : indexPath, contentRoot);
        return new SearchSettings(provider, indexPath, url);
    }
}
