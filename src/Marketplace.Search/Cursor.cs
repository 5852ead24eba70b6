using System.Globalization;
using Lucene.Net.Search;

namespace Marketplace.Search;

/// <summary>
/// A deep-paging cursor: the sort values of the last hit shown ("search after"), made into a short URL-safe string.
/// The sort is part of the cursor, so a cursor from one order is refused by another instead of giving odd pages.
/// </summary>
internal static class Cursor
{
    public static string Encode(FieldDoc last, SearchSort sort)
    {
        var parts = new List<string> { ((int)sort).ToString(CultureInfo.InvariantCulture) };
        foreach (var value in last.Fields)
            parts.Add(value switch
            {
                float or J2N.Numerics.Single => "f" + Convert.ToSingle(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
                _ => "l" + Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            });
        return Base64Url.Encode(string.Join('|', parts));
    }

    /// <summary>Null when there is no cursor; a malformed or foreign cursor is ignored (the first page is shown).</summary>
    public static FieldDoc? Decode(string? cursor, SearchSort sort)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200) return null;
        try
        {
            var parts = Base64Url.Decode(cursor).Split('|');
            if (parts.Length != 3 || parts[0] != ((int)sort).ToString(CultureInfo.InvariantCulture)) return null;
            var fields = parts.Skip(1).Select(p => p[0] switch
            {
                'f' => (object)J2N.Numerics.Single.GetInstance(float.Parse(p[1..], CultureInfo.InvariantCulture)),
                'l' => J2N.Numerics.Int64.GetInstance(long.Parse(p[1..], CultureInfo.InvariantCulture)),
                _ => throw new FormatException(),
            }).ToArray();
            var score = fields[0] is J2N.Numerics.Single s ? s.ToSingle() : float.NaN;
            return new FieldDoc(int.MaxValue, score, fields);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
