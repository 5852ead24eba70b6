using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Marketplace.Web.Tests;

/// <summary>Small helpers for driving the app as a browser would: read pages, post forms with their anti-forgery token.</summary>
public static class Html
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IHtmlDocument> GetPageAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}\n{body[..Math.Min(body.Length, 2000)]}");
        return Parser.ParseDocument(body);
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>Fetches the page holding the form, then posts the given fields with that page's anti-forgery token.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pageUrl, string action, IDictionary<string, string> fields)
    {
        var page = await client.GetPageAsync(pageUrl);
        var token = page.QuerySelectorAll("input[name=__RequestVerificationToken]").OfType<IHtmlInputElement>().FirstOrDefault()?.Value;
        Assert.False(string.IsNullOrEmpty(token), $"No anti-forgery token on {pageUrl}");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token! };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public static async Task<string> TokenFromAsync(this HttpClient client, string pageUrl)
    {
        var page = await client.GetPageAsync(pageUrl);
        var token = page.QuerySelectorAll("input[name=__RequestVerificationToken]").OfType<IHtmlInputElement>().FirstOrDefault()?.Value;
        Assert.False(string.IsNullOrEmpty(token), $"No anti-forgery token on {pageUrl}");
        return token!;
    }

    /// <summary>Posts files as multipart/form-data with the anti-forgery token of the page holding the form.</summary>
    public static async Task<HttpResponseMessage> PostFilesAsync(this HttpClient client, string pageUrl, string action, string field, params (string Name, byte[] Data)[] files)
    {
        var content = new MultipartFormDataContent { { new StringContent(await client.TokenFromAsync(pageUrl)), "__RequestVerificationToken" } };
        foreach (var (name, data) in files) content.Add(new ByteArrayContent(data), field, name);
        return await client.PostAsync(action, content);
    }

    /// <summary>The order numbers a checkout placed, as the orders page it redirects to lists them (once).</summary>
    public static async Task<IReadOnlyList<string>> PlacedAsync(this HttpClient buyer, HttpResponseMessage checkout)
    {
        Assert.Equal(HttpStatusCode.Redirect, checkout.StatusCode);
        var page = await buyer.GetPageAsync(checkout.Headers.Location!.ToString());
        return page.QuerySelectorAll(".placed li a").Select(a => a.TextContent.Trim()).ToList();
    }

    public static async Task<HttpResponseMessage> LoginAsync(this HttpClient client, string user, string password) =>
        await client.PostFormAsync("/account/login", "/account/login", new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password });
}
