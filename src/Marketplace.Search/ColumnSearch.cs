using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Marketplace.Domain;
using Marketplace.Domain.Credit;

namespace Marketplace.Search;

/// <summary>
/// Runs a product search in one pass per segment, segments in parallel: the query's term postings (Lucene's own term
/// scorers, normalised as a BooleanQuery would be, so ranking is Lucene's TF-IDF with the same boosts and coord), the
/// filters and facets from <see cref="SegmentColumns"/> arrays, and the first pages kept in a bounded heap.
/// Every matching document is counted into the facets, so counts stay exact; nothing is cached between searches.
/// </summary>
internal sealed class ColumnSearch
{
    /// <summary>Below this many documents one thread is quicker than handing segments to others.</summary>
    public const int DefaultParallelFromDocs = 100_000;

    private readonly IndexSearcher _searcher;
    private readonly SearchRequest _request;
    private readonly Clause[] _required;   // all:term, one per term
    private readonly Clause[] _optional;   // name:term^3 and category:term^1.5, per term
    private readonly float[] _coord;       // by number of matching clauses
    private readonly float[] _normTable;   // a field norm's byte → its length normalisation
    private readonly Filter _filter;
    private readonly int _wanted;
    private readonly (long Key, int Id)? _after;
    private readonly int _parallelFromDocs;

    /// <summary>A term clause with its TF-IDF weight: score = tf(freq) × Weight × norm(doc), as Lucene's TermScorer.</summary>
    private sealed record Clause(string Field, BytesRef Term, float Weight);

    public ColumnSearch(IndexSearcher searcher, SearchRequest request, IReadOnlyList<string> terms, int wanted, (long Key, int Id)? after,
        int parallelFromDocs = DefaultParallelFromDocs)
    {
        _parallelFromDocs = parallelFromDocs;
        _searcher = searcher;
        _request = request;
        _wanted = wanted;
        _after = after;
        _filter = Filter.From(request);
        var sim = searcher.Similarity as TFIDFSimilarity ?? new DefaultSimilarity();
        _normTable = Enumerable.Range(0, 256).Select(b => sim.DecodeNormValue(b)).ToArray();

        // What IndexSearcher.CreateNormalizedWeight computes for the equivalent BooleanQuery (MUST all:t, SHOULD
        // name:t^3, SHOULD category:t^1.5 per term, filters as constant-score clauses with boost 0): an idf per
        // term, one query norm over all clauses, and coord by the number of matching clauses.
        (string Field, string Term, float Boost, float Idf) Stats(string field, string term, float boost)
        {
            var t = new Term(field, term);
            var termStats = searcher.TermStatistics(t, TermContext.Build(searcher.TopReaderContext, t));
            return (field, term, boost, sim.Idf(termStats.DocFreq, searcher.CollectionStatistics(field).MaxDoc));
        }
        var required = terms.Select(t => Stats("all", t, 1f)).ToList();
        var optional = terms.SelectMany(t => LuceneSearchIndex.BoostFields.Select(b => Stats(b.Field, t, b.Boost))).ToList();
        var sum = required.Concat(optional).Sum(c => (c.Idf * c.Boost) * (c.Idf * c.Boost));
        var norm = sim.QueryNorm(sum);
        if (float.IsInfinity(norm) || float.IsNaN(norm)) norm = 1f;
        Clause Make((string Field, string Term, float Boost, float Idf) c) => new(c.Field, new BytesRef(c.Term), c.Idf * c.Boost * norm * c.Idf);
        _required = required.Select(Make).ToArray();
        _optional = optional.Select(Make).ToArray();
        var maxCoord = _required.Length + _optional.Length + _filter.Clauses;
        _coord = new float[maxCoord + 1];
        for (var i = 0; i <= maxCoord; i++) _coord[i] = maxCoord <= 1 ? 1f : sim.Coord(i, maxCoord);
    }

    public sealed class Outcome
    {
        public long Total;
        public readonly long[] Categories = new long[256];
        public readonly long[] Certs = new long[16];
        public readonly long[] Prices = new long[8];
        public readonly long[] Grades = new long[8];
        public long[] Counties = new long[Math.Max(64, SegmentColumns.CountyOrdinalCount)];
        public TopHeap Top = null!;

        public void Add(Outcome other)
        {
            Total += other.Total;
            for (var i = 0; i < Categories.Length; i++) Categories[i] += other.Categories[i];
            for (var i = 0; i < Certs.Length; i++) Certs[i] += other.Certs[i];
            for (var i = 0; i < Prices.Length; i++) Prices[i] += other.Prices[i];
            for (var i = 0; i < Grades.Length; i++) Grades[i] += other.Grades[i];
            if (other.Counties.Length > Counties.Length) Array.Resize(ref Counties, other.Counties.Length);
            for (var i = 0; i < other.Counties.Length; i++) Counties[i] += other.Counties[i];
            Top.AddAll(other.Top);
        }
    }

