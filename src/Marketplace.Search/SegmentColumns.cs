using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Marketplace.Domain.Credit;

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
        var facets = new long[n];
        var counties = new int[n];
        var prices = new long[n];
        var listed = new long[n];
        var sales = new long[n];
        var credit = new long[n];
        var values = reader.GetBinaryDocValues(PackedColumns.Field);
        if (values is not null)
        {
            var bytes = new BytesRef();
            for (var d = 0; d < n; d++)
            {
                values.Get(d, bytes);
                if (bytes.Length != PackedColumns.Length) continue; // a deleted slot of a document without the field
                var row = bytes.Bytes.AsSpan(bytes.Offset, bytes.Length);
                ids[d] = PackedColumns.Id(row);
                facets[d] = PackedColumns.Facets(row);
                counties[d] = Ordinal(FacetKeys.County(facets[d]));
                prices[d] = PackedColumns.Price(row);
                listed[d] = PackedColumns.Listed(row);
                sales[d] = PackedColumns.Sales(row);
                credit[d] = PackedColumns.Credit(row);
            }
        }
        return new SegmentColumns { Ids = ids, Facets = facets, Counties = counties, Prices = prices, Listed = listed, Sales = sales, Credit = credit };
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

/// <summary>
/// The per-document values searches read (product id, packed facet keys, price, listing time, sales) in one 32-byte
/// binary doc value. One field instead of five numeric ones: Lucene.Net's writer measures its buffers' memory on every
/// value added, a tenth of a rebuild's processor time with five fields. The credit sort key is the facet keys' grade
/// with the sales.
/// </summary>
internal static class PackedColumns
{
    public const string Field = "cols";
    public const int Length = 32;

    public static byte[] Pack(int id, long facets, long priceFen, long listedTicks, int sales)
    {
        var row = new byte[Length];
        BinaryPrimitives.WriteInt32LittleEndian(row, id);
        BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(4), facets);
        BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(12), priceFen);
        BinaryPrimitives.WriteInt64LittleEndian(row.AsSpan(20), listedTicks);
        BinaryPrimitives.WriteInt32LittleEndian(row.AsSpan(28), sales);
        return row;
    }

    public static int Id(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt32LittleEndian(row);
    public static long Facets(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64LittleEndian(row[4..]);
    public static long Price(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64LittleEndian(row[12..]);
    public static long Listed(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt64LittleEndian(row[20..]);
    public static int Sales(ReadOnlySpan<byte> row) => BinaryPrimitives.ReadInt32LittleEndian(row[28..]);
    public static long Credit(ReadOnlySpan<byte> row) => FacetKeys.CreditKey((CreditGrade)FacetKeys.Grade(Facets(row)), Sales(row));

    /// <summary>One column of the document <paramref name="doc"/> (0 when it has none).</summary>
    public static long Get(BinaryDocValues? values, int doc, BytesRef scratch, Func<ReadOnlySpan<byte>, long> column)
    {
        if (values is null) return 0;
        values.Get(doc, scratch);
        return scratch.Length == Length ? column(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length)) : 0;
    }
}
