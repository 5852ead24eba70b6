using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
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
    private static readonly (string Field, float Boost)[] BoostFields = [("name", 3f), ("category", 1.5f)];

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

    private static Document ToLucene(ProductDocument d)
    {
        var doc = new Document
        {
            new StringField("id", Key(d.Id), Field.Store.YES),
            new NumericDocValuesField("id_dv", d.Id),
            new TextField("name", d.Name, Field.Store.NO),
            new TextField("category", d.CategoryName, Field.Store.NO),
            // Matching uses one catch-all field: one posting list per term instead of a disjunction over six.
            new TextField("all", string.Join(' ', d.Name, d.CategoryName, d.VendorName, d.ProvinceName, d.CountyName,
                string.Join(' ', CertificationFlags.Where(c => d.Certifications.HasFlag(c)).Select(CertificationLabel)), d.Description), Field.Store.NO),
            new NumericDocValuesField(FacetKeys.Field, FacetKeys.Pack(d.CountyId, d.CategoryId, d.Certifications, d.PriceFen)),
            new StringField("category_id", Key(d.CategoryId), Field.Store.NO),
            new StringField("province_id", Key(d.ProvinceId), Field.Store.NO),
            new StringField("county_id", Key(d.CountyId), Field.Store.NO),
            new Int64Field("price", d.PriceFen, Field.Store.NO),
            new NumericDocValuesField("price_dv", d.PriceFen),
            new NumericDocValuesField("listed_dv", d.ListedAt.Ticks),
            new NumericDocValuesField("sales_dv", d.SalesCount),
        };
        foreach (var c in CertificationFlags.Where(c => d.Certifications.HasFlag(c)))
        {
            doc.Add(new StringField("cert_id", c.ToString(), Field.Store.NO));
        }
        return doc;
    }

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
        var query = BuildQuery(request, terms);
        var sort = SortFor(request.Sort);
        var size = Math.Clamp(request.PageSize, 1, 100);
        var after = Cursor.Decode(request.After, request.Sort);
        var page = after is null ? Math.Clamp(request.Page, 1, SearchRequest.MaxPage) : 1;

        var searcher = _searchers.Acquire();
        try
        {
            // Scores are computed only when they order the results.
            var top = TopFieldCollector.Create(sort, page * size, after, fillFields: true,
                trackDocScores: request.Sort == SearchSort.Relevance, trackMaxScore: false, docsScoredInOrder: false);
            var facets = new FacetCollector();
            searcher.Search(query, MultiCollector.Wrap(top, facets));
            var docs = top.GetTopDocs((page - 1) * size, size);
            var hits = new List<SearchHit>(docs.ScoreDocs.Length);
            FieldDoc? last = null;
            foreach (var sd in docs.ScoreDocs)
            {
                var stored = searcher.Doc(sd.Doc);
                hits.Add(new SearchHit(int.Parse(stored.Get("id"), CultureInfo.InvariantCulture), float.IsNaN(sd.Score) ? 0 : sd.Score));
                last = (FieldDoc)sd;
            }
            var consumed = (long)(page - 1) * size + hits.Count;
            var hasMore = after is null ? docs.TotalHits > consumed : hits.Count == size;
            var next = hasMore && last is not null ? Cursor.Encode(last, request.Sort) : null;
            return Task.FromResult(new SearchResult(docs.TotalHits, hits, facets.ToFacets(), next, terms));
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    internal static Query BuildQuery(SearchRequest request, IReadOnlyList<string> terms)
    {
        var query = new BooleanQuery();
        if (terms.Count == 0) query.Add(new MatchAllDocsQuery(), Occur.MUST);
        foreach (var term in terms)
        {
            // Each term must occur somewhere; occurring in the name or the category ranks higher.
            query.Add(new TermQuery(new Term("all", term)), Occur.MUST);
            foreach (var (field, boost) in BoostFields) query.Add(new TermQuery(new Term(field, term)) { Boost = boost }, Occur.SHOULD);
        }
        AddFilter(query, "category_id", request.CategoryIds.Select(Key));
        AddFilter(query, "province_id", request.ProvinceIds.Select(Key));
        AddFilter(query, "county_id", request.CountyIds.Select(Key));
        AddFilter(query, "cert_id", CertificationFlags.Where(c => request.Certifications.HasFlag(c)).Select(c => c.ToString()));
        if (PriceBands.Find(request.PriceBand) is { } band)
            query.Add(new ConstantScoreQuery(NumericRangeQuery.NewInt64Range("price", band.FromFen, band.ToFen == long.MaxValue ? null : band.ToFen, true, false)) { Boost = 0 }, Occur.MUST);
        return query;
    }

    /// <summary>Values of one facet are alternatives (OR); different facets narrow each other (AND). Filters do not score.</summary>
    private static void AddFilter(BooleanQuery query, string field, IEnumerable<string> values)
    {
        var list = values.Distinct().Take(50).ToList();
        if (list.Count == 0) return;
        var any = new BooleanQuery();
        foreach (var v in list) any.Add(new TermQuery(new Term(field, v)), Occur.SHOULD);
        query.Add(new ConstantScoreQuery(any) { Boost = 0 }, Occur.MUST);
    }

    /// <summary>Every order ends with the product id, so that equal keys still give one stable order across pages.</summary>
    internal static Sort SortFor(SearchSort sort) => sort switch
    {
        SearchSort.PriceAsc => new Sort(new SortField("price_dv", SortFieldType.INT64), new SortField("id_dv", SortFieldType.INT64, true)),
        SearchSort.PriceDesc => new Sort(new SortField("price_dv", SortFieldType.INT64, true), new SortField("id_dv", SortFieldType.INT64, true)),
        SearchSort.Newest => new Sort(new SortField("listed_dv", SortFieldType.INT64, true), new SortField("id_dv", SortFieldType.INT64, true)),
        SearchSort.Sales => new Sort(new SortField("sales_dv", SortFieldType.INT64, true), new SortField("id_dv", SortFieldType.INT64, true)),
        _ => new Sort(SortField.FIELD_SCORE, new SortField("id_dv", SortFieldType.INT64, true)),
    };

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _writeLock.Dispose();
    }
}