    public Outcome Run()
    {
        var leaves = _searcher.IndexReader.Leaves;
        var totalDocs = leaves.Sum(l => l.AtomicReader.MaxDoc);
        var slices = totalDocs < _parallelFromDocs || leaves.Count < 2 ? 1 : Math.Min(Math.Min(Environment.ProcessorCount, 4), leaves.Count);
        // Largest segments first, each to the slice with the least work so far.
        var groups = Enumerable.Range(0, slices).Select(_ => new List<AtomicReaderContext>()).ToArray();
        var load = new long[slices];
        foreach (var leaf in leaves.OrderByDescending(l => l.AtomicReader.MaxDoc))
        {
            var i = Array.IndexOf(load, load.Min());
            groups[i].Add(leaf);
            load[i] += leaf.AtomicReader.MaxDoc;
        }
        var outcomes = new Outcome[slices];
        if (slices == 1) outcomes[0] = RunSlice(groups[0]);
        else Parallel.For(0, slices, i => outcomes[i] = RunSlice(groups[i]));
        for (var i = 1; i < slices; i++) outcomes[0].Add(outcomes[i]);
        return outcomes[0];
    }

    private Outcome RunSlice(List<AtomicReaderContext> leaves)
    {
        var outcome = new Outcome { Top = new TopHeap(_wanted) };
        foreach (var leaf in leaves) RunSegment(leaf, outcome);
        return outcome;
    }

    private static DocsEnum? Postings(AtomicReader reader, Clause clause, IBits? live, bool freqs)
    {
        var terms = reader.GetTerms(clause.Field);
        if (terms is null) return null;
        var e = terms.GetEnumerator();
        return e.SeekExact(clause.Term) ? e.Docs(live, null, freqs ? DocsFlags.FREQS : DocsFlags.NONE) : null;
    }

    private void RunSegment(AtomicReaderContext leaf, Outcome o)
    {
        var reader = leaf.AtomicReader;
        var live = reader.LiveDocs;
        var scoring = _request.Sort == SearchSort.Relevance;
        var required = new DocsEnum[_required.Length];
        var requiredClause = new Clause[_required.Length];
        for (var i = 0; i < required.Length; i++)
        {
            var docs = Postings(reader, _required[i], live, scoring);
            if (docs is null) return; // a required term absent from this segment: nothing here matches
            required[i] = docs;
            requiredClause[i] = _required[i];
        }
        // The rarest term leads the conjunction; the others are advanced to its documents.
        Array.Sort(required.Select(d => d.GetCost()).ToArray(), requiredClause);
        Array.Sort(required.Select(d => d.GetCost()).ToArray(), required);
        var optional = scoring ? _optional.Select(c => Postings(reader, c, live, true)).ToArray() : [];

        var cols = SegmentColumns.For(reader);
        var requiredNorms = requiredClause.Select(c => cols.Norms(reader, c.Field)).ToArray();
        var optionalNorms = _optional.Select(c => scoring ? cols.Norms(reader, c.Field) : null).ToArray();
        if (SegmentColumns.CountyOrdinalCount > o.Counties.Length) Array.Resize(ref o.Counties, SegmentColumns.CountyOrdinalCount + 64);
        long[] counties = o.Counties, categories = o.Categories, certs = o.Certs, prices = o.Prices, grades = o.Grades;
        var boosts = GradeBoosts;
        long[] facets = cols.Facets;
        int[] countyOf = cols.Counties, ids = cols.Ids;
        var keys = _request.Sort switch
        {
            SearchSort.PriceAsc or SearchSort.PriceDesc => cols.Prices,
            SearchSort.Newest => cols.Listed,
            SearchSort.Sales => cols.Sales,
            SearchSort.Credit => cols.Credit,
            _ => null,
        };
        var negate = _request.Sort == SearchSort.PriceAsc; // the heap keeps the largest keys: ascending orders negate
        var filter = _filter;
        var filterClauses = filter.Clauses;
        var normTable = _normTable;
        var coord = _coord;
        var top = o.Top;
        var after = _after;
        var maxDoc = reader.MaxDoc;
        long total = 0;

        var doc = -1;
        while (true)
        {
            // Next candidate: the next document every required term (or, without terms, every live document) has.
            if (required.Length == 0)
            {
                do doc++; while (doc < maxDoc && live is not null && !live.Get(doc));
                if (doc >= maxDoc) break;
            }
            else
            {
                doc = required[0].NextDoc();
                for (var i = 1; i < required.Length && doc != DocIdSetIterator.NO_MORE_DOCS;)
                {
                    var d = required[i].DocID < doc ? required[i].Advance(doc) : required[i].DocID;
                    if (d == doc) { i++; continue; }
                    doc = d == DocIdSetIterator.NO_MORE_DOCS ? d : required[0].Advance(d);
                    i = 1;
                }
                if (doc == DocIdSetIterator.NO_MORE_DOCS) break;
            }

            var packed = facets[doc];
            if (filterClauses > 0 && !filter.Matches(packed)) continue;

            total++;
            categories[FacetKeys.Category(packed)]++;
            certs[FacetKeys.Certs(packed)]++;
            prices[FacetKeys.PriceBand(packed)]++;
            grades[FacetKeys.Grade(packed)]++;
            counties[countyOf[doc]]++;

            long key;
            if (scoring)
            {
                var sum = 0f;
                for (var i = 0; i < required.Length; i++)
                    sum += Score(requiredClause[i].Weight, required[i].Freq, requiredNorms[i], doc, normTable);
                var overlap = required.Length + filterClauses;
                for (var i = 0; i < optional.Length; i++)
                {
                    var s = optional[i];
                    if (s is null) continue;
                    var d = s.DocID < doc ? s.Advance(doc) : s.DocID;
                    if (d != doc) continue;
                    sum += Score(_optional[i].Weight, s.Freq, optionalNorms[i], doc, normTable);
                    overlap++;
                }
                var score = (required.Length == 0 ? 1f : sum * coord[overlap]) * boosts[FacetKeys.Grade(packed)];
                key = NumericUtils.SingleToSortableInt32(score);
            }
            else
            {
                key = negate ? -keys![doc] : keys![doc];
            }
            var id = ids[doc];
            if (after is { } a && (key > a.Key || (key == a.Key && id >= a.Id))) continue; // at or before the cursor
            top.Offer(key, id);
        }
        o.Total += total;
    }

