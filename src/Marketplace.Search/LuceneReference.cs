using Lucene.Net.Index;
using Lucene.Net.Search;

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
        var id = new SortField("id_dv", SortFieldType.INT64, true);
        return sort switch
        {
            SearchSort.PriceAsc => new Sort(new SortField("price_dv", SortFieldType.INT64), id),
            SearchSort.PriceDesc => new Sort(new SortField("price_dv", SortFieldType.INT64, true), id),
            SearchSort.Newest => new Sort(new SortField("listed_dv", SortFieldType.INT64, true), id),
            SearchSort.Sales => new Sort(new SortField("sales_dv", SortFieldType.INT64, true), id),
            SearchSort.Credit => new Sort(new SortField("credit_dv", SortFieldType.INT64, true), id),
            _ => new Sort(SortField.FIELD_SCORE, id),
        };
    }

    /// <summary>
    /// Wraps a collector so that every score it reads is multiplied by the hit's vendor-grade boost, as
    /// <see cref="ColumnSearch"/> does (the same float product of the same two floats).
    /// </summary>
    public static ICollector BoostedByGrade(ICollector inner) => new GradeBoostCollector(inner);

    private sealed class GradeBoostCollector(ICollector inner) : ICollector
    {
        private NumericDocValues? _facets;
        private int _doc;

        public void SetScorer(Scorer scorer) => inner.SetScorer(new BoostedScorer(scorer, this));

        public void Collect(int doc)
        {
            _doc = doc;
            inner.Collect(doc);
        }

        public void SetNextReader(AtomicReaderContext context)
        {
            _facets = context.AtomicReader.GetNumericDocValues(FacetKeys.Field);
            inner.SetNextReader(context);
        }

        public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;

        private float Boost() => ColumnSearch.GradeBoosts[_facets is null ? 0 : FacetKeys.Grade(_facets.Get(_doc))];

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
