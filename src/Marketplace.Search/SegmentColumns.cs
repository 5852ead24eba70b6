using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;

namespace Marketplace.Search;

/// <summary>
/// The doc values a search reads for every hit (product id, packed facet keys, the three sort keys), decoded once per
/// segment into plain arrays, so that filtering, counting and ordering cost an array read per hit instead of a
/// virtual, bit-unpacking call. Segments never change, so the columns are cached by the segment's core key and die
/// with it; a new segment (after a refresh) is read on its first search. About 40 bytes per document.
/// </summary>
internal sealed class SegmentColumns
{
    private static readonly ConditionalWeakTable<object, SegmentColumns> Cache = new();

    /// <summary>County codes get small dense numbers (in order of first sight), so counties can be counted in an array.</summary>
    private static readonly ConcurrentDictionary<int, int> CountyOrdinals = new();
    private static int[] _countyCodes = new int[1024];
    private static readonly Lock OrdinalLock = new();

    public required int[] Ids { get; init; }
    public required long[] Facets { get; init; }
    /// <summary>Dense county ordinal per document (see <see cref="CountyCode"/>).</summary>
    public required int[] Counties { get; init; }
    public required long[] Prices { get; init; }
    public required long[] Listed { get; init; }
    public required long[] Sales { get; init; }
    public required long[] Credit { get; init; }

    private readonly ConcurrentDictionary<string, byte[]?> _norms = new();
    private readonly ConcurrentDictionary<string, BlockPostings.Source?> _postings = new();

    /// <summary>A field's postings file as <see cref="BlockPostings"/> reads it, found once per segment (null: not readable so).</summary>
    public BlockPostings.Source? PostingsSource(string field, Func<BlockPostings.Source?> find) => _postings.GetOrAdd(field, _ => find());

    /// <summary>A text field's length norms (one byte per document), or null when the field has none.</summary>
    public byte[]? Norms(AtomicReader reader, string field) => _norms.GetOrAdd(field, f =>
    {
        var dv = reader.GetNormValues(f);
        if (dv is null) return null;
        var norms = new byte[reader.MaxDoc];
        for (var d = 0; d < norms.Length; d++) norms[d] = (byte)dv.Get(d);
        return norms;
    });

    public static int CountyOrdinalCount => CountyOrdinals.Count;

    public static int CountyCode(int ordinal) => Volatile.Read(ref _countyCodes)[ordinal];

    public static SegmentColumns For(AtomicReader reader) => Cache.GetValue(reader.CoreCacheKey, _ => Load(reader));

    private static SegmentColumns Load(AtomicReader reader)
    {
        var n = reader.MaxDoc;
        var ids = new int[n];
        var facets = Read(reader, FacetKeys.Field, n);
        var idValues = Read(reader, "id_dv", n);
        var counties = new int[n];
        for (var d = 0; d < n; d++)
        {
            ids[d] = (int)idValues[d];
            counties[d] = Ordinal(FacetKeys.County(facets[d]));
        }
        return new SegmentColumns
        {
            Ids = ids, Facets = facets, Counties = counties,
            Prices = Read(reader, "price_dv", n), Listed = Read(reader, "listed_dv", n), Sales = Read(reader, "sales_dv", n),
            Credit = Read(reader, "credit_dv", n),
        };
    }

    private static long[] Read(AtomicReader reader, string field, int n)
    {
        var values = new long[n];
        var dv = reader.GetNumericDocValues(field);
        if (dv is null) return values;
        for (var d = 0; d < n; d++) values[d] = dv.Get(d);
        return values;
    }

    private static int Ordinal(int countyCode)
    {
        if (CountyOrdinals.TryGetValue(countyCode, out var ordinal)) return ordinal;
        lock (OrdinalLock)
        {
            if (CountyOrdinals.TryGetValue(countyCode, out ordinal)) return ordinal;
            ordinal = CountyOrdinals.Count;
            var codes = _countyCodes;
            if (ordinal >= codes.Length)
            {
                Array.Resize(ref codes, codes.Length * 2);
                Volatile.Write(ref _countyCodes, codes);
            }
            codes[ordinal] = countyCode;
            CountyOrdinals[countyCode] = ordinal; // published after its code, so a reader of the ordinal finds the code
            return ordinal;
        }
    }
}