    /// <summary>The relevance factor per credit grade (indexed by the grade's value), as <see cref="LuceneReference"/> applies it.</summary>
    internal static readonly float[] GradeBoosts = Enumerable.Range(0, 8).Select(g => CreditPolicy.RelevanceBoost((CreditGrade)g)).ToArray();

    private static float Score(float weight, int freq, byte[]? norms, int doc, float[] normTable)
    {
        var raw = MathF.Sqrt(freq) * weight; // DefaultSimilarity: tf = √freq
        return norms is null ? raw : raw * normTable[norms[doc]];
    }

    /// <summary>The request's filters, tested against a document's packed facet keys.</summary>
    internal sealed class Filter
    {
        private readonly HashSet<int>? _categories, _provinces, _counties;
        private readonly int _certMask;
        private readonly int _priceBand;
        private readonly int _gradeMask;

        /// <summary>How many filter clauses the equivalent BooleanQuery would have (each counts for coord).</summary>
        public int Clauses { get; }

        private Filter(HashSet<int>? categories, HashSet<int>? provinces, HashSet<int>? counties, int certMask, int priceBand, int gradeMask)
        {
            (_categories, _provinces, _counties, _certMask, _priceBand, _gradeMask) = (categories, provinces, counties, certMask, priceBand, gradeMask);
            Clauses = (categories is null ? 0 : 1) + (provinces is null ? 0 : 1) + (counties is null ? 0 : 1) + (certMask == 0 ? 0 : 1) + (priceBand < 0 ? 0 : 1)
                      + (gradeMask == 0 ? 0 : 1);
        }

        public static Filter From(SearchRequest r)
        {
            static HashSet<int>? Set(IEnumerable<int> values) => values.Distinct().Take(50).ToHashSet() is { Count: > 0 } s ? s : null;
            var certMask = LuceneSearchIndex.CertificationFlags.Where(c => r.Certifications.HasFlag(c)).Aggregate(0, (m, c) => m | (int)c);
            var band = -1;
            for (var i = 0; i < PriceBands.All.Count; i++) if (PriceBands.All[i].Key == r.PriceBand) band = i;
            var gradeMask = r.Grades.Where(g => Enum.IsDefined(g)).Aggregate(0, (m, g) => m | 1 << (int)g);
            return new Filter(Set(r.CategoryIds), Set(r.ProvinceIds), Set(r.CountyIds), certMask, band, gradeMask);
        }

