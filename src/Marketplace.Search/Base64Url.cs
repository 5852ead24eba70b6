using System.Text;

namespace Marketplace.Search;

/// <summary>URL-safe Base64 without padding, for paging cursors that travel in query strings.</summary>
internal static class Base64Url
{
    public static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Throws FormatException on malformed input.</summary>
    public static string Decode(string cursor)
    {
        var b64 = cursor.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
    }
}
