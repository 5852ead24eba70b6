using System.Globalization;
using Marketplace.Search;

namespace Marketplace.Web.Features.Search;

/// <summary>Builds /search URLs from the current request with one thing changed, in one canonical parameter order.</summary>
public sealed class SearchUrls(SearchRequest request)
{
    private readonly Dictionary<string, List<string>> _selected = new()
    {
        ["category"] = request.CategoryIds.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(),
        ["province"] = request.ProvinceIds.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(),
        ["county"] = request.CountyIds.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList(),
        ["cert"] = LuceneSearchIndex.CertificationFlags.Where(c => request.Certifications.HasFlag(c)).Select(c => c.ToString()).ToList(),
        ["price"] = request.PriceBand is null ? [] : [request.PriceBand],
        ["grade"] = request.Grades.Select(g => g.ToString()).ToList(),
    };

    public bool IsSelected(string facet, string key) => _selected[facet].Contains(key);

    public IEnumerable<(string Facet, string Key)> Selected() => _selected.SelectMany(kv => kv.Value.Select(v => (kv.Key, v)));

    /// <summary>Ticks or unticks one facet value (price is single-choice); paging starts again.</summary>
    public string Toggle(string facet, string key)
    {
        var copy = _selected.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        if (!copy[facet].Remove(key))
        {
            if (facet == "price") copy[facet].Clear();
            copy[facet].Add(key);
        }
        return Build(request.Query, copy, request.Sort, null, null);
    }

    public string WithSort(SearchSort sort) => Build(request.Query, _selected, sort, null, null);
    public string WithPage(int page) => Build(request.Query, _selected, request.Sort, page, null);
    public string WithCursor(string cursor) => Build(request.Query, _selected, request.Sort, null, cursor);
    public string WithQuery(string query) => Build(query, _selected, request.Sort, null, null);

    private static string Build(string query, Dictionary<string, List<string>> selected, SearchSort sort, int? page, string? after)
    {
        var parts = new List<string>();
        if (query.Length > 0) parts.Add("q=" + Uri.EscapeDataString(query));
        foreach (var facet in new[] { "category", "province", "county", "cert", "price", "grade" })
            foreach (var v in selected[facet].Order(StringComparer.Ordinal)) parts.Add(facet + "=" + Uri.EscapeDataString(v));
        if (sort != SearchSort.Relevance) parts.Add("sort=" + sort);
        if (page is > 1) parts.Add("page=" + page.Value.ToString(CultureInfo.InvariantCulture));
        if (after is not null) parts.Add("after=" + Uri.EscapeDataString(after));
        return "/search" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }
}
