using Marketplace.Web.Features.Storefront;

namespace Marketplace.Web.Features.Search;

public sealed record FacetOption(string Key, string Label, long Count, bool Selected, string Url);

public sealed record FacetGroup(string Name, string Title, IReadOnlyList<FacetOption> Options);

public sealed record Chip(string Label, string RemoveUrl);

public sealed record SortOption(string Key, string Label, bool Selected, string Url);

public sealed record SearchPageViewModel(
    string Query, string? Message, long Total, IReadOnlyList<ProductCard> Items, IReadOnlyDictionary<int, string> HighlightedNames,
    IReadOnlyList<FacetGroup> Facets, IReadOnlyList<Chip> Chips, IReadOnlyList<SortOption> Sorts,
    int Page, string? PreviousUrl, string? NextUrl, IReadOnlyList<Chip> Suggestions);
