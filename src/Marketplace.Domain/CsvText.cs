using System.Text;

namespace Marketplace.Domain;

/// <summary>
/// CSV as spreadsheets and bank exports write it: comma- or tab-separated, double quotes around fields that hold
/// separators, quotes ("" inside) or line breaks; CRLF or LF. Rows come with the line number they start on.
/// </summary>
public static class CsvText
{
    public sealed class UnclosedQuoteException(int row) : Exception($"A quoted field starting on line {row} is not closed.")
    {
        public int Row { get; } = row;
    }

    public static IEnumerable<(int Number, List<string> Fields)> Read(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var row = 1;
        var startRow = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') row++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',' or '\t': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    yield return (startRow, fields);
                    fields = [];
                    row++;
                    startRow = row;
                    break;
                default: field.Append(c); break;
            }
        }
        if (quoted) throw new UnclosedQuoteException(startRow);
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (startRow, fields);
        }
    }
}
