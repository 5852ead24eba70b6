using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search;

/// <summary>
/// Counts facet values over every matching document by reading doc values: one pass, no stored fields, no
/// allocation per hit. (The Lucene.Net facet module is not available in our package registry.)
/// </summary>
internal sealed class FacetCollector : ICollector
{
    private NumericDocValues? _category, _province, _county, _cert, _price;
    private readonly Dictionary<long, long> _categories = [], _provinces = [], _counties = [];
    private readonly long[] _certs = new long[LuceneSearchIndex.CertificationFlags.Length];
    private readonly long[] _prices = new long[PriceBands.All.Count];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) { }

    public void SetNextReader(AtomicReaderContext context)
    {
        var reader = context.AtomicReader;
        _category = reader.GetNumericDocValues("category_dv");
        _province = reader.GetNumericDocValues("province_dv");
        _county = reader.GetNumericDocValues("county_dv");
        _cert = reader.GetNumericDocValues("cert_dv");
        _price = reader.GetNumericDocValues("price_dv");
    }

    public void Collect(int doc)
    {
        if (_category is not null) Increment(_categories, _category.Get(doc));
        if (_province is not null) Increment(_provinces, _province.Get(doc));
        if (_county is not null) Increment(_counties, _county.Get(doc));
        if (_cert is not null)
        {
            var flags = _cert.Get(doc);
            for (var i = 0; i < _certs.Length; i++) if ((flags & (long)LuceneSearchIndex.CertificationFlags[i]) != 0) _certs[i]++;
        }
        if (_price is not null) _prices[PriceBands.IndexOf(_price.Get(doc))]++;
    }

    private static void Increment(Dictionary<long, long> counts, long key) =>
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    public IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> ToFacets()
    {
        static IReadOnlyList<FacetCount> Top(Dictionary<long, long> counts, int max) => counts
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(max)
            .Select(kv => new FacetCount(kv.Key.ToString(CultureInfo.InvariantCulture), "", kv.Value)).ToList();

        return new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["category"] = Top(_categories, 50),
            ["province"] = Top(_provinces, 40),
            ["county"] = Top(_counties, 20),
            ["cert"] = LuceneSearchIndex.CertificationFlags.Select((c, i) => new FacetCount(c.ToString(), LuceneSearchIndex.CertificationLabel(c), _certs[i]))
                .Where(f => f.Count > 0).ToList(),
            ["price"] = PriceBands.All.Select((b, i) => new FacetCount(b.Key, b.Label, _prices[i])).Where(f => f.Count > 0).ToList(),
        };
    }
}
