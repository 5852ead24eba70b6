using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Marketplace.Search;

/// <summary>
/// Chinese-aware analysis without a dictionary: Han text becomes overlapping bigrams (东北大米 → 东北 北大 大米), so
/// any two-character word matches; at index time single characters are kept too, so one-character queries (茶)
/// match. Full-width Latin and digits are folded to half-width and lower-cased ("５ＫＧ" finds "5kg").
/// </summary>
public sealed class ChineseAnalyzer : Analyzer
{
    private readonly bool _outputUnigrams;

    public ChineseAnalyzer(bool outputUnigrams) : this(outputUnigrams, fastHan: outputUnigrams) { }

    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Index time with unigrams: <see cref="CatalogueTokenizer"/> (the same tokens, cheaper).</summary>
    private readonly bool _fastHan;

    /// <summary>The chain as Lucene's own filters build it (kept for query terms and to hold the fast one to).</summary>
    internal static ChineseAnalyzer Reference(bool outputUnigrams) => new(outputUnigrams, fastHan: false);

    private ChineseAnalyzer(bool outputUnigrams, bool fastHan) => (_outputUnigrams, _fastHan) = (outputUnigrams, fastHan);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        if (_fastHan) return new TokenStreamComponents(new CatalogueTokenizer(reader));
        var (source, folded) = Folded(reader);
        return new TokenStreamComponents(source,
            new CJKBigramFilter(folded, CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL, _outputUnigrams));
    }

    /// <summary>The chain before the bigrams: standard tokenizer, full-width folded to half-width, lower case.</summary>
    internal static (Tokenizer Source, TokenStream Folded) Folded(TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = CatalogueTokenizer.MaxTokenLength };
        return (source, new LowerCaseFilter(Version, new CJKWidthFilter(source)));
    }

    /// <summary>
    /// The terms a query must all match: bigrams for Han runs of two or more characters, the character itself for a
    /// lone one, and Latin words as they are. Nothing of the query's text is interpreted as syntax.
    /// </summary>
    public static IReadOnlyList<string> QueryTerms(string query, int maxTerms = 16)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(query)) return terms;
        using var analyzer = new ChineseAnalyzer(outputUnigrams: false);
        using var stream = analyzer.GetTokenStream("q", query);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken() && terms.Count < maxTerms)
        {
            var t = term.ToString();
            if (!terms.Contains(t)) terms.Add(t);
        }
        stream.End();
        return terms;
    }
}

