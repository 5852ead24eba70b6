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
public sealed class ChineseAnalyzer(bool outputUnigrams) : Analyzer
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = 64 };
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        stream = new CJKBigramFilter(stream, CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL, outputUnigrams);
        return new TokenStreamComponents(source, stream);
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
