using Marketplace.Domain;
using Marketplace.Domain.Credit;

namespace Marketplace.Search;

/// <summary>What the index knows of a listed product: the searchable text, the facet keys and the sort keys.</summary>
public sealed record ProductDocument(
    int Id, string Name, string Description, string VendorName, int CategoryId, string CategoryName,
    int ProvinceId, string ProvinceName, int CountyId, string CountyName, Certification Certifications,
    long PriceFen, DateTime ListedAt, int SalesCount, string? CoverPhotoKey)
{
    /// <summary>The vendor's credit grade: a filter, a sort and a small relevance boost (see <see cref="CreditPolicy"/>).</summary>
    public CreditGrade VendorGrade { get; init; }
}

public enum SearchSort
{
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
    Sales,
    /// <summary>Best vendor credit grade first, then best-selling.</summary>
    Credit,
}

/// <summary>Fixed price bands for the price facet, in fen (upper bound exclusive).</summary>
public static class PriceBands
{
    public sealed record Band(string Key, long FromFen, long ToFen, string Label);

    public static readonly IReadOnlyList<Band> All =
    [
        new("0-30", 0, 3_000, "¥30以下"),
        new("30-60", 3_000, 6_000, "¥30–60"),
        new("60-100", 6_000, 10_000, "¥60–100"),
        new("100-200", 10_000, 20_000, "¥100–200"),
        new("200-", 20_000, long.MaxValue, "¥200以上"),
    ];

    public static Band? Find(string? key) => All.FirstOrDefault(b => b.Key == key);

    public static int IndexOf(long fen)
    {
        for (var i = 0; i < All.Count; i++) if (fen >= All[i].FromFen && fen < All[i].ToFen) return i;
        return All.Count - 1;
    }
}

public sealed record SearchRequest
{
    public string Query { get; init; } = "";
    public IReadOnlyList<int> CategoryIds { get; init; } = [];
    public IReadOnlyList<int> ProvinceIds { get; init; } = [];
    public IReadOnlyList<int> CountyIds { get; init; } = [];
    public Certification Certifications { get; init; }
    public string? PriceBand { get; init; }
    /// <summary>Vendor credit grades to keep (any of them); empty: all.</summary>
    public IReadOnlyList<CreditGrade> Grades { get; init; } = [];
    public SearchSort Sort { get; init; }
    /// <summary>1-based page for shallow paging; deep pages continue from <see cref="After"/>.</summary>
    public int Page { get; init; } = 1;
    /// <summary>An opaque cursor from a previous result's <see cref="SearchResult.NextCursor"/>.</summary>
    public string? After { get; init; }
    public int PageSize { get; init; } = 24;

    public const int MaxPage = 100;
}

public sealed record SearchHit(int Id, float Score);

public sealed record FacetCount(string Key, string Label, long Count);

public sealed record SearchResult(
    long Total, IReadOnlyList<SearchHit> Hits, IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets,
    string? NextCursor, IReadOnlyList<string> Terms);

/// <summary>The search port. Lucene (embedded) and Elasticsearch implement it; the web app knows only this.</summary>
public interface ISearchIndex
{
    /// <summary>Adds or replaces documents and removes ids, then records the change-feed position, atomically.</summary>
    Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct);

    /// <summary>The last change-feed id the index has applied (0 when empty).</summary>
    Task<long> GetFeedCursorAsync(CancellationToken ct);

    /// <summary>
    /// Makes applied changes durable if they are not yet (an engine that makes them visible before durable, as
    /// Elasticsearch's refresh precedes its flush). The feed follower calls it on every round; an engine decides when it
    /// is due. Changes not yet durable at a crash are replayed from the durable cursor, so none is lost.
    /// </summary>
    Task FlushAsync(bool force, CancellationToken ct) => Task.CompletedTask;

    Task ClearAsync(CancellationToken ct);

    /// <summary>
    /// Whether the index was written by this version (its documents' layout and fields); one written by an earlier
    /// version is rebuilt at start (beside, then swapped in), not read wrongly.
    /// </summary>
    Task<bool> HasCurrentFormatAsync(CancellationToken ct);

    /// <summary>
    /// Starts a full rebuild, built beside the live index and swapped in on completion (a new generation folder for the
    /// embedded index, a new index behind the alias on a cluster), so searches never see a partial or empty index.
    /// </summary>
    Task<IIndexBuild> BeginRebuildAsync(CancellationToken ct);

    Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct);

    Task<long> CountAsync(CancellationToken ct);
}

/// <summary>A rebuild in progress: documents may be added from several threads at once.</summary>
public interface IIndexBuild : IDisposable
{
    Task AddAsync(IReadOnlyCollection<ProductDocument> documents, CancellationToken ct);

    /// <summary>Commits the build with the change-feed position it reflects, and makes it the live index.</summary>
    Task CompleteAsync(long feedCursor, CancellationToken ct);
}
