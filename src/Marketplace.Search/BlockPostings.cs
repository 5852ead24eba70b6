using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Lucene41;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util.Packed;

namespace Marketplace.Search;

/// <summary>
/// Reads one term's postings (document ids and term frequencies) of one segment a block of 128 at a time into plain
/// arrays, straight from the segment's Lucene 4.1 postings file: the same bytes Lucene's own <c>BlockDocsEnum</c>
/// decodes, without its per-document virtual calls. A search that walks every posting of a term (a one-word query
/// over 200k products) spends most of its time in those calls.
/// <para>
/// The format (Lucene41PostingsFormat): a term's postings start at its term state's <c>docStartFP</c>; each full block
/// of 128 holds the doc-id deltas and then the frequencies, each packed by <c>ForUtil</c> (a bit width, then the
/// packed values, or width 0 and one VInt when all are equal); the last, partial block is VInts (delta &lt;&lt; 1 | 1
/// when the frequency is 1, else delta &lt;&lt; 1 followed by the frequency); a term in one document has no postings
/// of its own (its id is in the term state). Skip data after the postings is not needed to read them all.
/// </para>
/// Anything else (another codec, a reader that wraps the segment) gets <c>null</c> from <see cref="Open"/>, and the
/// caller falls back to Lucene's enumerator. Deleted documents are not filtered here.
/// </summary>
internal sealed class BlockPostings
{
    public const int BlockSize = 128;
    private const int MaxDataSize = 147;  // ForUtil.MAX_DATA_SIZE: decoders may write past 128
    private const int MaxEncodedSize = 512;

    private readonly IndexInput _in;
    private readonly Decoders _decoders;
    private readonly int _docFreq;
    private readonly bool _indexHasFreq;
    private readonly bool _needFreq;
    private readonly int _singletonDoc;
    private readonly int _singletonFreq;
    private readonly byte[] _encoded = new byte[MaxEncodedSize];
    private int _read;
    private int _accum;

    /// <summary>The current block's document ids (absolute, ascending) and frequencies; <see cref="Count"/> are valid.</summary>
    public readonly int[] Docs = new int[MaxDataSize];
    public readonly int[] Freqs = new int[MaxDataSize];
    public int Count;
    /// <summary>A reading position in the current block, kept for the caller.</summary>
    public int Position;

    private BlockPostings(IndexInput input, Decoders decoders, int docFreq, bool indexHasFreq, bool needFreq, int singletonDoc, int singletonFreq)
    {
        (_in, _decoders, _docFreq, _indexHasFreq, _needFreq, _singletonDoc, _singletonFreq) = (input, decoders, docFreq, indexHasFreq, needFreq, singletonDoc, singletonFreq);
    }

    /// <summary>True once every block has been read.</summary>
    public bool Exhausted => _read >= _docFreq;

    /// <summary>The number of documents with the term (deleted ones included).</summary>
    public int DocFreq => _docFreq;

    /// <summary>
    /// A reader positioned before the first block of <paramref name="term"/> in <paramref name="field"/>; null when the
    /// segment lacks the term, or when its postings are not in a form this reader knows (the caller then uses Lucene's).
    /// <paramref name="absent"/> tells the two apart.
    /// </summary>
    public static BlockPostings? Open(AtomicReader reader, SegmentColumns cols, string field, Lucene.Net.Util.BytesRef term, bool needFreq, out bool absent)
    {
        absent = false;
        var terms = reader.GetTerms(field);
        if (terms is null) { absent = true; return null; }
        var e = terms.GetEnumerator();
        if (!e.SeekExact(term)) { absent = true; return null; }
        if (e.GetTermState() is not Lucene41PostingsWriter.Int32BlockTermState state) return null;
        var source = cols.PostingsSource(field, () => Source.Find(e));
        if (source is null) return null;
        var info = reader.FieldInfos.FieldInfo(field);
        var indexHasFreq = info is not null && info.IndexOptions.CompareTo(IndexOptions.DOCS_AND_FREQS) >= 0;
        var docFreq = e.DocFreq;
        if (!TryReadState(state, out var docStartFp, out var singleton)) return null;
        if (docFreq == 1 && singleton >= 0)
            return new BlockPostings(source.Input, source.Decoders, 1, indexHasFreq, needFreq, singleton, indexHasFreq ? (int)e.TotalTermFreq : 1);
        var input = (IndexInput)source.Input.Clone();
        input.Seek(docStartFp);
        return new BlockPostings(input, source.Decoders, docFreq, indexHasFreq, needFreq, -1, 1);
    }

    /// <summary>Decodes the next block into <see cref="Docs"/> and <see cref="Freqs"/>; false when the postings are done.</summary>
    public bool NextBlock()
    {
        Position = 0;
        var left = _docFreq - _read;
        if (left <= 0) { Count = 0; return false; }
        if (_singletonDoc >= 0)
        {
            Docs[0] = _singletonDoc;
            Freqs[0] = _singletonFreq;
            _read = Count = 1;
            return true;
        }
        int n;
        if (left >= BlockSize)
        {
            ReadBlock(Docs);
            if (_indexHasFreq)
            {
                if (_needFreq) ReadBlock(Freqs);
                else SkipBlock();
            }
            else if (_needFreq) Array.Fill(Freqs, 1, 0, BlockSize);
            n = BlockSize;
        }
        else
        {
            for (var i = 0; i < left; i++)
            {
                if (_indexHasFreq)
                {
                    var code = _in.ReadVInt32();
                    Docs[i] = (int)((uint)code >> 1);
                    Freqs[i] = (code & 1) != 0 ? 1 : _in.ReadVInt32();
                }
                else
                {
                    Docs[i] = _in.ReadVInt32();
                    Freqs[i] = 1;
                }
            }
            n = left;
        }
        var acc = _accum;
        var docs = Docs;
        for (var i = 0; i < n; i++) docs[i] = acc += docs[i];
        _accum = acc;
        _read += n;
        Count = n;
        return true;
    }

