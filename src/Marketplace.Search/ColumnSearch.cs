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
/// Matches are handled in batches: gathered, then counted, scored and ranked in separate tight loops. A one-term query
/// (one common character can match a fifth of the catalogue) reads its postings a block at a time
/// (<see cref="BlockPostings"/>) and adds its name and category clauses by document id within the batch's window.
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
    private sealed record Clause(string Field, BytesRef Term, float Weight)
    {
        /// <summary>√freq × Weight for small frequencies (what <see cref="Score"/> would compute).</summary>
        public float[] TfWeights { get; } = Enumerable.Range(0, TfTableSize).Select(f => MathF.Sqrt(f) * Weight).ToArray();
    }

    private const int TfTableSize = 64;

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
        /// <summary>Counts by the packed keys' low bits (certifications, grade and price band together: one increment
        /// per match instead of three); <see cref="Certs"/>, <see cref="Prices"/> and <see cref="Grades"/> sum them.</summary>
        public readonly long[] LowKeys = new long[FacetKeys.LowKeyCount];
        public long[] Counties = new long[Math.Max(64, SegmentColumns.CountyOrdinalCount)];
        public TopHeap Top = null!;

        public void Add(Outcome other)
        {
            Total += other.Total;
            for (var i = 0; i < Categories.Length; i++) Categories[i] += other.Categories[i];
            for (var i = 0; i < LowKeys.Length; i++) LowKeys[i] += other.LowKeys[i];
            if (other.Counties.Length > Counties.Length) Array.Resize(ref Counties, other.Counties.Length);
            for (var i = 0; i < other.Counties.Length; i++) Counties[i] += other.Counties[i];
            Top.AddAll(other.Top);
        }

        /// <summary>Counties seen since the outcome was made (a new segment can bring them) get counters.</summary>
        public void MakeRoomForCounties()
        {
            if (SegmentColumns.CountyOrdinalCount > Counties.Length) Array.Resize(ref Counties, SegmentColumns.CountyOrdinalCount + 64);
        }

        public long[] Certs => Sum(16, FacetKeys.Certs);
        public long[] Prices => Sum(8, FacetKeys.PriceBand);
        public long[] Grades => Sum(8, FacetKeys.Grade);

        private long[] Sum(int size, Func<long, int> key)
        {
            var sums = new long[size];
            for (var low = 0; low < LowKeys.Length; low++) sums[key(low)] += LowKeys[low];
            return sums;
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
        var batch = Batch.Rent();
        foreach (var leaf in leaves) RunSegment(leaf, outcome, batch);
        return outcome;
    }

    private static DocsEnum? Postings(AtomicReader reader, Clause clause, IBits? live, bool freqs)
    {
        var terms = reader.GetTerms(clause.Field);
        if (terms is null) return null;
        var e = terms.GetEnumerator();
        return e.SeekExact(clause.Term) ? e.Docs(live, null, freqs ? DocsFlags.FREQS : DocsFlags.NONE) : null;
    }

    /// <summary>Documents handled per batch: the matches are gathered first, then counted, scored and ranked in tight
    /// loops of their own, each with few live values (much quicker than one loop doing everything per document).</summary>
    private const int BatchSize = 1024;

    /// <summary>A slice's working buffers, reused across its segments and batches.</summary>
    private sealed class Batch
    {
        [ThreadStatic] private static Batch? _cached;

        /// <summary>The calling thread's buffers (about 80 KB: kept per thread rather than allocated per search).</summary>
        public static Batch Rent() => _cached ??= new Batch();

        public readonly int[] Docs = new int[BatchSize];
        public readonly float[] Scores = new float[BatchSize];
        public readonly int[] Overlap = new int[BatchSize];
        /// <summary>Per document of a batch's id range (its first to last match, at most <see cref="WindowSize"/>).</summary>
        public readonly float[] WindowScores = new float[WindowSize];
        public readonly int[] WindowOverlap = new int[WindowSize];
    }

    /// <summary>A one-term batch spans at most this many document ids, so its clauses' scores can be added by id
    /// into plain arrays (no data-dependent branch per document) instead of merging sorted lists.</summary>
    private const int WindowSize = 8192;

    private void RunSegment(AtomicReaderContext leaf, Outcome o, Batch batch)
    {
        if (_required.Length == 1 && TryRunOneTerm(leaf, o, batch)) return;
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
        o.MakeRoomForCounties();
        var keys = SortKeys(cols);
        var docBuffer = batch.Docs;
        var scores = batch.Scores;
        var overlap = batch.Overlap;
        var next = -1; // the last document looked at
        while (true)
        {
            var n = required.Length == 0
                ? GatherAll(live, reader.MaxDoc, cols.Facets, docBuffer, ref next)
                : Gather(required, requiredClause, requiredNorms, scoring, cols.Facets, docBuffer, scores, ref next);
            if (n == 0) break;
            o.Total += n;
            Count(docBuffer, n, cols, o);
            if (scoring)
            {
                Array.Fill(overlap, required.Length + _filter.Clauses, 0, n);
                for (var j = 0; j < optional.Length; j++)
                    if (optional[j] is { } postings) AddOptional(postings, _optional[j], optionalNorms[j], docBuffer, scores, overlap, n);
                RankByScore(docBuffer, scores, overlap, n, required.Length == 0, cols, o.Top);
            }
            else
            {
                RankByKey(docBuffer, n, keys!, _request.Sort == SearchSort.PriceAsc, cols.Ids, o.Top);
            }
            if (n < BatchSize) break;
        }
    }

    /// <summary>
    /// A one-term query (the heaviest: one common character matches a fifth of the catalogue) with its postings read
    /// a block at a time by <see cref="BlockPostings"/>. False when the segment's postings are not in a form it reads;
    /// the caller then runs the general path, which gives the same results.
    /// </summary>
    private bool TryRunOneTerm(AtomicReaderContext leaf, Outcome o, Batch batch)
    {
        var reader = leaf.AtomicReader;
        var cols = SegmentColumns.For(reader);
        var scoring = _request.Sort == SearchSort.Relevance;
        var clause = _required[0];
        var lead = BlockPostings.Open(reader, cols, clause.Field, clause.Term, scoring, out var absent);
        if (lead is null) return absent; // absent: nothing in this segment matches
        var optional = new BlockPostings?[scoring ? _optional.Length : 0];
        for (var j = 0; j < optional.Length; j++)
        {
            optional[j] = BlockPostings.Open(reader, cols, _optional[j].Field, _optional[j].Term, true, out var optionalAbsent);
            if (optional[j] is null && !optionalAbsent) return false;
        }
        var norms = scoring ? cols.Norms(reader, clause.Field) : null;
        var optionalNorms = optional.Select((_, j) => cols.Norms(reader, _optional[j].Field)).ToArray();
        o.MakeRoomForCounties();
        var keys = SortKeys(cols);
        var live = reader.LiveDocs;
        var docBuffer = batch.Docs;
        var scores = batch.Scores;
        var overlap = batch.Overlap;
        while (true)
        {
            var n = GatherBlocks(lead, live, clause, norms, scoring, cols.Facets, docBuffer, scores);
            if (n == 0) break;
            o.Total += n;
            Count(docBuffer, n, cols, o);
            if (scoring)
            {
                AddOptional(optional, optionalNorms, docBuffer, scores, overlap, n, batch);
                RankByScore(docBuffer, scores, overlap, n, false, cols, o.Top);
            }
            else
            {
                RankByKey(docBuffer, n, keys!, _request.Sort == SearchSort.PriceAsc, cols.Ids, o.Top);
            }
            if (lead.Position == lead.Count && lead.Exhausted) break;
        }
        return true;
    }

    private long[]? SortKeys(SegmentColumns cols) => _request.Sort switch
    {
        SearchSort.PriceAsc or SearchSort.PriceDesc => cols.Prices,
        SearchSort.Newest => cols.Listed,
        SearchSort.Sales => cols.Sales,
        SearchSort.Credit => cols.Credit,
        _ => null,
    };

    /// <summary>The next batch of a one-term query's live documents that the filters admit, with the term's score.</summary>
    private int GatherBlocks(BlockPostings lead, IBits? live, Clause clause, byte[]? norms, bool scoring, long[] facets, int[] docBuffer, float[] scores)
    {
        var filter = _filter;
        var filtered = filter.Clauses > 0;
        var normTable = _normTable;
        var n = 0;
        while (n < BatchSize)
        {
            if (lead.Position == lead.Count && !lead.NextBlock()) break;
            int[] docs = lead.Docs, freqs = lead.Freqs;
            var end = Math.Min(lead.Count, lead.Position + (BatchSize - n));
            var p = lead.Position;
            for (; p < end; p++)
            {
                var doc = docs[p];
                if (n > 0 && doc - docBuffer[0] >= WindowSize) { lead.Position = p; return n; } // the window is full
                if (live is not null && !live.Get(doc)) continue;
                if (filtered && !filter.Matches(facets[doc])) continue;
                docBuffer[n] = doc;
                if (scoring) scores[n] = Score(clause, freqs[p], norms, doc, normTable);
                n++;
            }
            lead.Position = p;
        }
        return n;
    }

    /// <summary>
    /// Adds the optional clauses' scores to the batch's documents that have their terms and counts them into their
    /// overlap for coord, in clause order (so the sums round exactly as Lucene's). The batch's scores are spread by
    /// document id over the window, each clause's postings in the window's range are added in place (a posting for a
    /// document outside the batch lands on an unused slot), and the sums are read back.
    /// </summary>
    private void AddOptional(BlockPostings?[] optional, byte[]?[] norms, int[] docBuffer, float[] scores, int[] overlap, int n, Batch batch)
    {
        float[] windowScores = batch.WindowScores;
        int[] windowOverlap = batch.WindowOverlap;
        var first = docBuffer[0];
        var last = docBuffer[n - 1];
        var required = 1 + _filter.Clauses;
        // Cleared first rather than after use, so that a search that failed half-way cannot leave sums behind for
        // the next search on this thread.
        Array.Clear(windowScores, 0, last - first + 1);
        Array.Clear(windowOverlap, 0, last - first + 1);
        for (var i = 0; i < n; i++)
        {
            var slot = docBuffer[i] - first;
            windowScores[slot] = scores[i];
            windowOverlap[slot] = required;
        }
        var normTable = _normTable;
        for (var j = 0; j < optional.Length; j++)
        {
            var postings = optional[j];
            if (postings is null) continue;
            var clause = _optional[j];
            var clauseNorms = norms[j];
            int[] docs = postings.Docs, freqs = postings.Freqs;
            while (true)
            {
                if (postings.Position == postings.Count && !postings.NextBlock()) break;
                var count = postings.Count;
                var pos = postings.Position;
                while (pos < count && docs[pos] < first) pos++; // before this batch (deleted or filtered out)
                for (; pos < count; pos++)
                {
                    var doc = docs[pos];
                    if (doc > last) break;
                    windowScores[doc - first] += Score(clause, freqs[pos], clauseNorms, doc, normTable);
                    windowOverlap[doc - first]++;
                }
                postings.Position = pos;
                if (pos < count) break; // the rest of this block belongs to later batches
            }
        }
        for (var i = 0; i < n; i++)
        {
            var slot = docBuffer[i] - first;
            scores[i] = windowScores[slot];
            overlap[i] = windowOverlap[slot];
        }
    }

    /// <summary>The next batch of documents every required term has and the filters admit, with the required terms'
    /// summed scores when ranking by relevance. Returns how many; fewer than a batch means the segment is done.</summary>
    private int Gather(DocsEnum[] required, Clause[] clauses, byte[]?[] norms, bool scoring, long[] facets, int[] docBuffer, float[] scores, ref int last)
    {
        if (last == DocIdSetIterator.NO_MORE_DOCS) return 0;
        var filter = _filter;
        var filtered = filter.Clauses > 0;
        var normTable = _normTable;
        var lead = required[0];
        var n = 0;
        var doc = last;
        while (n < BatchSize)
        {
            doc = lead.NextDoc();
            for (var i = 1; i < required.Length && doc != DocIdSetIterator.NO_MORE_DOCS;)
            {
                var d = required[i].DocID < doc ? required[i].Advance(doc) : required[i].DocID;
                if (d == doc) { i++; continue; }
                doc = d == DocIdSetIterator.NO_MORE_DOCS ? d : lead.Advance(d);
                i = 1;
            }
            if (doc == DocIdSetIterator.NO_MORE_DOCS) break;
            if (filtered && !filter.Matches(facets[doc])) continue;
            docBuffer[n] = doc;
            if (scoring)
            {
                var sum = 0f;
                for (var i = 0; i < required.Length; i++) sum += Score(clauses[i], required[i].Freq, norms[i], doc, normTable);
                scores[n] = sum;
            }
            n++;
        }
        last = doc;
        return n;
    }

    /// <summary>Without query terms: the next batch of live documents the filters admit.</summary>
    private int GatherAll(IBits? live, int maxDoc, long[] facets, int[] docBuffer, ref int last)
    {
        var filter = _filter;
        var filtered = filter.Clauses > 0;
        var n = 0;
        var doc = last;
        while (n < BatchSize)
        {
            do doc++; while (doc < maxDoc && live is not null && !live.Get(doc));
            if (doc >= maxDoc) break;
            if (filtered && !filter.Matches(facets[doc])) continue;
            docBuffer[n++] = doc;
        }
        last = doc;
        return n;
    }

    /// <summary>Counts a batch of matches into the facets: exact counts, one read of the packed keys per match.</summary>
    private static void Count(int[] docBuffer, int n, SegmentColumns cols, Outcome o)
    {
        long[] facets = cols.Facets;
        int[] countyOf = cols.Counties;
        long[] counties = o.Counties, categories = o.Categories, low = o.LowKeys;
        for (var i = 0; i < n; i++)
        {
            var doc = docBuffer[i];
            var packed = facets[doc];
            categories[FacetKeys.Category(packed)]++;
            low[FacetKeys.LowKey(packed)]++;
            counties[countyOf[doc]]++;
        }
    }

    /// <summary>Adds an optional clause's score to the batch's documents that have its term (the postings are walked
    /// forward only, across batches), and counts the clause into their overlap for coord.</summary>
    private void AddOptional(DocsEnum postings, Clause clause, byte[]? norms, int[] docBuffer, float[] scores, int[] overlap, int n)
    {
        var normTable = _normTable;
        var at = postings.DocID;
        for (var i = 0; i < n; i++)
        {
            var doc = docBuffer[i];
            if (at < doc)
            {
                at = postings.Advance(doc);
                if (at == DocIdSetIterator.NO_MORE_DOCS) return;
            }
            if (at != doc) continue;
            scores[i] += Score(clause, postings.Freq, norms, doc, normTable);
            overlap[i]++;
        }
    }

    private void RankByScore(int[] docBuffer, float[] scores, int[] overlap, int n, bool noTerms, SegmentColumns cols, TopHeap top)
    {
        long[] facets = cols.Facets;
        int[] ids = cols.Ids;
        var coord = _coord;
        var boosts = GradeBoosts;
        var after = _after;
        var worst = top.Worst; // below this key nothing gets in: no need to read the id
        for (var i = 0; i < n; i++)
        {
            var doc = docBuffer[i];
            var score = (noTerms ? 1f : scores[i] * coord[overlap[i]]) * boosts[FacetKeys.Grade(facets[doc])];
            long key = NumericUtils.SingleToSortableInt32(score);
            if (key < worst) continue;
            Offer(top, key, ids[doc], after);
            worst = top.Worst;
        }
    }

    private void RankByKey(int[] docBuffer, int n, long[] keys, bool negate, int[] ids, TopHeap top)
    {
        var after = _after;
        for (var i = 0; i < n; i++)
        {
            var doc = docBuffer[i];
            Offer(top, negate ? -keys[doc] : keys[doc], ids[doc], after);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Offer(TopHeap top, long key, int id, (long Key, int Id)? after)
    {
        if (after is { } a && (key > a.Key || (key == a.Key && id >= a.Id))) return; // at or before the cursor
        if (top.Rejects(key, id)) return;
        top.Offer(key, id);
    }

    /// <summary>The relevance factor per credit grade (indexed by the grade's value), as <see cref="LuceneReference"/> applies it.</summary>
    internal static readonly float[] GradeBoosts = Enumerable.Range(0, 8).Select(g => CreditPolicy.RelevanceBoost((CreditGrade)g)).ToArray();

    /// <summary>A clause's score for a document: √freq × weight (DefaultSimilarity's tf; from the clause's table for small
    /// frequencies) × the document's length norm, as Lucene's TermScorer computes it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float Score(Clause clause, int freq, byte[]? norms, int doc, float[] normTable)
    {
        var raw = (uint)freq < TfTableSize ? clause.TfWeights[freq] : MathF.Sqrt(freq) * clause.Weight;
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

        /// <summary>The worst kept key once the heap is full (a smaller key cannot get in), else the smallest key.</summary>
        public long Worst => Count == _keys.Length && Count > 0 ? _keys[0] : long.MinValue;

        /// <summary>True when the heap is full and the pair would not displace its worst: most documents stop here.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool Rejects(long key, int id) => Count == _keys.Length && Count > 0 && !Worse(_keys[0], _ids[0], key, id);

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
        var certs = o.Certs;
        var prices = o.Prices;
        var grades = o.Grades;
        var certCounts = LuceneSearchIndex.CertificationFlags
            .Select(flag => certs.Select((n, bits) => (bits & (int)flag) != 0 ? n : 0).Sum()).ToArray();
        return new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["category"] = o.Categories.Select((n, id) => (Id: id, Count: n)).Where(x => x.Count > 0)
                .OrderByDescending(x => x.Count).ThenBy(x => x.Id).Select(x => new FacetCount(Key(x.Id), "", x.Count)).ToList(),
            ["province"] = provinces.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(40).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["county"] = countyCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(20).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["cert"] = LuceneSearchIndex.CertificationFlags.Select((c, i) => new FacetCount(c.ToString(), LuceneSearchIndex.CertificationLabel(c), certCounts[i]))
                .Where(f => f.Count > 0).ToList(),
            ["price"] = PriceBands.All.Select((b, i) => new FacetCount(b.Key, b.Label, prices[i])).Where(f => f.Count > 0).ToList(),
            ["grade"] = new[] { CreditGrade.A, CreditGrade.B, CreditGrade.C, CreditGrade.D, CreditGrade.New }
                .Select(g => new FacetCount(g.ToString(), CreditPolicy.Label(g), grades[(int)g])).Where(f => f.Count > 0).ToList(),
        };
    }
}
