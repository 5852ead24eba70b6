using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Domain;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Search;

/// <summary>
/// The embedded search index: one writer per process, near-real-time readers through a SearcherManager refreshed
/// after every applied batch. The change-feed cursor is stored in the commit's user data, so the documents and the
/// position they reflect are committed together: a crash replays from the last commit, and replays are upserts.
/// </summary>
public sealed class LuceneSearchIndex : ISearchIndex, IDisposable
{
    public const string CursorKey = "feed_cursor";

    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Fields whose matches add to the score on top of the catch-all field every term must match.</summary>
    internal static readonly (string Field, float Boost)[] BoostFields = [("name", 3f), ("category", 1.5f)];

    /// <summary>Index size from which a search spreads its segments over several threads (tests lower it).</summary>
    internal int ParallelFromDocs { get; init; } = ColumnSearch.DefaultParallelFromDocs;

    public LuceneSearchIndex(string path) : this(FSDirectory.Open(System.IO.Directory.CreateDirectory(path).FullName)) { }

    public LuceneSearchIndex(LuceneDirectory directory)
    {
        _directory = directory;
        var config = new IndexWriterConfig(ChineseAnalyzer.Version, new ChineseAnalyzer(outputUnigrams: true))
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            RAMBufferSizeMB = 64,
        };
        _writer = new IndexWriter(_directory, config);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
    }

    public async Task ApplyAsync(IReadOnlyCollection<ProductDocument> upserts, IReadOnlyCollection<int> deletes, long feedCursor, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            foreach (var id in deletes) _writer.DeleteDocuments(new Term("id", Key(id)));
            foreach (var doc in upserts) _writer.UpdateDocument(new Term("id", Key(doc.Id)), ToLucene(doc));
            var current = ReadCursor();
            _writer.SetCommitData(new Dictionary<string, string> { [CursorKey] = Math.Max(current, feedCursor).ToString(CultureInfo.InvariantCulture) });
            _writer.Commit();
            _searchers.MaybeRefreshBlocking();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<long> GetFeedCursorAsync(CancellationToken ct) => Task.FromResult(ReadCursor());

    private long ReadCursor() =>
        _writer.CommitData is { } data && data.TryGetValue(CursorKey, out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public async Task ClearAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            _writer.DeleteAll();
            _writer.SetCommitData(new Dictionary<string, string> { [CursorKey] = "0" });
            _writer.Commit();
            _searchers.MaybeRefreshBlocking();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<long> CountAsync(CancellationToken ct)
    {
        var searcher = _searchers.Acquire();
        try { return Task.FromResult((long)searcher.IndexReader.NumDocs); }
        finally { _searchers.Release(searcher); }
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text is indexed for matching and scoring only: documents and frequencies, no positions (no phrase queries).</summary>
    private static readonly FieldType Text = new(TextField.TYPE_NOT_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS };

    static LuceneSearchIndex() => Text.Freeze();

    /// <summary>
    /// A product as the index keeps it: the id term (for updates and deletes), three text fields, and doc values that
    /// searches read into <see cref="SegmentColumns"/> (id, packed facet keys, the sort keys). Filters are tested
    /// against the packed facet keys, so no per-facet terms are indexed.
    /// </summary>
    internal static Document ToLucene(ProductDocument d) =>
    [
        new StringField("id", Key(d.Id), Field.Store.NO),
        new NumericDocValuesField("id_dv", d.Id),
        new Field("name", d.Name, Text),
        new Field("category", d.CategoryName, Text),
        // Matching uses one catch-all field: one posting list per term instead of a disjunction over six.
        new Field("all", string.Join(' ', d.Name, d.CategoryName, d.VendorName, d.ProvinceName, d.CountyName,
            string.Join(' ', CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(CertificationLabel)), d.Description), Text),
        new NumericDocValuesField(FacetKeys.Field, FacetKeys.Pack(d.CountyId, d.CategoryId, d.Certifications, d.PriceFen)),
        new NumericDocValuesField("price_dv", d.PriceFen),
        new NumericDocValuesField("listed_dv", d.ListedAt.Ticks),
        new NumericDocValuesField("sales_dv", d.SalesCount),
    ];

    public static readonly Certification[] CertificationFlags =
        [Certification.Green, Certification.Organic, Certification.GeographicalIndication, Certification.QualifiedCertificate];

    public static string CertificationLabel(Certification c) => c switch
    {
        Certification.Green => "绿色食品",
        Certification.Organic => "有机产品",
        Certification.GeographicalIndication => "地理标志",
        _ => "承诺达标合格证",
    };

    public Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        var terms = ChineseAnalyzer.QueryTerms(request.Query);
        var size = Math.Clamp(request.PageSize, 1, 100);
        var after = Cursor.Decode(request.After, request.Sort);
        var page = after is null ? Math.Clamp(request.Page, 1, SearchRequest.MaxPage) : 1;

        var searcher = _searchers.Acquire();
        try
        {
            var outcome = new ColumnSearch(searcher, request, terms, page * size, after, ParallelFromDocs).Run();
            var top = outcome.Top.Sorted();
            var skip = (page - 1) * size;
            var hits = new List<SearchHit>(Math.Max(0, Math.Min(size, top.Length - skip)));
            for (var i = skip; i < top.Length && hits.Count < size; i++)
                hits.Add(new SearchHit(top[i].Id, request.Sort == SearchSort.Relevance ? NumericUtils.SortableInt32ToSingle((int)top[i].Key) : 0));
            var consumed = (long)skip + hits.Count;
            var hasMore = after is null ? outcome.Total > consumed : hits.Count == size && top.Length == size;
            var next = hasMore && hits.Count > 0 ? Cursor.Encode(request.Sort, top[skip + hits.Count - 1]) : null;
            return Task.FromResult(new SearchResult(outcome.Total, hits, ColumnSearch.Facets(outcome), next, terms));
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _writeLock.Dispose();
    }
}
