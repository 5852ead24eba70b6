using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Marketplace.Search;

namespace Marketplace.Integration.Tests;

/// <summary>
/// The index-time analyzer (its single-pass <see cref="CatalogueTokenizer"/>, and for other text the chain with its own
/// Han bigram filter) gives exactly the tokens Lucene's chain with its CJK bigram filter gives: the same terms, in the
/// same order, with the same position increments and lengths (which decide the norms), offsets and end state.
/// </summary>
public class HanBigramFilterTests
{
    private static List<(string Term, int PosInc, int PosLen, int Start, int End)> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<(string, int, int, int, int)>();
        using var stream = analyzer.GetTokenStream("all", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var posInc = stream.AddAttribute<IPositionIncrementAttribute>();
        var posLen = stream.AddAttribute<IPositionLengthAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) tokens.Add((term.ToString(), posInc.PositionIncrement, posLen.PositionLength, offset.StartOffset, offset.EndOffset));
        stream.End();
        tokens.Add(("<end>", posInc.PositionIncrement, 0, offset.StartOffset, offset.EndOffset)); // the end state counts too
        return tokens;
    }

    public static TheoryData<string> Cases => new()
    {
        "", "茶", "大米", "东北大米", "孟连精选荞麦面粉 10kg/袋",
        "荞麦面粉产自云南省孟连傣族拉祜族佤族自治县，林下散养，生长周期长。规格10kg/袋，由孟连春晖生态农业有限公司供货。",
        "绿色食品 有机产品 地理标志 承诺达标合格证", "５ＫＧ装 ＡＢＣ茶叶", "Tea 茶 tea2 茶油", "茶 茶 茶", "茶。茶", "茶a茶",
        "日本の緑茶とカタカナ", "ｶﾞｷﾞ茶ﾊﾟﾝ", "한국 김치 배추김치", "𠀀𠀁 汉字𠀂", "茶🍵茶", "1.5kg 2,000 克", "高山 绿茶 · 2026年新茶",
        "a.b", "1,000", "a:b", "it's", "茶.茶", "a. b", "5,", ",5", "a_b", "１，０００", "ａ：ｂ", "茶叶·云南", "a·b",
        new string('a', 64) + " 茶", new string('a', 65) + " 茶", new string('1', 70), "茶  " , "  ", "\r\n茶\r\n",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_lucenes_tokens_for_catalogue_text_and_edge_cases(string text)
    {
        using var fast = new ChineseAnalyzer(outputUnigrams: true);
        using var reference = ChineseAnalyzer.Reference(outputUnigrams: true);
        Assert.Equal(Tokens(reference, text), Tokens(fast, text));
    }

    /// <summary>
    /// Every character the single pass reads itself, alone and between letters, digits, Han characters and full-width
    /// forms: a character whose word-break behaviour the tokenizer's table gets wrong fails here.
    /// </summary>
    [Fact]
    public void Gives_lucenes_tokens_around_every_character_the_single_pass_reads()
    {
        using var fast = new ChineseAnalyzer(outputUnigrams: true);
        using var reference = ChineseAnalyzer.Reference(outputUnigrams: true);
        string[] contexts = ["{0}", "a{0}b", "1{0}2", "ab{0}", "{0}12", "茶{0}叶", "Ａ{0}１", "a{0}茶", "{0}{0}", "x1{0}y2", "a{0}1", "1{0}a",
            "1{0}2{0}3", "a{0}{0}b", "ｂ{0}ｃ", "９{0}８"];
        var simple = 0;
        for (var c = 0; c < CatalogueTokenizer.Classes.Length; c++)
        {
            if (CatalogueTokenizer.Classes[c] == 0) continue;
            foreach (var context in contexts)
            {
                var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, context, (char)c);
                if (CatalogueTokenizer.Simple(text)) simple++;
                var expected = Tokens(reference, text);
                var actual = Tokens(fast, text);
                Assert.True(expected.SequenceEqual(actual), $"differs for U+{c:X4} in \"{text}\":\n  Lucene: {string.Join(' ', expected)}\n  ours:   {string.Join(' ', actual)}");
            }
        }
        Assert.True(simple > 200_000, $"only {simple} of the texts took the single pass");
    }

    [Fact]
    public void Catalogue_text_takes_the_single_pass_and_other_text_the_full_chain()
    {
        Assert.True(CatalogueTokenizer.Simple("荞麦面粉产自云南省孟连傣族拉祜族佤族自治县，林下散养。规格10kg/袋，采用“公司+合作社+农户”模式"));
        Assert.True(CatalogueTokenizer.Simple("５ＫＧ装 ＡＢＣ茶叶 (2026年) 100%"));
        Assert.True(CatalogueTokenizer.Simple("1.5kg 2,000克 it's ａ：ｂ")); // marks joining letters or digits
        Assert.False(CatalogueTokenizer.Simple("日本の緑茶")); // kana
        Assert.False(CatalogueTokenizer.Simple("𠀀"));        // a surrogate pair
        Assert.False(CatalogueTokenizer.Simple(new string('a', 65)));
    }

    [Fact]
    public void Gives_lucenes_tokens_for_twenty_thousand_random_texts()
    {
        const string alphabet = "茶米油盐酱醋面粉大东北高山绿红有机云南省县，。、/ .-:()（）0123456789kgKG５ＫＧａｂabcXYZあいアイｶﾞﾊﾟ한국𠀀🍵\n\t_'·：“”；．‘’,;";
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
        var units = new List<string>();
        while (elements.MoveNext()) units.Add((string)elements.Current);
        var random = new Random(832);
        using var fast = new ChineseAnalyzer(outputUnigrams: true);
        using var reference = ChineseAnalyzer.Reference(outputUnigrams: true);
        var simpleUnits = units.Where(u => CatalogueTokenizer.Simple(u)).ToList();
        for (var i = 0; i < 20_000; i++)
        {
            // Half the texts from characters the single pass reads (so it runs), half from all of them.
            var from = i % 2 == 0 ? simpleUnits : units;
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => from[random.Next(from.Count)]));
            var expected = Tokens(reference, text);
            var actual = Tokens(fast, text);
            Assert.True(expected.SequenceEqual(actual), $"differs for \"{text}\":\n  Lucene: {string.Join(' ', expected)}\n  ours:   {string.Join(' ', actual)}");
        }
    }
}
