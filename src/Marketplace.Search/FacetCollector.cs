using System.Globalization;
using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Domain;

namespace Marketplace.Search;

/// <summary>
/// All facet keys of a product in one 64-bit doc value, so counting facets costs one read per matching document:
/// county code offset (20 bits) | category (8) | certifications (4) | price band (3). The province is the county's.
/// </summary>
internal static class FacetKeys
{
    public const string Field = "facets_dv";
    private const int CountyBase = 110000;

    public static long Pack(int countyId, int categoryId, Certification certs, long priceFen) =>
        ((long)(countyId - CountyBase) << 15) | ((long)(categoryId & 0xFF) << 7) | ((long)certs & 0xF) << 3 | (long)PriceBands.IndexOf(priceFen);

    public static int County(long packed) => (int)(packed >> 15) + CountyBase;
    public static int Category(long packed) => (int)(packed >> 7) & 0xFF;
    public static int Certs(long packed) => (int)(packed >> 3) & 0xF;
    public static int PriceBand(long packed) => (int)packed & 0x7;
}

/// <summary>
/// Counts facet values over every matching document from the packed doc value: one read per hit, array counters,
/// one dictionary for counties. (The Lucene.Net facet module is not available in our package registry.)
/// </summary>
internal sealed class FacetCollector : ICollector
{
    private NumericDocValues? _keys;
    private readonly long[] _categories = new long[256];
    private readonly long[] _certs = new long[16];
    private readonly long[] _prices = new long[8];
    private readonly Dictionary<int, long> _counties = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer) { }

    public void SetNextReader(AtomicReaderContext context) => _keys = context.AtomicReader.GetNumericDocValues(FacetKeys.Field);

    public void Collect(int doc)
    {
        if (_keys is null) return;
        var packed = _keys.Get(doc);
        _categories[FacetKeys.Category(packed)]++;
        _certs[FacetKeys.Certs(packed)]++;
        _prices[FacetKeys.PriceBand(packed)]++;
        CollectionsMarshal.GetValueRefOrAddDefault(_counties, FacetKeys.County(packed), out _)++;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> ToFacets()
    {
        static string Key(long v) => v.ToString(CultureInfo.InvariantCulture);
        var provinces = _counties.GroupBy(kv => RegionCode.ProvinceOf(kv.Key)).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        var certCounts = LuceneSearchIndex.CertificationFlags
            .Select(flag => _certs.Select((n, bits) => (bits & (int)flag) != 0 ? n : 0).Sum()).ToArray();
        return new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["category"] = _categories.Select((n, id) => (Id: id, Count: n)).Where(x => x.Count > 0)
                .OrderByDescending(x => x.Count).ThenBy(x => x.Id).Select(x => new FacetCount(Key(x.Id), "", x.Count)).ToList(),
            ["province"] = provinces.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(40).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["county"] = _counties.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(20).Select(kv => new FacetCount(Key(kv.Key), "", kv.Value)).ToList(),
            ["cert"] = LuceneSearchIndex.CertificationFlags.Select((c, i) => new FacetCount(c.ToString(), LuceneSearchIndex.CertificationLabel(c), certCounts[i]))
                .Where(f => f.Count > 0).ToList(),
            ["price"] = PriceBands.All.Select((b, i) => new FacetCount(b.Key, b.Label, _prices[i])).Where(f => f.Count > 0).ToList(),
        };
    }
}
