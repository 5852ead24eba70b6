using System.Text;
using System.Text.Encodings.Web;

namespace Marketplace.Web.Features.Search;

/// <summary>Marks the query's terms in a product name; everything else is HTML-encoded, so the result is safe to emit.</summary>
public static class Highlighter
{
    public static string Mark(string text, IReadOnlyList<string> terms)
    {
        var marked = new bool[text.Length];
        foreach (var term in terms.Where(t => t.Length > 0))
            for (var i = text.IndexOf(term, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(term, i + 1, StringComparison.OrdinalIgnoreCase))
                for (var j = i; j < i + term.Length; j++) marked[j] = true;

        var sb = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length;)
        {
            var j = i;
            while (j < text.Length && marked[j] == marked[i]) j++;
            var part = HtmlEncoder.Default.Encode(text[i..j]);
            sb.Append(marked[i] ? "<mark>" + part + "</mark>" : part);
            i = j;
        }
        return sb.ToString();
    }
}
