using System.Globalization;

namespace Marketplace.Search;

/// <summary>
/// A deep-paging cursor: the sort key and product id of the last hit shown ("search after"), made into a short
/// URL-safe string. The sort is part of the cursor, so a cursor from one order is refused by another instead of
/// giving odd pages. Keys are as <see cref="ColumnSearch"/> orders them (larger first).
/// </summary>
internal static class Cursor
{
    public static string Encode(SearchSort sort, (long Key, int Id) last) =>
        Base64Url.Encode(string.Join('|', ((int)sort).ToString(CultureInfo.InvariantCulture),
            "l" + last.Key.ToString(CultureInfo.InvariantCulture), "l" + last.Id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Null when there is no cursor; a malformed or foreign cursor is ignored (the first page is shown).</summary>
    public static (long Key, int Id)? Decode(string? cursor, SearchSort sort)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200) return null;
        try
        {
            var parts = Base64Url.Decode(cursor).Split('|');
            if (parts.Length != 3 || parts[0] != ((int)sort).ToString(CultureInfo.InvariantCulture) || parts[1][0] != 'l' || parts[2][0] != 'l') return null;
            return (long.Parse(parts[1][1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
                int.Parse(parts[2][1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
