using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Marketplace.Search;

namespace Marketplace.Tools;

/// <summary>
/// The baseline bench-search measures the engine against, in the same run on the same index: what Lucene's own API
/// does for the same request, as this project did before its array-based executor — a BooleanQuery (MUST all:t,
/// SHOULD name:t^3 and category:t^1.5 per term) through IndexSearcher with a TopFieldCollector, and every hit's
/// packed facet keys read through BinaryDocValues for the filters and the facet counts.
/// </summary>
internal sealed class ReferenceSearch : IDisposable
{
    private readonly Lucene.Net.Store.Directory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    public ReferenceSearch(string indexPath)
    {
        var pointer = Path.Combine(indexPath, LuceneSearchIndex.PointerFile);
        var generation = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : "";
        _directory = FSDirectory.Open(Path.Combine(indexPath, generation));
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader);
    }

    /// <summary>Runs the request; returns the number of matches (the first page and the facet counts are computed too).</summary>
    public long Run(SearchRequest r)
    {
        var query = LuceneReference.TermsQuery(ChineseAnalyzer.QueryTerms(r.Query));
        var sort = LuceneReference.SortFor(r.Sort);
        var top = TopFieldCollector.Create(sort, r.PageSize, null, true, r.Sort == SearchSort.Relevance, false, false);
        var collector = new FilteringFacetCollector(top, ColumnSearch.Filter.From(r));
        _searcher.Search(query, collector);
        var docs = top.GetTopDocs(0, r.PageSize);
        foreach (var sd in docs.ScoreDocs) _ = sd.Doc;
        return collector.Total;
    }

    private sealed class FilteringFacetCollector(ICollector top, ColumnSearch.Filter filter) : ICollector
    {
        private BinaryDocValues? _columns;
        private readonly Lucene.Net.Util.BytesRef _scratch = new();
        private readonly long[] _categories = new long[256], _certs = new long[16], _prices = new long[8];
        private readonly Dictionary<int, long> _counties = [];
        public long Total;

        public bool AcceptsDocsOutOfOrder => top.AcceptsDocsOutOfOrder;
        public void SetScorer(Scorer scorer) => top.SetScorer(scorer);

        public void SetNextReader(AtomicReaderContext context)
        {
            top.SetNextReader(context);
            _columns = context.AtomicReader.GetBinaryDocValues(PackedColumns.Field);
        }

        public void Collect(int doc)
        {
            var packed = PackedColumns.Get(_columns, doc, _scratch, PackedColumns.Facets);
            if (!filter.Matches(packed)) return;
            Total++;
            top.Collect(doc);
            _categories[FacetKeys.Category(packed)]++;
            _certs[FacetKeys.Certs(packed)]++;
            _prices[FacetKeys.PriceBand(packed)]++;
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counties, FacetKeys.County(packed), out _)++;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }
}
