using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Marketplace.Search;

/// <summary>
/// The query and order <see cref="ColumnSearch"/> must answer as, in Lucene's own terms: a BooleanQuery (MUST all:t,
/// SHOULD name:t^3 and category:t^1.5 per term; every document without terms) and a Sort ending with the product id.
/// The equivalence tests and bench-search run these through IndexSearcher as the oracle and the baseline.
/// </summary>
internal static class LuceneReference
{
    public static BooleanQuery TermsQuery(IReadOnlyList<string> terms)
    {
        var query = new BooleanQuery();
        if (terms.Count == 0) query.Add(new MatchAllDocsQuery(), Occur.MUST);
        foreach (var t in terms)
        {
            query.Add(new TermQuery(new Term("all", t)), Occur.MUST);
            foreach (var (field, boost) in LuceneSearchIndex.BoostFields) query.Add(new TermQuery(new Term(field, t)) { Boost = boost }, Occur.SHOULD);
        }
        return query;
    }

    public static Sort SortFor(SearchSort sort)
    {
        var id = Column(r => PackedColumns.Id(r), reverse: true);
        return sort switch
        {
            SearchSort.PriceAsc => new Sort(Column(PackedColumns.Price, reverse: false), id),
            SearchSort.PriceDesc => new Sort(Column(PackedColumns.Price, reverse: true), id),
            SearchSort.Newest => new Sort(Column(PackedColumns.Listed, reverse: true), id),
            SearchSort.Sales => new Sort(Column(r => PackedColumns.Sales(r), reverse: true), id),
            SearchSort.Credit => new Sort(Column(PackedColumns.Credit, reverse: true), id),
            _ => new Sort(SortField.FIELD_SCORE, id),
        };
    }

    private static SortField Column(Func<ReadOnlySpan<byte>, long> column, bool reverse) =>
        new(PackedColumns.Field, new ColumnComparerSource(column), reverse);

    /// <summary>Orders by one column of the packed doc value, as Lucene's own comparer orders a numeric doc value.</summary>
    private sealed class ColumnComparerSource(Func<ReadOnlySpan<byte>, long> column) : FieldComparerSource
    {
        public override FieldComparer NewComparer(string fieldname, int numHits, int sortPos, bool reversed) => new Comparer(numHits, column);

        private sealed class Comparer(int numHits, Func<ReadOnlySpan<byte>, long> column) : FieldComparer<J2N.Numerics.Int64>
        {
            private readonly long[] _slots = new long[numHits];
            private readonly BytesRef _scratch = new();
            private BinaryDocValues? _values;
            private long _bottom, _top;

            private long Value(int doc) => PackedColumns.Get(_values, doc, _scratch, column);
            public override int Compare(int slot1, int slot2) => _slots[slot1].CompareTo(_slots[slot2]);
            public override void SetBottom(int slot) => _bottom = _slots[slot];
            public override void SetTopValue(J2N.Numerics.Int64 value) => _top = value.ToInt64();
            public override int CompareBottom(int doc) => _bottom.CompareTo(Value(doc));
            public override int CompareTop(int doc) => _top.CompareTo(Value(doc));
            public override void Copy(int slot, int doc) => _slots[slot] = Value(doc);
            public override FieldComparer SetNextReader(AtomicReaderContext context)
            {
                _values = context.AtomicReader.GetBinaryDocValues(PackedColumns.Field);
                return this;
            }
            public override J2N.Numerics.Int64 this[int slot] => J2N.Numerics.Int64.GetInstance(_slots[slot]);
        }
    }

    /// <summary>
    /// Wraps a collector so that every score it reads is multiplied by the hit's vendor-grade boost, as
    /// <see cref="ColumnSearch"/> does (the same float product of the same two floats).
    /// </summary>
    public static ICollector BoostedByGrade(ICollector inner) => new GradeBoostCollector(inner);

    private sealed class GradeBoostCollector(ICollector inner) : ICollector
    {
        private BinaryDocValues? _columns;
        private readonly BytesRef _scratch = new();
        private int _doc;

        public void SetScorer(Scorer scorer) => inner.SetScorer(new BoostedScorer(scorer, this));

        public void Collect(int doc)
        {
            _doc = doc;
            inner.Collect(doc);
        }

        public void SetNextReader(AtomicReaderContext context)
        {
            _columns = context.AtomicReader.GetBinaryDocValues(PackedColumns.Field);
            inner.SetNextReader(context);
        }

        public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;

        private float Boost() => ColumnSearch.GradeBoosts[FacetKeys.Grade(PackedColumns.Get(_columns, _doc, _scratch, PackedColumns.Facets))];

        private sealed class BoostedScorer(Scorer scorer, GradeBoostCollector owner) : Scorer(scorer.Weight)
        {
            public override float GetScore() => scorer.GetScore() * owner.Boost();
            public override int Freq => scorer.Freq;
            public override int DocID => scorer.DocID;
            public override int NextDoc() => scorer.NextDoc();
            public override int Advance(int target) => scorer.Advance(target);
            public override long GetCost() => scorer.GetCost();
        }
    }
}
