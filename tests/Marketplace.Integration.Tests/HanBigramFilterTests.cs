using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Marketplace.Search;

namespace Marketplace.Integration.Tests;

/// <summary>
/// The index-time analyzer's own Han bigram filter gives exactly the tokens Lucene's CJK bigram filter gives: the same
/// terms, in the same order, with the same position increments and lengths (which decide the norms) and offsets.
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
        return tokens;
    }

    public static TheoryData<string> Cases => new()
    {
        "", "茶", "大米", "东北大米", "孟连精选荞麦面粉 10kg/袋",
        "荞麦面粉产自云南省孟连傣族拉祜族佤族自治县，林下散养，生长周期长。规格10kg/袋，由孟连春晖生态农业有限公司供货。",
        "绿色食品 有机产品 地理标志 承诺达标合格证", "５ＫＧ装 ＡＢＣ茶叶", "Tea 茶 tea2 茶油", "茶 茶 茶", "茶。茶", "茶a茶",
        "日本の緑茶とカタカナ", "ｶﾞｷﾞ茶ﾊﾟﾝ", "한국 김치 배추김치", "𠀀𠀁 汉字𠀂", "茶🍵茶", "1.5kg 2,000 克", "高山 绿茶 · 2026年新茶",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_lucenes_tokens_for_catalogue_text_and_edge_cases(string text)
    {
        using var fast = new ChineseAnalyzer(outputUnigrams: true);
        using var reference = ChineseAnalyzer.Reference(outputUnigrams: true);
        Assert.Equal(Tokens(reference, text), Tokens(fast, text));
    }

    [Fact]
    public void Gives_lucenes_tokens_for_twenty_thousand_random_texts()
    {
        const string alphabet = "茶米油盐酱醋面粉大东北高山绿红有机云南省县，。、/ .-:()（）0123456789kgKG５ＫＧａｂabcXYZあいアイｶﾞﾊﾟ한국𠀀🍵\n\t";
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
        var units = new List<string>();
        while (elements.MoveNext()) units.Add((string)elements.Current);
        var random = new Random(832);
        using var fast = new ChineseAnalyzer(outputUnigrams: true);
        using var reference = ChineseAnalyzer.Reference(outputUnigrams: true);
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => units[random.Next(units.Count)]));
            var expected = Tokens(reference, text);
            var actual = Tokens(fast, text);
            Assert.True(expected.SequenceEqual(actual), $"differs for \"{text}\":\n  Lucene: {string.Join(' ', expected)}\n  ours:   {string.Join(' ', actual)}");
        }
    }
}
