using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search;

/// <summary>
/// The index-time chain (standard tokenizer → width fold → lower case → Han bigrams with unigrams) in one pass over the
/// text, for text made only of characters whose word-break behaviour is simple: common Han ideographs, ASCII and
/// full-width letters and digits, spaces, punctuation that never joins a word, and the few marks that join two letters
/// or two digits into one word as the standard tokenizer's rules say (2.5kg, 1,000, it's). That is catalogue text almost
/// always. Any other text (kana, hangul, surrogate pairs, a word longer than the tokenizer's limit) goes through the
/// full chain instead, so the tokens are Lucene's in every case: the same terms, position increments and lengths (which
/// decide the norms), offsets and end state. Held to the chain by <c>HanBigramFilterTests</c>: every character the pass
/// reads in several contexts, and random texts.
/// </summary>
internal sealed class CatalogueTokenizer : Tokenizer
{
    private const byte Unsafe = 0, Separator = 1, Alnum = 2, Han = 3, Joiner = 4;
    public const int MaxTokenLength = 64;

    /// <summary>The class of every UTF-16 unit; <see cref="Unsafe"/> sends the text through the full chain.</summary>
    internal static readonly byte[] Classes = BuildClasses();

    private static byte[] BuildClasses()
    {
        var classes = new byte[65536];
        for (var c = 0x4E00; c <= 0x9FA5; c++) classes[c] = Han;
        for (var c = '0'; c <= '9'; c++) classes[c] = Alnum;
        for (var c = 'a'; c <= 'z'; c++) classes[c] = Alnum;
        for (var c = 'A'; c <= 'Z'; c++) classes[c] = Alnum;
        for (var c = 0xFF10; c <= 0xFF19; c++) classes[c] = Alnum; // full-width digits and letters, folded to ASCII
        for (var c = 0xFF21; c <= 0xFF3A; c++) classes[c] = Alnum;
        for (var c = 0xFF41; c <= 0xFF5A; c++) classes[c] = Alnum;
        // Word-break "Other": never part of a word.
        foreach (var c in " \t\n\r\u3000!\"#$%&()*+-/<=>?@[\\]^`{|}~、。〈〉《》「」『』【】〔〕〖〗“”—…※℃°×÷±")
            classes[c] = Separator;
        foreach (var c in "！＂＃＄％＆（）＊＋－／＜＝＞？＠［＼］＾｀｛｜｝～") classes[c] = Separator;
        // Word-break MidLetter, MidNum, MidNumLet and Single_Quote: between two letters or two digits they join them
        // into one word (UAX #29 rules WB6/7 and WB11/12), anywhere else they separate.
        foreach (var c in ".:',;·，．：；‘’＇") classes[c] = Joiner;
        return classes;
    }

    /// <summary>Whether <paramref name="mark"/> joins the letters or digits either side of it into one word.</summary>
    private static bool Joins(char before, char mark, char after)
    {
        var letters = IsLetter(before);
        if (letters != IsLetter(after)) return false; // a letter and a digit: no rule joins across the mark
        return mark switch
        {
            '\'' or '.' or '．' or '‘' or '’' or '＇' => true,   // Single_Quote, MidNumLet: letters or digits
            ':' or '·' or '：' => letters,                       // MidLetter
            _ => !letters,                                       // MidNum: , ; ， ；
        };
    }

    private static bool IsLetter(char c) => c >= 'A' && (c <= 'Z' || c is >= 'a' and <= 'z' || c is >= '\uFF21' and <= '\uFF3A' || c is >= '\uFF41' and <= '\uFF5A');

