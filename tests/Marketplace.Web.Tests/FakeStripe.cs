using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;

namespace Marketplace.Web.Tests;

/// <summary>
/// A loopback HTTP listener standing in for api.stripe.com: the app's real Stripe.net client talks to it over HTTP.
/// It answers Checkout Session and Refund creation like Stripe does (including replaying the first response for a
/// repeated idempotency key) and records every request for assertions.
/// </summary>
public sealed class FakeStripe : IDisposable
{
    public sealed record Call(string Method, string Path, string? IdempotencyKey, string? Authorization, Dictionary<string, string> Form);

    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, string> _byKey = new();
    private int _counter;
    public ConcurrentQueue<Call> Calls { get; } = new();
    public string BaseUrl { get; }
    /// <summary>Set to make the API fail (e.g. Stripe down), to check that nothing is lost.</summary>
    public volatile bool Failing;

    public FakeStripe()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await HandleAsync(ctx); }
            catch (Exception) { ctx.Response.StatusCode = 500; ctx.Response.Close(); }
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var parsed = HttpUtility.ParseQueryString(body);
        var form = parsed.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => parsed[k]!);
        var key = ctx.Request.Headers["Idempotency-Key"];
        Calls.Enqueue(new Call(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, key, ctx.Request.Headers["Authorization"], form));

        string json;
        int status = 200;
        if (Failing) (status, json) = (500, """{"error":{"type":"api_error","message":"down"}}""");
        else if (key is not null && _byKey.TryGetValue(key, out var earlier)) json = earlier;
        else
        {
            var n = Interlocked.Increment(ref _counter);
            json = ctx.Request.Url.AbsolutePath switch
            {
                "/v1/checkout/sessions" => JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["id"] = $"cs_test_{n}", ["object"] = "checkout.session", ["url"] = $"https://checkout.stripe.test/c/pay/cs_test_{n}",
                    ["status"] = "open", ["payment_status"] = "unpaid", ["mode"] = "payment",
                    ["amount_total"] = long.Parse(form.GetValueOrDefault("line_items[0][price_data][unit_amount]", "0")),
                    ["currency"] = form.GetValueOrDefault("line_items[0][price_data][currency]"), ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
                }),
                "/v1/refunds" => JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["id"] = $"re_test_{n}", ["object"] = "refund", ["amount"] = long.Parse(form.GetValueOrDefault("amount", "0")),
                    ["payment_intent"] = form.GetValueOrDefault("payment_intent"), ["status"] = "pending", ["currency"] = "cny",
                }),
                _ => null!,
            };
            if (json is null) (status, json) = (404, """{"error":{"type":"invalid_request_error","message":"unknown path"}}""");
            else if (key is not null) _byKey.TryAdd(key, json);
        }
        var bytes = Encoding.UTF8.GetBytes(json);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Request-Id"] = "req_test";
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    }

    /// <summary>A Stripe-Signature header as Stripe computes it: HMAC-SHA256 over "{timestamp}.{payload}" with the endpoint secret.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>An event envelope in Stripe's wire format around a data object.</summary>
    public static string Event(string id, string type, object dataObject) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["type"] = type, ["livemode"] = false, ["pending_webhooks"] = 1, ["request"] = new Dictionary<string, object?> { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new Dictionary<string, object?> { ["object"] = dataObject },
    });

    public void Dispose() => _listener.Close();
}