    private void ReadBlock(int[] decoded)
    {
        var bits = _in.ReadByte();
        if (bits == 0) // ALL_VALUES_EQUAL
        {
            Array.Fill(decoded, _in.ReadVInt32(), 0, BlockSize);
            return;
        }
        if (bits > 32) throw new CorruptIndexException($"postings block of {bits} bits per value");
        _in.ReadBytes(_encoded, 0, _decoders.EncodedSizes[bits]);
        _decoders.ForBits[bits].Decode(_encoded, 0, decoded, 0, _decoders.Iterations[bits]);
    }

    private void SkipBlock()
    {
        var bits = _in.ReadByte();
        if (bits == 0) { _in.ReadVInt32(); return; }
        _in.Seek(_in.Position + _decoders.EncodedSizes[bits]);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "docStartFP")]
    private static extern ref long DocStartFpField(Lucene41PostingsWriter.Int32BlockTermState state);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "singletonDocID")]
    private static extern ref int SingletonField(Lucene41PostingsWriter.Int32BlockTermState state);

    private static volatile bool _stateUnreadable;

    /// <summary>The term state's internal fields; false (and the caller falls back to Lucene's enumerator) should another
    /// Lucene.Net build name them differently. <c>BlockPostingsTests</c> fails loudly in that case.</summary>
    private static bool TryReadState(Lucene41PostingsWriter.Int32BlockTermState state, out long docStartFp, out int singleton)
    {
        (docStartFp, singleton) = (0, -1);
        if (_stateUnreadable) return false;
        try
        {
            docStartFp = DocStartFpField(state);
            singleton = SingletonField(state);
            return true;
        }
        catch (MissingMemberException)
        {
            _stateUnreadable = true;
            return false;
        }
    }

    /// <summary>The packed-block decoders the postings file's header names, per bit width (as <c>ForUtil</c> reads them).</summary>
    internal sealed class Decoders
    {
        public readonly int[] EncodedSizes = new int[33];
        public readonly PackedInt32s.IDecoder[] ForBits = new PackedInt32s.IDecoder[33];
        public readonly int[] Iterations = new int[33];

        public Decoders(DataInput header)
        {
            var version = header.ReadVInt32();
            PackedInt32s.CheckVersion(version);
            for (var bpv = 1; bpv <= 32; bpv++)
            {
                var code = header.ReadVInt32();
                var format = PackedInt32s.Format.ById((int)((uint)code >> 5));
                var bitsPerValue = (code & 31) + 1;
                EncodedSizes[bpv] = (int)format.ByteCount(version, BlockSize, bitsPerValue);
                ForBits[bpv] = PackedInt32s.GetDecoder(format, version, bitsPerValue);
                Iterations[bpv] = (int)Math.Ceiling((float)BlockSize / ForBits[bpv].ByteValueCount);
                if (EncodedSizes[bpv] > MaxEncodedSize || Iterations[bpv] * ForBits[bpv].ByteValueCount > MaxDataSize)
                    throw new CorruptIndexException($"postings header: {bpv} bits per value");
            }
        }
    }

    /// <summary>A segment's postings file (Lucene's own open input, cloned per reader) and its decoders.</summary>
    internal sealed class Source(IndexInput input, Decoders decoders)
    {
        public IndexInput Input { get; } = input;
        public Decoders Decoders { get; } = decoders;

        // Lucene41PostingsWriter's DOC_CODEC and VERSION_CURRENT (internal to Lucene.Net): the header of every .doc file.
        private const string DocCodec = "Lucene41PostingsWriterDoc";
        private const int MaxVersion = 2;

        private static readonly ConcurrentDictionary<Type, System.Reflection.FieldInfo?> DocInFields = new();

        /// <summary>Finds the postings file behind a terms enumerator of the Lucene 4.1 format; null for any other.</summary>
        public static Source? Find(TermsEnum positioned)
        {
            var docs = positioned.Docs(null, null, DocsFlags.NONE);
            if (docs is null || docs.GetType().FullName != "Lucene.Net.Codecs.Lucene41.Lucene41PostingsReader+BlockDocsEnum") return null;
            var field = DocInFields.GetOrAdd(docs.GetType(), t => t.GetField("startDocIn", BindingFlags.Instance | BindingFlags.NonPublic));
            if (field?.GetValue(docs) is not IndexInput docIn) return null;
            var header = (IndexInput)docIn.Clone();
            header.Seek(0);
            CodecUtil.CheckHeader(header, DocCodec, 0, MaxVersion);
            return new Source(docIn, new Decoders(header));
        }
    }
}