/// <summary>
/// Lucene's CJK bigram filter with unigrams (Han, hiragana, katakana and hangul), without its per-character state
/// capture: a run of adjacent CJK characters c1…cn becomes c1, c1c2, c2, c2c3, …, cn (bigrams at position increment 0,
/// so a field's length for its norm counts the characters), a lone character itself; other tokens pass through.
/// The same terms, increments and counts as <see cref="CJKBigramFilter"/> (held to it by a test over generated
/// catalogue text and edge cases).
/// </summary>
internal sealed class HanBigramFilter : TokenFilter
{
    private static readonly string[] CjkTypes =
    [
        StandardTokenizer.TOKEN_TYPES[StandardTokenizer.IDEOGRAPHIC], StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HIRAGANA],
        StandardTokenizer.TOKEN_TYPES[StandardTokenizer.KATAKANA], StandardTokenizer.TOKEN_TYPES[StandardTokenizer.HANGUL],
    ];

    private static bool IsCjk(string? type)
    {
        foreach (var t in CjkTypes) if (ReferenceEquals(type, t) || type == t) return true;
        return false;
    }
    private const string Single = "<SINGLE>", Double = "<DOUBLE>";

    private readonly ICharTermAttribute _term;
    private readonly ITypeAttribute _type;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _posInc;
    private readonly IPositionLengthAttribute _posLen;

    // The current run of Han characters (one UTF-16 unit or a surrogate pair each) and their offsets.
    private char[] _run = new char[64];
    private int[] _starts = new int[32], _ends = new int[32], _charAt = new int[33];
    private int _count, _emitted; // characters in the run; output steps taken (unigram, bigram, unigram, …)
    private bool _flushing;
    private int _lastEnd = -1;

    // A token read past the end of a run, emitted once the run is out.
    private char[] _held = new char[64];
    private int _heldLength, _heldStart, _heldEnd, _heldPosInc, _heldPosLen;
    private string? _heldType;
    private bool _holding, _holdingHan, _ended;

    public HanBigramFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _posInc = AddAttribute<IPositionIncrementAttribute>();
        _posLen = AddAttribute<IPositionLengthAttribute>();
    }

    public override bool IncrementToken()
    {
        while (true)
        {
            if (_flushing)
            {
                if (EmitFromRun()) return true;
                _flushing = false;
                _count = 0;
                _emitted = 0;
                if (_holding && _holdingHan)
                {
                    // The held Han character starts the next run.
                    _holding = false;
                    Append(_held, _heldLength, _heldStart, _heldEnd);
                    continue;
                }
            }
            if (_holding)
            {
                _holding = false;
                ClearAttributes();
                _term.CopyBuffer(_held, 0, _heldLength);
                _type.Type = _heldType;
                _offset.SetOffset(_heldStart, _heldEnd);
                _posInc.PositionIncrement = _heldPosInc;
                _posLen.PositionLength = _heldPosLen;
                return true;
            }
            if (_ended)
            {
                if (_count == 0) return false;
                _flushing = true;
                continue;
            }
            if (!m_input.IncrementToken())
            {
                _ended = true;
                continue;
            }
            var han = IsCjk(_type.Type);
            if (han && (_count == 0 || _offset.StartOffset == _lastEnd))
            {
                Append(_term.Buffer, _term.Length, _offset.StartOffset, _offset.EndOffset);
                continue;
            }
            if (_count == 0) return true; // not Han, nothing buffered: through as it is
            Hold(han);
            _flushing = true;
        }
    }

    /// <summary>Adds a token's characters (code points) to the run, with offsets as Lucene's filter gives them.</summary>
    private void Append(char[] chars, int length, int start, int end)
    {
        var exact = end - start == length; // otherwise (a width fold joined characters) each gets the token's offsets
        for (var i = 0; i < length;)
        {
            var units = char.IsHighSurrogate(chars[i]) && i + 1 < length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            if (_count + 1 >= _starts.Length)
            {
                Array.Resize(ref _starts, _starts.Length * 2);
                Array.Resize(ref _ends, _ends.Length * 2);
                Array.Resize(ref _charAt, _charAt.Length * 2);
            }
            var at = _charAt[_count];
            if (at + units > _run.Length) Array.Resize(ref _run, Math.Max(_run.Length * 2, at + units));
            Array.Copy(chars, i, _run, at, units);
            _starts[_count] = start;
            _ends[_count] = exact ? start + units : end;
            if (exact) start += units;
            _count++;
            _charAt[_count] = at + units;
            i += units;
        }
        _lastEnd = end;
    }

    private void Hold(bool han)
    {
        if (_term.Length > _held.Length) _held = new char[Math.Max(_held.Length * 2, _term.Length)];
        Array.Copy(_term.Buffer, _held, _term.Length);
        (_heldLength, _heldStart, _heldEnd, _heldType) = (_term.Length, _offset.StartOffset, _offset.EndOffset, _type.Type);
        (_heldPosInc, _heldPosLen, _holding, _holdingHan) = (_posInc.PositionIncrement, _posLen.PositionLength, true, han);
        if (han) _lastEnd = _offset.EndOffset;
    }

    /// <summary>The run's next output: unigram i at step 2i, bigram (i, i+1) at step 2i+1.</summary>
    private bool EmitFromRun()
    {
        var step = _emitted;
        var i = step >> 1;
        var bigram = (step & 1) == 1;
        if (i >= _count || bigram && i + 1 >= _count) return false;
        _emitted++;
        ClearAttributes();
        if (bigram)
        {
            _term.CopyBuffer(_run, _charAt[i], _charAt[i + 2] - _charAt[i]);
            _type.Type = Double;
            _offset.SetOffset(_starts[i], _ends[i + 1]);
            _posInc.PositionIncrement = 0;
            _posLen.PositionLength = 2;
        }
        else
        {
            _term.CopyBuffer(_run, _charAt[i], _charAt[i + 1] - _charAt[i]);
            _type.Type = Single;
            _offset.SetOffset(_starts[i], _ends[i]);
        }
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _count = _emitted = _heldLength = 0;
        _flushing = _holding = _holdingHan = _ended = false;
        _lastEnd = -1;
        _heldType = null;
    }
}
