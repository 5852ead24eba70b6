using Marketplace.Web.Features.Storefront;
using Marketplace.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Features.Search;

public sealed record SearchViewModel(string Query, string? Message, ProductPage? Page);

/// <summary>
/// /search?q=… — for now a substring match over listed product names in the database (the baseline that the
/// full-text engine of the search issue replaces and is benchmarked against). The URL and parameters stay.
/// </summary>
[PublicCache]
public sealed class SearchController(StorefrontQueries queries) : Controller
{
    public const int MaxQueryLength = 100;

    [HttpGet("/search")]
    public async Task<IActionResult> Index(string? q, int? after, int? before, int? page, CancellationToken ct)
    {
        var query = Normalize(q);
        if (query.Length == 0)
            return View(new SearchViewModel("", null, null));
        if (query.Length > MaxQueryLength)
            return View(new SearchViewModel(query[..MaxQueryLength],
                $"搜索词过长，最多{MaxQueryLength}个字 / The query is too long (at most {MaxQueryLength} characters).", null));

        // Contains() becomes instr()/CHARINDEX, so %, _ and [ in the query are matched literally.
        var matches = queries.Visible.Where(p => p.Name.Contains(query));
        var result = await StorefrontQueries.PageAsync(matches, PageRequest.From(after, before, page), ct);
        return View(new SearchViewModel(query, null, result));
    }

    /// <summary>Drops control characters and folds runs of white space; full-width letters and digits become half-width.</summary>
    public static string Normalize(string? q)
    {
        if (string.IsNullOrEmpty(q)) return "";
        var folded = q.Normalize(System.Text.NormalizationForm.FormKC);
        var sb = new System.Text.StringBuilder(Math.Min(folded.Length, MaxQueryLength + 1));
        var space = false;
        foreach (var c in folded)
        {
            if (sb.Length > MaxQueryLength) break;
            if (char.IsControl(c) || char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
