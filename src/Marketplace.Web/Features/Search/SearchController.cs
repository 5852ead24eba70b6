using System.Globalization;
using Marketplace.Domain;
using Marketplace.Search;
using Marketplace.Web.Features.Storefront;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Features.Search;

/// <summary>
/// /search?q=…&amp;category=…&amp;province=…&amp;county=…&amp;cert=…&amp;price=…&amp;grade=…&amp;sort=…&amp;page=… (or &amp;after= for deep pages).
/// Every parameter is in the URL, and every order ends with the product id, so a URL always gives the same page.
/// </summary>
// Browsers revalidate a search page every time (a cheap 304 while the index has not moved): a result list a browser kept
// for a minute would hide a product listed meanwhile.
[PublicCache(seconds: 0, VariesWithSearchIndex = true)]
public sealed class SearchController(
    ISearchIndex index, StorefrontQueries storefront, RegionDirectory regions, IStringLocalizer<SharedResource> l, ILogger<SearchController> logger) : Controller
{
    public const int MaxQueryLength = 100;

    [HttpGet("/search")]
    [Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Marketplace.Web.Infrastructure.RateLimitOptions.Search)]
    public async Task<IActionResult> Index(string? q, int[]? category, int[]? province, int[]? county, string[]? cert, string? price,
        string? sort, int? page, string? after, string[]? grade, CancellationToken ct)
    {
        HttpContext.Tag(PublicPageTags.Search);
        var raw = q ?? "";
        var query = Normalize(raw);
        string? message = null;
        if (raw.Length > MaxQueryLength)
            message = $"搜索词过长，已截取前{MaxQueryLength}个字 / The query was too long and was cut to {MaxQueryLength} characters.";

        var certs = (cert ?? []).Select(c => Enum.TryParse<Certification>(c, out var v) && LuceneSearchIndex.CertificationFlags.Contains(v) ? v : Certification.None)
            .Aggregate(Certification.None, (a, c) => a | c);
        var request = new SearchRequest
        {
            Query = query,
            CategoryIds = (category ?? []).Where(c => c > 0).Distinct().Take(20).ToList(),
            ProvinceIds = (province ?? []).Where(RegionCode.IsValid).Distinct().Take(20).ToList(),
            CountyIds = (county ?? []).Where(RegionCode.IsValid).Distinct().Take(20).ToList(),
            Certifications = certs,
            PriceBand = PriceBands.Find(price)?.Key,
            Grades = (grade ?? []).Select(g => Enum.TryParse<Domain.Credit.CreditGrade>(g, false, out var v) && Enum.IsDefined(v) && g == v.ToString() ? v : (Domain.Credit.CreditGrade?)null)
                .OfType<Domain.Credit.CreditGrade>().Distinct().ToList(),
            Sort = Enum.TryParse<SearchSort>(sort, true, out var s) && Enum.IsDefined(s) ? s : SearchSort.Relevance,
            Page = Math.Clamp(page ?? 1, 1, SearchRequest.MaxPage),
            After = after,
        };

        SearchResult result;
        try
        {
            result = await index.SearchAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Search backend failed for {Query}", query);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return View("Error", new Errors.ErrorViewModel(503, "搜索服务暂时不可用", "Search is temporarily unavailable",
                "请稍后再试，或先按分类浏览商品。", "Please try again later, or browse the categories meanwhile."));
        }
        var ids = result.Hits.Select(h => h.Id).ToList();
        var cards = ids.Count == 0 ? [] : await storefront.CardsAsync(ids, ct);
        var categories = (await storefront.CategoriesAsync(ct)).ToDictionary(c => c.Id);
        var urls = new SearchUrls(request);

        string Label(string facet, string key, string label) => facet switch
        {
            "category" => categories.TryGetValue(int.Parse(key, CultureInfo.InvariantCulture), out var c) ? DisplayText.CategoryName(c.Name, c.NameEn) : key,
            "province" or "county" => regions.NameOf(int.Parse(key, CultureInfo.InvariantCulture)),
            "cert" => DisplayText.Certifications(l, Enum.Parse<Certification>(key)).First(),
            "grade" => Enum.TryParse<Domain.Credit.CreditGrade>(key, out var g)
                ? (System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh") ? Domain.Credit.CreditPolicy.Label(g) : Domain.Credit.CreditPolicy.LabelEn(g)) : key,
            _ => label,
        };
        var titles = new Dictionary<string, string>
        {
            ["category"] = l["Category"], ["province"] = l["Province"], ["county"] = l["County"], ["cert"] = l["Certifications"], ["price"] = l["Price"],
            ["grade"] = l["Vendor credit"],
        };
        var facets = titles.Select(t => new FacetGroup(t.Key, t.Value, result.Facets.GetValueOrDefault(t.Key, [])
            .Select(f => new FacetOption(f.Key, Label(t.Key, f.Key, f.Label), f.Count, urls.IsSelected(t.Key, f.Key), urls.Toggle(t.Key, f.Key)))
            .ToList())).ToList();
        // Selected values stay visible (with a zero count) so that they can be unticked.
        var chips = urls.Selected().Select(x => new Chip(Label(x.Facet, x.Key, PriceBands.Find(x.Key)?.Label ?? x.Key), urls.Toggle(x.Facet, x.Key))).ToList();

        var sorts = Enum.GetValues<SearchSort>().Select(o => new SortOption(o.ToString(), SortLabel(o), o == request.Sort, urls.WithSort(o))).ToList();
        var suggestions = result.Total > 0 ? [] : chips.Select(c => new Chip(l["Without “{0}”", c.Label], c.RemoveUrl))
            .Concat(query.Length > 1 && chips.Count == 0 ? [new Chip(l["Search “{0}”", query[..1]], urls.WithQuery(query[..1]))] : [])
            .ToList();

        ViewData["Query"] = query;
        return View("Index", new SearchPageViewModel(query, message, result.Total, cards,
            cards.ToDictionary(c => c.Id, c => Highlighter.Mark(c.Name, result.Terms)), facets, chips, sorts,
            request.After is null ? request.Page : 0,
            request.After is null && request.Page > 1 ? urls.WithPage(request.Page - 1) : null,
            result.NextCursor is null ? null : request.After is null && request.Page < SearchRequest.MaxPage ? urls.WithPage(request.Page + 1) : urls.WithCursor(result.NextCursor),
            suggestions));
    }

    private string SortLabel(SearchSort sort) => sort switch
    {
        SearchSort.PriceAsc => l["Price: low to high"],
        SearchSort.PriceDesc => l["Price: high to low"],
        SearchSort.Newest => l["Newest"],
        SearchSort.Sales => l["Best selling"],
        SearchSort.Credit => l["Best vendor credit"],
        _ => l["Best match"],
    };

    /// <summary>Drops control characters, folds white space and full-width forms, and caps the length.</summary>
    public static string Normalize(string? q)
    {
        if (string.IsNullOrEmpty(q)) return "";
        var folded = (q.Length > MaxQueryLength * 4 ? q[..(MaxQueryLength * 4)] : q).Normalize(System.Text.NormalizationForm.FormKC);
        var sb = new System.Text.StringBuilder(Math.Min(folded.Length, MaxQueryLength));
        var space = false;
        foreach (var c in folded)
        {
            if (sb.Length >= MaxQueryLength) break;
            if (char.IsControl(c) || char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.ToString().Trim();
    }
}