    /// <summary>The end of the word starting at <paramref name="start"/> (letters and digits, and the marks joining them).</summary>
    private static int WordEnd(ReadOnlySpan<char> text, int start)
    {
        var classes = Classes;
        var i = start;
        while (true)
        {
            while (i < text.Length && classes[text[i]] == Alnum) i++;
            if (i + 1 < text.Length && classes[text[i]] == Joiner && classes[text[i + 1]] == Alnum && Joins(text[i - 1], text[i], text[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
    }

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _posInc;
    private readonly IPositionLengthAttribute _posLen;
    private readonly ITypeAttribute _type;

    private char[] _text = new char[256];
    private int _length, _pos;
    private int _han = -1, _hanEnd;       // the current Han run: the next unigram's index and the run's end
    private bool _bigramNext;

    // The full chain, for text the single pass does not cover.
    private Tokenizer? _fullSource;
    private TokenStream? _full;
    private ICharTermAttribute? _fullTerm;
    private IOffsetAttribute? _fullOffset;
    private IPositionIncrementAttribute? _fullPosInc;
    private IPositionLengthAttribute? _fullPosLen;
    private ITypeAttribute? _fullType;
    private bool _usingFull, _fullOpen;

    public CatalogueTokenizer(TextReader input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _posInc = AddAttribute<IPositionIncrementAttribute>();
        _posLen = AddAttribute<IPositionLengthAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    /// <summary>The chain this tokenizer stands for, over <paramref name="input"/>.</summary>
    internal static (Tokenizer Source, TokenStream Sink) FullChain(TextReader input)
    {
        var (source, folded) = ChineseAnalyzer.Folded(input);
        return (source, new HanBigramFilter(folded));
    }

    public override void Reset()
    {
        base.Reset();
        CloseFull();
        _length = 0;
        while (true)
        {
            if (_length == _text.Length) Array.Resize(ref _text, _text.Length * 2);
            var read = m_input.Read(_text, _length, _text.Length - _length);
            if (read <= 0) break;
            _length += read;
        }
        _pos = 0;
        _han = -1;
        _bigramNext = false;
        _usingFull = !Simple(_text.AsSpan(0, _length));
        if (_usingFull) OpenFull();
    }

    /// <summary>Whether the single pass gives the full chain's tokens for <paramref name="text"/>.</summary>
    internal static bool Simple(ReadOnlySpan<char> text)
    {
        var classes = Classes;
        for (var i = 0; i < text.Length;)
        {
            var k = classes[text[i]];
            if (k == Unsafe) return false;
            if (k != Alnum)
            {
                i++;
                continue;
            }
            var end = WordEnd(text, i);
            if (end - i > MaxTokenLength) return false; // the tokenizer skips such a word and counts a position for it
            i = end;
        }
        return true;
    }

    public override bool IncrementToken()
    {
        if (_usingFull) return NextFromFull();
        if (_han >= 0)
        {
            if (_bigramNext)
            {
                _bigramNext = false;
                Emit(_han - 1, 2, 0, 2);
                return true;
            }
            if (_han < _hanEnd)
            {
                EmitUnigram();
                return true;
            }
            _han = -1;
        }
        var classes = Classes;
        var text = _text;
        while (_pos < _length)
        {
            var k = classes[text[_pos]];
            if (k == Han)
            {
                _han = _pos;
                _hanEnd = _pos + 1;
                while (_hanEnd < _length && classes[text[_hanEnd]] == Han) _hanEnd++;
                _pos = _hanEnd;
                EmitUnigram();
                return true;
            }
            if (k != Alnum)
            {
                _pos++;
                continue;
            }
            var start = _pos;
            _pos = WordEnd(text.AsSpan(0, _length), start);
            var n = _pos - start;
            var buffer = _term.ResizeBuffer(n);
            var digits = true;
            for (var i = 0; i < n; i++)
            {
                var c = text[start + i];
                if (c is >= '\uFF01' and <= '\uFF5E') c = (char)(c - 0xFEE0); // full-width to ASCII
                if (c is >= 'A' and <= 'Z') c = (char)(c + 32);
                digits &= !char.IsAsciiLetter(c);
                buffer[i] = c;
            }
            _term.Length = n;
            _offset.SetOffset(CorrectOffset(start), CorrectOffset(_pos));
            _posInc.PositionIncrement = 1;
            _posLen.PositionLength = 1;
            _type.Type = StandardTokenizer.TOKEN_TYPES[digits ? StandardTokenizer.NUM : StandardTokenizer.ALPHANUM];
            return true;
        }
        return false;
    }

    private void EmitUnigram()
    {
        Emit(_han, 1, 1, 1);
        _han++;
        _bigramNext = _han < _hanEnd;
    }

    private void Emit(int start, int chars, int posInc, int posLen)
    {
        var buffer = _term.ResizeBuffer(chars);
        buffer[0] = _text[start];
        if (chars == 2) buffer[1] = _text[start + 1];
        _term.Length = chars;
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(start + chars));
        _posInc.PositionIncrement = posInc;
        _posLen.PositionLength = posLen;
        _type.Type = chars == 2 ? "<DOUBLE>" : "<SINGLE>";
    }

    private void OpenFull()
    {
        if (_full is null)
        {
            (_fullSource, _full) = FullChain(new StringReader(""));
            _fullTerm = _full.AddAttribute<ICharTermAttribute>();
            _fullOffset = _full.AddAttribute<IOffsetAttribute>();
            _fullPosInc = _full.AddAttribute<IPositionIncrementAttribute>();
            _fullPosLen = _full.AddAttribute<IPositionLengthAttribute>();
            _fullType = _full.AddAttribute<ITypeAttribute>();
            _full.Dispose(); // a tokenizer takes a new reader only when closed
        }
        _fullSource!.SetReader(new StringReader(new string(_text, 0, _length)));
        _full.Reset();
        _fullOpen = true;
    }

    private bool NextFromFull()
    {
        if (!_fullOpen || !_full!.IncrementToken()) return false;
        ClearAttributes();
        _term.CopyBuffer(_fullTerm!.Buffer, 0, _fullTerm.Length);
        _offset.SetOffset(CorrectOffset(_fullOffset!.StartOffset), CorrectOffset(_fullOffset.EndOffset));
        _posInc.PositionIncrement = _fullPosInc!.PositionIncrement;
        _posLen.PositionLength = _fullPosLen!.PositionLength;
        _type.Type = _fullType!.Type;
        return true;
    }

    public override void End()
    {
        base.End();
        var skipped = 0;
        var final = _length;
        if (_usingFull && _fullOpen)
        {
            _full!.End();
            skipped = _fullPosInc!.PositionIncrement;
            final = _fullOffset!.EndOffset;
            CloseFull();
        }
        _posInc.PositionIncrement = skipped;
        _offset.SetOffset(CorrectOffset(final), CorrectOffset(final));
    }

    private void CloseFull()
    {
        if (!_fullOpen) return;
        _fullOpen = false;
        _full!.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseFull();
        base.Dispose(disposing);
    }
}
