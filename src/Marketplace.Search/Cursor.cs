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

    /// <summary>Where an Elasticsearch deep page continues: the last hit's sort values and the point in time it read.</summary>
    public readonly record struct ElasticPosition(ICollection<Elastic.Clients.Elasticsearch.FieldValue> Values, string? Pit);

    public static string EncodeElastic(SearchSort sort, IEnumerable<Elastic.Clients.Elasticsearch.FieldValue> values, string? pit)
    {
        static string One(Elastic.Clients.Elasticsearch.FieldValue v) =>
            v.TryGetLong(out var l) ? "l" + l!.Value.ToString(CultureInfo.InvariantCulture)
            : v.TryGetDouble(out var d) ? "d" + d!.Value.ToString("R", CultureInfo.InvariantCulture)
            : v.TryGetString(out var s) ? "s" + Base64Url.Encode(s!)
            : throw new InvalidOperationException("Unexpected sort value " + v);
        return Base64Url.Encode(string.Join('|', new[] { "e" + ((int)sort).ToString(CultureInfo.InvariantCulture) }.Concat(values.Select(One)).Append("p" + (pit ?? ""))));
    }

    /// <summary>Null when there is no cursor; a malformed or foreign cursor is ignored (the first page is shown).</summary>
    public static ElasticPosition? DecodeElastic(string? cursor, SearchSort sort)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 2_000) return null;
        try
        {
            var parts = Base64Url.Decode(cursor).Split('|');
            if (parts.Length != 4 || parts[0] != "e" + ((int)sort).ToString(CultureInfo.InvariantCulture) || parts[3][0] != 'p') return null;
            var values = new List<Elastic.Clients.Elasticsearch.FieldValue>();
            foreach (var part in parts[1..3])
                values.Add(part[0] switch
                {
                    'l' => Elastic.Clients.Elasticsearch.FieldValue.Long(long.Parse(part[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                    'd' => Elastic.Clients.Elasticsearch.FieldValue.Double(double.Parse(part[1..], NumberStyles.Float, CultureInfo.InvariantCulture)),
                    's' => Elastic.Clients.Elasticsearch.FieldValue.String(Base64Url.Decode(part[1..])),
                    _ => throw new FormatException(),
                });
            return new ElasticPosition(values, parts[3].Length > 1 ? parts[3][1..] : null);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