        public bool Matches(long packed)
        {
            if (_categories is not null && !_categories.Contains(FacetKeys.Category(packed))) return false;
            if (_certMask != 0 && (FacetKeys.Certs(packed) & _certMask) == 0) return false;
            if (_priceBand >= 0 && FacetKeys.PriceBand(packed) != _priceBand) return false;
            if (_gradeMask != 0 && (_gradeMask & 1 << FacetKeys.Grade(packed)) == 0) return false;
            if (_counties is not null && !_counties.Contains(FacetKeys.County(packed))) return false;
            if (_provinces is not null && !_provinces.Contains(RegionCode.ProvinceOf(FacetKeys.County(packed)))) return false;
            return true;
        }
    }

    /// <summary>
    /// The best <c>capacity</c> (key, id) pairs seen: larger keys first, then larger ids (the order every sort ends
    /// with). A min-heap, so the worst kept pair is at the root and most documents are turned away by one comparison.
    /// </summary>
    internal sealed class TopHeap(int capacity)
    {
        private readonly long[] _keys = new long[Math.Max(1, capacity)];
        private readonly int[] _ids = new int[Math.Max(1, capacity)];
        public int Count { get; private set; }

        private static bool Worse(long k1, int id1, long k2, int id2) => k1 < k2 || (k1 == k2 && id1 < id2);

        public void Offer(long key, int id)
        {
            if (capacity == 0) return;
            if (Count < capacity)
            {
                var i = Count++;
                while (i > 0)
                {
                    var parent = (i - 1) >> 1;
                    if (!Worse(key, id, _keys[parent], _ids[parent])) break;
                    _keys[i] = _keys[parent]; _ids[i] = _ids[parent];
                    i = parent;
                }
                _keys[i] = key; _ids[i] = id;
                return;
            }
            if (!Worse(_keys[0], _ids[0], key, id)) return;
            var at = 0;
            while (true)
            {
                var child = 2 * at + 1;
                if (child >= Count) break;
                if (child + 1 < Count && Worse(_keys[child + 1], _ids[child + 1], _keys[child], _ids[child])) child++;
                if (!Worse(_keys[child], _ids[child], key, id)) break;
                _keys[at] = _keys[child]; _ids[at] = _ids[child];
                at = child;
            }
            _keys[at] = key; _ids[at] = id;
        }

        public void AddAll(TopHeap other)
        {
            for (var i = 0; i < other.Count; i++) Offer(other._keys[i], other._ids[i]);
        }

        /// <summary>The kept pairs, best first.</summary>
        public (long Key, int Id)[] Sorted()
        {
            var all = new (long Key, int Id)[Count];
            for (var i = 0; i < Count; i++) all[i] = (_keys[i], _ids[i]);
            Array.Sort(all, (a, b) => b.Key != a.Key ? b.Key.CompareTo(a.Key) : b.Id.CompareTo(a.Id));
            return all;
        }
    }

    /// <summary>Facet counts as the search port reports them (the same shapes and orders as the Elasticsearch adapter).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets(Outcome o)
    {
        static string Key(long v) => v.ToString(CultureInfo.InvariantCulture);
        var countyCounts = new Dictionary<int, long>();
        for (var i = 0; i < o.Counties.Length; i++)
            if (o.Counties[i] > 0) countyCounts[SegmentColumns.CountyCode(i)] = o.Counties[i];
        var provinces = countyCounts.GroupBy(kv => RegionCode.ProvinceOf(kv.Key)).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        var certCounts = LuceneSearchIndex.CertificationFlags
            .Select(flag => o.Certs.Select((n, bits) => (bits & (int)flag) != 0 ? n : 0).Sum()).ToArray();
        return new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["category"] = o.Categories.Select((n, id) => (Id: id, Count: n)).Where(x => x.Count > 0)
                .OrderByDescending(x => x.Count).ThenBy(x => x.Id).Select(x => new FacetCount(Key(x.Id), "", x.Count)).ToList(),
            ["province"] = provinces.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(40).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["county"] = countyCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(20).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["cert"] = LuceneSearchIndex.CertificationFlags.Select((c, i) => new FacetCount(c.ToString(), LuceneSearchIndex.CertificationLabel(c), certCounts[i]))
                .Where(f => f.Count > 0).ToList(),
            ["price"] = PriceBands.All.Select((b, i) => new FacetCount(b.Key, b.Label, o.Prices[i])).Where(f => f.Count > 0).ToList(),
            ["grade"] = new[] { CreditGrade.A, CreditGrade.B, CreditGrade.C, CreditGrade.D, CreditGrade.New }
                .Select(g => new FacetCount(g.ToString(), CreditPolicy.Label(g), o.Grades[(int)g])).Where(f => f.Count > 0).ToList(),
        };
    }
}
